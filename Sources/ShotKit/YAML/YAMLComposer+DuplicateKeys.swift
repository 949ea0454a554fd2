extension Composer {
    /// The index in `values` of a scalar key's value (an alias followed), nil for other keys.
    /// Static, so that calling it from a mutating method never copies the composer.
    static func keyValue(_ id: Int32, in document: borrowing YAMLDocument) -> Int32? {
        var record = document.records[Int(id)]
        if record.kind == .alias { record = document.records[Int(record.first)] }
        return record.kind == .scalar ? record.first : nil
    }

    /// Whether the key of `id` has the value at `value`, as equal Strings (see
    /// ``YAMLDocument/value(_:equals:)``).
    static func key(_ id: Int32, hasValue value: Int32, in document: borrowing YAMLDocument) -> Bool {
        guard let other = keyValue(id, in: document) else { return false }
        return document.value(other, equals: value)
    }

    /// Reports each duplicate key of the mapping whose keys and values are `pending[base...]`
    /// (E0021) and drops its pair.
    mutating func removeDuplicateKeys(from base: Int, diagnostics: inout DiagnosticBag) {
        let pairCount = (pending.count - base) / 2
        var duplicates: [Int] = []
        if pairCount <= 16 {
            // Small mappings compare keys directly.
            for index in 0..<pairCount {
                guard let key = Self.keyValue(pending[base + 2 * index], in: document) else {
                    continue
                }
                for earlier in 0..<index
                where Self.key(pending[base + 2 * earlier], hasValue: key, in: document) {
                    // `earlier` is the first occurrence: the scan starts at the front.
                    report(
                        duplicate: document.string(ofValue: key), at: pending[base + 2 * index],
                        first: pending[base + 2 * earlier], into: &diagnostics)
                    duplicates.append(index)
                    break
                }
            }
        } else {
            // Large ones (a scene's shots) use an open-addressing table of key ids, hashed
            // with FNV-1a: much cheaper than a dictionary of strings.
            var capacity = 64
            while capacity < 2 * pairCount { capacity *= 2 }
            var table = [Int32](repeating: -1, count: capacity)
            for index in 0..<pairCount {
                let id = pending[base + 2 * index]
                guard let key = Self.keyValue(id, in: document) else { continue }
                let range = document.values[Int(key)]
                var slot =
                    document.text.withUnsafeBufferPointer {
                        Self.hash(UnsafeBufferPointer(rebasing: $0[range]))
                    } & (capacity - 1)
                while table[slot] >= 0 {
                    let other = table[slot]
                    if Self.key(other, hasValue: key, in: document) {
                        report(
                            duplicate: document.string(ofValue: key), at: id, first: other,
                            into: &diagnostics)
                        duplicates.append(index)
                        break
                    }
                    slot = (slot + 1) & (capacity - 1)
                }
                if table[slot] < 0 { table[slot] = id }
            }
        }
        // Drop the duplicates' keys and values, last first so that the indexes stay right.
        for index in duplicates.reversed() {
            pending.removeSubrange((base + 2 * index)..<(base + 2 * index + 2))
        }
    }

    /// FNV-1a over the bytes.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 32))
    }

    /// Reports E0021 for the key `key` at `id`, first written at `first`.
    func report(
        duplicate key: String, at id: Int32, first: Int32, into diagnostics: inout DiagnosticBag
    ) {
        diagnostics.report(
            .duplicateKey(
                key, at: document.writtenSpan(of: YAMLNodeID(index: id)),
                first: document.writtenSpan(of: YAMLNodeID(index: first))))
    }
}
