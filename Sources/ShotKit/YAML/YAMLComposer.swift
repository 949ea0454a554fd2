/// Builds the ``YAMLDocument`` of a YAML file from libyaml's events: records aliases, checks
/// for duplicate keys, a second document, and documents built to exhaust memory.
enum YAMLComposer {
    /// The most nodes a document may have once its aliases are expanded.
    static let maxExpandedNodes = 1_000_000
    /// The deepest nesting of sequences and mappings allowed, aliases expanded.
    static let maxDepth = 512

    /// The document; its root is nil for an empty file. nil after an error that leaves no
    /// trustworthy tree (a syntax error, an undefined alias, a document too large). A
    /// duplicate key is reported and its pair dropped; a second document is reported and
    /// ignored.
    static func compose(_ file: SourceFile, diagnostics: inout DiagnosticBag) -> YAMLDocument? {
        var composer = Composer(file: file)
        return composer.run(diagnostics: &diagnostics)
    }
}

/// What an alias to an anchored node costs once expanded.
private struct AnchoredNode {
    var id: Int32
    /// Nodes in it, itself included.
    var count: Int
    /// Its depth: 1 for a scalar.
    var height: Int
}

/// A sequence or mapping whose end event has not arrived yet.
private struct OpenCollection {
    /// Its record, appended when it started.
    var record: Int32
    /// Where its children start in the composer's `pending` stack.
    var base: Int
    var anchor: String?
    var count = 1
    var height = 1
}

private struct Composer {
    let file: SourceFile
    var document: YAMLDocument
    var stack: [OpenCollection] = []
    /// The children of the open collections, innermost last.
    var pending: [Int32] = []
    var anchors: [String: AnchoredNode] = [:]
    var expanded = 0
    /// Set after an error that makes the tree unfit for later phases.
    var failed = false

    init(file: SourceFile) {
        self.file = file
        self.document = YAMLDocument(file: file.id)
        // A scene has roughly one node per 25 bytes.
        document.records.reserveCapacity(file.bytes.count / 25 + 16)
        document.children.reserveCapacity(file.bytes.count / 25 + 16)
        document.values.reserveCapacity(file.bytes.count / 40 + 16)
    }

    mutating func run(diagnostics: inout DiagnosticBag) -> YAMLDocument? {
        // The characters `.shot` refuses (E0011) are refused here too, before libyaml (which
        // refuses most of them with a generic message, and takes U+0085, U+2028 and U+2029
        // as line ends).
        if let (offset, value) = YAMLInputScan.firstForbidden(in: file.bytes) {
            let length = value < 0x80 ? 1 : Lexer.utf8SequenceLength(in: file.bytes, at: offset)
            diagnostics.report(
                .controlCharacter(value, at: SourceSpan(file: file.id, start: offset, end: offset + max(1, length))))
            return nil
        }
        let parser = YAMLEventParser(file)
        var documents = 0
        while true {
            let event: YAMLEvent
            do {
                event = try parser.next()
            } catch {
                report(error, into: &diagnostics)
                return nil
            }
            switch event.kind {
            case .streamStart, .documentEnd:
                continue
            case .streamEnd:
                return failed ? nil : document
            case .documentStart:
                documents += 1
                if documents > 1 {
                    diagnostics.report(.multipleDocuments(at: event.span))
                    return failed ? nil : document
                }
            case .alias:
                let name = parser.aliasName
                guard let target = anchors[name] else {
                    diagnostics.report(.undefinedAlias(name, at: event.span))
                    failed = true
                    let id = append(.scalar, .plain, event.span, first: appendValue(""), count: 0)
                    add(id, count: 1, height: 1)
                    continue
                }
                expanded += target.count
                guard
                    checkSize(
                        at: event.span, depth: stack.count + target.height, into: &diagnostics)
                else {
                    return nil
                }
                let id = append(.alias, .plain, event.span, first: target.id, count: 0)
                add(id, count: target.count, height: target.height)
            case .scalar(let style):
                expanded += 1
                guard checkSize(at: event.span, depth: stack.count + 1, into: &diagnostics) else {
                    return nil
                }
                var span = event.span
                // Anchors and tags are rare: their Strings are made only when present.
                let hasProperties = parser.scalarHasProperties
                if hasProperties {
                    // libyaml's mark starts at `&anchor` or `!tag`; the scalar is after them.
                    span.start = file.bytes.withUnsafeBufferPointer {
                        ProseAligner.skipProperties(from: span.start, to: span.end, in: $0)
                    }
                }
                let value = parser.scalarValue
                let id = append(
                    .scalar, style, span,
                    first: appendValue(value.isEmpty ? "" : String(decoding: value, as: UTF8.self)),
                    count: 0)
                if hasProperties {
                    if let tag = parser.scalarTag {
                        document.records[Int(id)].tag = Int32(document.tags.count)
                        document.tags.append(tag)
                    }
                    if let anchor = parser.anchor {
                        anchors[anchor] = AnchoredNode(id: id, count: 1, height: 1)
                    }
                }
                add(id, count: 1, height: 1)
            case .sequenceStart, .mappingStart:
                expanded += 1
                guard checkSize(at: event.span, depth: stack.count + 1, into: &diagnostics) else {
                    return nil
                }
                var kind = YAMLDocument.Kind.sequence
                if case .mappingStart = event.kind { kind = .mapping }
                let id = append(kind, .plain, event.span, first: 0, count: 0)
                stack.append(
                    OpenCollection(record: id, base: pending.count, anchor: parser.anchor))
            case .sequenceEnd, .mappingEnd:
                guard let open = stack.popLast() else { continue }
                let index = Int(open.record)
                if document.records[index].kind == .mapping {
                    removeDuplicateKeys(from: open.base, diagnostics: &diagnostics)
                }
                document.records[index].first = Int32(document.children.count)
                document.records[index].count = Int32(pending.count - open.base)
                document.records[index].end = collectionEnd(open, closedBy: event.span)
                document.children.append(contentsOf: pending[open.base...])
                pending.removeSubrange(open.base...)
                if let anchor = open.anchor {
                    anchors[anchor] = AnchoredNode(
                        id: open.record, count: open.count, height: open.height)
                }
                add(open.record, count: open.count, height: open.height)
            }
        }
    }

