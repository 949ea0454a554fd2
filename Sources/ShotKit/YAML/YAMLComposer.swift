/// Builds the node tree of a YAML file from libyaml's events: expands aliases, checks for
/// duplicate keys, a second document, and documents built to exhaust memory.
enum YAMLComposer {
    /// The most nodes a document may have once its aliases are expanded.
    static let maxExpandedNodes = 1_000_000
    /// The deepest nesting of sequences and mappings allowed.
    static let maxDepth = 512

    /// The document's root node: nil for an empty file, and nil after an error that leaves
    /// no trustworthy tree (a syntax error, an undefined alias, a document too large). A
    /// duplicate key is reported and its second entry dropped; a second document is reported
    /// and ignored.
    static func compose(_ file: SourceFile, diagnostics: inout DiagnosticBag) -> YAMLNode? {
        var composer = Composer(file: file)
        return composer.run(diagnostics: &diagnostics)
    }
}

/// An anchored node, with what an alias to it costs.
private struct AnchoredNode {
    var node: YAMLNode
    /// Nodes in it, itself included.
    var count: Int
    /// Its depth: 1 for a scalar.
    var height: Int
}

/// A sequence or mapping whose end event has not arrived yet.
private struct OpenCollection {
    var isMapping: Bool
    /// The items of a sequence, or a mapping's keys and values alternating.
    var nodes: [YAMLNode] = []
    /// For each of `nodes`, where it is written here (an alias's `*name`).
    var writtenSpans: [SourceSpan] = []
    /// The start event's span.
    var start: SourceSpan
    var anchor: String?
    var count = 1
    var height = 1
}

private struct Composer {
    let file: SourceFile
    var stack: [OpenCollection] = []
    var anchors: [String: AnchoredNode] = [:]
    var expanded = 0
    var root: YAMLNode? = nil
    /// Set after an error that makes the tree unfit for later phases.
    var failed = false

    init(file: SourceFile) {
        self.file = file
    }

