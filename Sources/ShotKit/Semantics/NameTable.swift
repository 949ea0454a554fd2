#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Declared names interned for lookup by their UTF-8 bytes, so that resolving a mention makes
/// no `String` and hashes no `String` (the analyzer resolves every mention of every shot
/// through it).
///
/// Only ASCII names are interned. For them, equal bytes is exactly Swift's `String` equality.
/// Non-ASCII names are not: `String` compares by canonical equivalence (a precomposed `é`
/// equals `e` plus a combining accent, and the Kelvin sign equals `K`), so a lookup that misses
/// here is retried with the `String` (the analyzer does so for every miss: misses are errors
/// or non-ASCII names, both rare).
struct NameTable {
    /// For each slot, the index in ``entries`` of the name there plus one; 0 for an empty slot.
    private var slots: [Int32] = Array(repeating: 0, count: 64)
    /// Every interned name's bytes, one after another.
    private var bytes: [UInt8] = []
    /// Each interned name: where its bytes are in ``bytes``, and the value stored for it.
    private var entries: [(start: Int, count: Int, value: Int)] = []

    /// Interns `name` with `value`, unless the name is already there (the first one stays, as
    /// the first declaration of a name does) or is not ASCII.
    mutating func insert(_ name: String, value: Int) {
        var name = name
        name.withUTF8 { name in
            guard name.allSatisfy({ $0 < 0x80 }) else { return }
            guard lookup(name) == nil else { return }
            if (entries.count + 1) * 2 > slots.count { grow() }
            entries.append((bytes.count, name.count, value))
            bytes.append(contentsOf: name)
            place(entries.count - 1)
        }
    }

    /// The value interned for the name spelt by `name`, if any.
    func lookup(_ name: UnsafeBufferPointer<UInt8>) -> Int? {
        let mask = slots.count - 1
        var slot = Self.hash(name) & mask
        return slots.withUnsafeBufferPointer { slots in
            bytes.withUnsafeBufferPointer { bytes in
                while true {
                    let stored = Int(slots[slot])
                    if stored == 0 { return nil }
                    let entry = entries[stored - 1]
                    if entry.count == name.count, Self.same(bytes, at: entry.start, as: name) { return entry.value }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// Whether the bytes of `all` from `start` spell `name`.
    private static func same(
        _ all: UnsafeBufferPointer<UInt8>, at start: Int, as name: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        guard let base = all.baseAddress, let probe = name.baseAddress else { return name.isEmpty }
        return memcmp(base + start, probe, name.count) == 0
    }

    /// FNV-1a: names are short, and the table is rebuilt per analysis, so a keyed hash
    /// buys nothing here.
    private static func hash(_ name: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 32))
    }

    private mutating func place(_ entry: Int) {
        let mask = slots.count - 1
        let hash = bytes.withUnsafeBufferPointer { all in
            Self.hash(
                UnsafeBufferPointer(rebasing: all[entries[entry].start..<(entries[entry].start + entries[entry].count)])
            )
        }
        var slot = hash & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry + 1)
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        for entry in entries.indices { place(entry) }
    }
}
