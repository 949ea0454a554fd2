import ShotKit

extension LanguageServer {
    /// LSP SymbolKind for each declaration kind.
    static func symbolKind(_ kind: DeclarationKind) -> Int {
        switch kind {
        case .character: 5  // Class
        case .prop: 19  // Object
        case .image: 17  // File? (no image kind in LSP)
        case .style: 14  // Constant
        }
    }

    /// `textDocument/documentSymbol`: the file's declarations by kind and its shots with
    /// their duration.
    func documentSymbols(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let document = try document(params)
        let index = index(document)
        guard let root = index.compilation.root else { return .array([]) }
        var symbols: [JSONValue] = []
        for declaration in index.declarations where declaration.file == root {
            symbols.append(
                .object([
                    ("name", .string(declaration.name)),
                    ("detail", .string(declaration.kind.rawValue)),
                    ("kind", .int(Self.symbolKind(declaration.kind))),
                    ("range", document.lines.range(declaration.span.start, declaration.span.end)),
                    ("selectionRange", document.lines.range(declaration.nameSpan.start, declaration.nameSpan.end)),
                ]))
        }
        for shot in index.shots where shot.nameSpan.file == root {
            var detail = "shot"
            if let duration = shot.duration {
                detail = "\(duration)s" + (shot.aspect.map { " " + $0.rawValue } ?? "")
            }
            symbols.append(
                .object([
                    ("name", .string(shot.name)),
                    ("detail", .string(detail)),
                    ("kind", .int(12)),  // Function
                    ("range", document.lines.range(shot.span.start, shot.span.end)),
                    ("selectionRange", document.lines.range(shot.nameSpan.start, shot.nameSpan.end)),
                ]))
        }
        return .array(symbols)
    }

    /// `textDocument/codeAction`: a quick fix for each fix-it of a diagnostic in the range.
    func codeActions(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let document = try document(params)
        guard let start = LSPPosition(params["range"]?["start"]), let end = LSPPosition(params["range"]?["end"]) else {
            throw .invalidParams("codeAction needs a range")
        }
        let from = document.lines.offset(of: start)
        let to = document.lines.offset(of: end)
        let index = index(document)
        guard let root = index.compilation.root else { return .array([]) }
        var actions: [JSONValue] = []
        for (json, diagnostic) in diagnostics(of: document, index) {
            guard let span = diagnostic.span, span.file == root, span.start <= to, from <= span.end else { continue }
            for fixIt in diagnostic.fixIts {
                var edits: [String: [JSONValue]] = [:]
                var order: [String] = []
                for edit in fixIt.edits {
                    let file = index.compilation.sources[edit.span.file]
                    let uri = edit.span.file == root ? document.uri : uri(ofPath: index.path(of: edit.span.file))
                    let lines = edit.span.file == root ? document.lines : LineTable(file.bytes)
                    if edits[uri] == nil { order.append(uri) }
                    edits[uri, default: []].append(
                        .object([
                            ("range", lines.range(edit.span.start, edit.span.end)),
                            ("newText", .string(edit.replacement)),
                        ]))
                }
                actions.append(
                    .object([
                        ("title", .string(fixIt.message)),
                        ("kind", .string("quickfix")),
                        ("diagnostics", .array([json])),
                        ("isPreferred", .bool(diagnostic.fixIts.count == 1)),
                        ("edit", .object([("changes", .object(order.map { ($0, .array(edits[$0] ?? [])) }))])),
                    ]))
            }
        }
        return .array(actions)
    }

    /// `textDocument/semanticTokens/full`: declared names and mentions; a mention of an unknown
    /// name is an `unresolvedReference`.
    func semanticTokens(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let document = try document(params)
        let index = index(document)
        guard let root = index.compilation.root else { return .object([("data", .array([]))]) }
        var tokens: [(start: Int, end: Int, type: Int, modifiers: Int)] = []
        func kindBit(_ kind: DeclarationKind) -> Int {
            1 << (Self.tokenModifiers.firstIndex(of: kind.rawValue) ?? 0)
        }
        for declaration in index.declarations where declaration.nameSpan.file == root {
            tokens.append((declaration.nameSpan.start, declaration.nameSpan.end, 0, 1 | kindBit(declaration.kind)))
        }
        for mention in index.mentions where mention.span.file == root {
            if let declared = mention.declaration {
                tokens.append((mention.span.start, mention.span.end, 0, kindBit(index.declarations[declared].kind)))
            } else {
                tokens.append((mention.span.start, mention.span.end, 1, 0))
            }
        }
        tokens.sort { $0.start < $1.start }
        var data: [JSONValue] = []
        var previous = LSPPosition(line: 0, character: 0)
        for token in tokens {
            let start = document.lines.position(of: token.start)
            let end = document.lines.position(of: token.end)
            // Tokens do not span lines; a mention folded across lines (YAML) keeps its first line.
            let length = end.line == start.line ? end.character - start.character : 1
            let deltaLine = start.line - previous.line
            let deltaStart = deltaLine == 0 ? start.character - previous.character : start.character
            data += [.int(deltaLine), .int(deltaStart), .int(length), .int(token.type), .int(token.modifiers)]
            previous = start
        }
        return .object([("data", .array(data))])
    }
}