    /// Where a collection ends: after its `]` or `}`, or after its last child in block style
    /// (whose end event stands at the next token, past blank lines and comments).
    private func collectionEnd(_ open: OpenCollection, closedBy end: SourceSpan) -> Int {
        var offset = document.records[Int(open.record)].end
        if end.end > end.start, end.start < file.bytes.count,
            file.bytes[end.start] == UInt8(ascii: "]") || file.bytes[end.start] == UInt8(ascii: "}")
        {
            return max(offset, end.end)
        }
        if pending.count > open.base, let last = pending.last {
            offset = max(offset, document.records[Int(last)].end)
        }
        return offset
    }

    private mutating func append(
        _ kind: YAMLDocument.Kind, _ style: YAMLScalarStyle, _ span: SourceSpan, first: Int32,
        count: Int32
    ) -> Int32 {
        document.records.append(
            YAMLDocument.Record(
                kind: kind, style: style, start: span.start, end: span.end, first: first,
                count: count, tag: -1))
        return Int32(document.records.count - 1)
    }

    private mutating func appendValue(_ value: String) -> Int32 {
        document.values.append(value)
        return Int32(document.values.count - 1)
    }

    /// Adds a finished node to the innermost open collection, or makes it the root.
    private mutating func add(_ id: Int32, count: Int, height: Int) {
        guard !stack.isEmpty else {
            document.root = YAMLNodeID(index: id)
            return
        }
        pending.append(id)
        let last = stack.count - 1
        stack[last].count += count
        if height + 1 > stack[last].height { stack[last].height = height + 1 }
    }

    /// Reports E0025 and returns false when the document has grown too large or too deep.
    private func checkSize(
        at span: SourceSpan, depth: Int, into diagnostics: inout DiagnosticBag
    )
        -> Bool
    {
        if expanded > YAMLComposer.maxExpandedNodes {
            diagnostics.report(.yamlTooLarge(maxNodes: YAMLComposer.maxExpandedNodes, at: span))
            return false
        }
        if depth > YAMLComposer.maxDepth {
            diagnostics.report(.yamlTooDeep(maxDepth: YAMLComposer.maxDepth, at: span))
            return false
        }
        return true
    }

    /// The value of a scalar key (an alias followed), nil for other keys. Static, so that
    /// calling it from a mutating method never copies the composer.
    private static func keyValue(_ id: Int32, in document: borrowing YAMLDocument) -> String? {
        var record = document.records[Int(id)]
        if record.kind == .alias { record = document.records[Int(record.first)] }
        return record.kind == .scalar ? document.values[Int(record.first)] : nil
    }

    /// Reports each duplicate key of the mapping whose keys and values are `pending[base...]`
    /// (E0021) and drops its pair.
    private mutating func removeDuplicateKeys(from base: Int, diagnostics: inout DiagnosticBag) {
        let pairCount = (pending.count - base) / 2
        var duplicates: [Int] = []
        if pairCount <= 16 {
            // Small mappings compare keys directly.
            for index in 0..<pairCount {
                guard let key = Self.keyValue(pending[base + 2 * index], in: document) else {
                    continue
                }
                for earlier in 0..<index
                where Self.keyValue(pending[base + 2 * earlier], in: document) == key {
                    // `earlier` is the first occurrence: the scan starts at the front.
                    report(
                        duplicate: key, at: pending[base + 2 * index],
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
                guard var key = Self.keyValue(id, in: document) else { continue }
                var slot = key.withUTF8 { Self.hash($0) } & (capacity - 1)
                while table[slot] >= 0 {
                    let other = table[slot]
                    if Self.keyValue(other, in: document) == key {
                        report(duplicate: key, at: id, first: other, into: &diagnostics)
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
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 32))
    }

    private func report(
        duplicate key: String, at id: Int32, first: Int32, into diagnostics: inout DiagnosticBag
    ) {
        diagnostics.report(
            .duplicateKey(
                key, at: document.writtenSpan(of: YAMLNodeID(index: id)),
                first: document.writtenSpan(of: YAMLNodeID(index: first))))
    }

    /// Reports libyaml's error: E0001 for invalid UTF-8, otherwise E0020.
    private func report(_ error: YAMLSyntaxError, into diagnostics: inout DiagnosticBag) {
        if error.stage != .reader, let trap = YAMLTraps.diagnostic(for: error, in: file) {
            diagnostics.report(trap)
            return
        }
        diagnostics.report(
            .yamlError(
                error.problem, invalidUTF8: error.stage == .reader && error.problem.contains("UTF-8"),
                at: error.span, context: error.context.map { ($0, error.contextSpan) }))
    }
}
