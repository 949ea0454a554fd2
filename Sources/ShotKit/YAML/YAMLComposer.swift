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

/// The state of one composition (see ``YAMLComposer``); its duplicate-key check is in
/// YAMLComposer+DuplicateKeys.swift.
struct Composer {
    /// The file composed.
    let file: SourceFile
    /// The document built so far.
    var document: YAMLDocument
    private var stack: [OpenCollection] = []
    /// The children of the open collections, innermost last.
    var pending: [Int32] = []
    private var anchors: [String: AnchoredNode] = [:]
    private var expanded = 0
    /// Set after an error that makes the tree unfit for later phases.
    private var failed = false

    /// A composer of `file`, its document's arrays reserved.
    init(file: SourceFile) {
        self.file = file
        self.document = YAMLDocument(file: file.id)
        // A scene has roughly one node per 25 bytes.
        document.records.reserveCapacity(file.bytes.count / 25 + 16)
        document.children.reserveCapacity(file.bytes.count / 25 + 16)
        document.values.reserveCapacity(file.bytes.count / 40 + 16)
        // Values are never much longer than their source.
        document.text.reserveCapacity(file.bytes.count + 16)
    }

    /// Reads libyaml's events into the document; nil after an error that leaves no
    /// trustworthy tree.
    mutating func run(diagnostics: inout DiagnosticBag) -> YAMLDocument? {
        // The characters `.shot` refuses (E0011) are refused here too, before libyaml (which
        // refuses most of them with a generic message, and takes U+0085, U+2028 and U+2029
        // as line ends). `SourceFile` has already checked the bytes up to its clean prefix, eight
        // at a time: only what follows is looked at again.
        if let (offset, value) = ControlCharacter.first(in: file.bytes, from: file.cleanPrefixLength) {
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
                    let id = append(
                        .scalar, .plain, event.span, first: appendValue(UnsafeBufferPointer(start: nil, count: 0)),
                        count: 0)
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
                    first: appendValue(value),
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

    /// Appends the bytes of a scalar's value to the document; returns its index in `values`.
    private mutating func appendValue(_ value: UnsafeBufferPointer<UInt8>) -> Int32 {
        let start = document.text.count
        document.text.append(contentsOf: value)
        document.values.append(start..<document.text.count)
        return Int32(document.values.count - 1)
    }

    /// Adds a finished node to the innermost open collection, or makes it the root. Always
    /// inlined: it runs for every node, and a call costs more than its few stores.
    @inline(__always)
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