    mutating func run(diagnostics: inout DiagnosticBag) -> YAMLNode? {
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
                return failed ? nil : root
            case .documentStart:
                documents += 1
                if documents > 1 {
                    diagnostics.report(
                        .multipleDocuments, "found a second YAML document; a scene file is one document",
                        at: event.span,
                        help: ["remove the '---' that starts it, or move it to a file of its own and import it"])
                    return failed ? nil : root
                }
            case .alias(let name):
                guard let target = anchors[name] else {
                    diagnostics.report(.yamlSyntax, "undefined alias '*\(name)'", at: event.span)
                    failed = true
                    add(.scalar(YAMLScalar(value: "", style: .plain, span: event.span)), at: event.span, count: 1, height: 1)
                    continue
                }
                expanded += target.count
                guard checkSize(at: event.span, depth: stack.count + target.height, into: &diagnostics) else {
                    return nil
                }
                add(target.node, at: event.span, count: target.count, height: target.height)
            case .scalar(let value, let style, let tag, let anchor):
                expanded += 1
                guard checkSize(at: event.span, depth: stack.count + 1, into: &diagnostics) else { return nil }
                var span = event.span
                if anchor != nil || tag != nil {
                    // libyaml's mark starts at `&anchor` or `!tag`; the scalar is after them.
                    span.start = file.bytes.withUnsafeBufferPointer {
                        ProseAligner.skipProperties(from: span.start, to: span.end, in: $0)
                    }
                }
                let node = YAMLNode.scalar(YAMLScalar(value: value, style: style, tag: tag, span: span))
                if let anchor { anchors[anchor] = AnchoredNode(node: node, count: 1, height: 1) }
                add(node, at: span, count: 1, height: 1)
            case .sequenceStart(let anchor), .mappingStart(let anchor):
                expanded += 1
                guard checkSize(at: event.span, depth: stack.count + 1, into: &diagnostics) else { return nil }
                var isMapping = false
                if case .mappingStart = event.kind { isMapping = true }
                stack.append(OpenCollection(isMapping: isMapping, start: event.span, anchor: anchor))
            case .sequenceEnd, .mappingEnd:
                guard let open = stack.popLast() else { continue }
                let span = open.start.union(event.span)
                let node: YAMLNode
                if open.isMapping {
                    node = .mapping(YAMLMapping(pairs: pairs(of: open, diagnostics: &diagnostics), span: span))
                } else {
                    node = .sequence(YAMLSequence(items: open.nodes, span: span))
                }
                if let anchor = open.anchor {
                    anchors[anchor] = AnchoredNode(node: node, count: open.count, height: open.height)
                }
                add(node, at: span, count: open.count, height: open.height)
            }
        }
    }

    /// Adds a finished node to the innermost open collection, or makes it the root.
    private mutating func add(_ node: YAMLNode, at written: SourceSpan, count: Int, height: Int) {
        guard !stack.isEmpty else {
            root = node
            return
        }
        let last = stack.count - 1
        stack[last].nodes.append(node)
        stack[last].writtenSpans.append(written)
        stack[last].count += count
        if height + 1 > stack[last].height { stack[last].height = height + 1 }
    }

    /// Reports E0025 and returns false when the document has grown too large or too deep.
    private func checkSize(at span: SourceSpan, depth: Int, into diagnostics: inout DiagnosticBag) -> Bool {
        if expanded > YAMLComposer.maxExpandedNodes {
            diagnostics.report(
                .yamlTooLarge,
                "YAML document expands to more than \(YAMLComposer.maxExpandedNodes) nodes",
                at: span, help: ["an alias repeats the node it names; use fewer or smaller aliases"])
            return false
        }
        if depth > YAMLComposer.maxDepth {
            diagnostics.report(
                .yamlTooLarge, "YAML nesting is deeper than \(YAMLComposer.maxDepth) levels", at: span)
            return false
        }
        return true
    }

    /// The pairs of a finished mapping, a duplicate key reported (E0021) and its pair dropped.
    private func pairs(of open: OpenCollection, diagnostics: inout DiagnosticBag) -> [YAMLPair] {
        let count = open.nodes.count / 2
        var pairs: [YAMLPair] = []
        pairs.reserveCapacity(count)
        // Small mappings compare keys directly; large ones (a scene's shots) use a dictionary.
        var seen: [String: SourceSpan]? = count > 16 ? Dictionary(minimumCapacity: count) : nil
        for index in 0..<count {
            let key = open.nodes[2 * index]
            let pair = YAMLPair(key: key, value: open.nodes[2 * index + 1], valueSpan: open.writtenSpans[2 * index + 1])
            guard case .scalar(let scalar) = key else {
                pairs.append(pair)
                continue
            }
            var first: SourceSpan? = nil
            if seen != nil {
                first = seen?[scalar.value]
                if first == nil { seen?[scalar.value] = scalar.span }
            } else {
                for earlier in pairs {
                    if case .scalar(let other) = earlier.key, other.value == scalar.value {
                        first = other.span
                        break
                    }
                }
            }
            if let first {
                diagnostics.report(
                    .duplicateKey, "duplicate key '\(scalar.value)'", at: open.writtenSpans[2 * index],
                    notes: [DiagnosticNote("first given here", at: first)])
            } else {
                pairs.append(pair)
            }
        }
        return pairs
    }

    /// Reports libyaml's error: E0001 for invalid UTF-8, otherwise E0020.
    private func report(_ error: YAMLSyntaxError, into diagnostics: inout DiagnosticBag) {
        let code: DiagnosticCode =
            error.stage == .reader && error.problem.contains("UTF-8") ? .invalidUTF8 : .yamlSyntax
        var notes: [DiagnosticNote] = []
        if let context = error.context { notes.append(DiagnosticNote(context, at: error.contextSpan)) }
        diagnostics.report(code, error.problem, at: error.span, notes: notes)
    }
}
