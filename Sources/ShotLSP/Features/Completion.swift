import ShotKit

extension LanguageServer {
    /// LSP CompletionItemKind for each declaration kind.
    static func completionKind(_ kind: DeclarationKind) -> Int {
        switch kind {
        case .character: 7  // Class
        case .prop: 19  // Folder
        case .image: 17  // File
        case .style: 16  // Color
        }
    }

    /// `textDocument/completion`: names after `@`, fields and keywords at the start of a line,
    /// durations and aspect ratios on a shot header or setting.
    func completion(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let document = try document(params)
        let offset = try offset(params, in: document)
        let bytes = document.bytes
        let lineStart = document.lines.offset(
            of: LSPPosition(line: document.lines.position(of: offset).line, character: 0))
        let before = Array(bytes[lineStart..<offset])

        // `@partial`: every name in scope.
        var nameStart = before.count
        while nameStart > 0, Self.isNameByte(before[nameStart - 1]) { nameStart -= 1 }
        if nameStart > 0, before[nameStart - 1] == UInt8(ascii: "@"),
            nameStart < 2 || !(Self.isNameByte(before[nameStart - 2]) || before[nameStart - 2] == UInt8(ascii: "@"))
        {
            return .object([
                ("isIncomplete", .bool(false)),
                ("items", .array(nameItems(document, replacing: lineStart + nameStart..<offset))),
            ])
        }

        let text = String(decoding: before, as: UTF8.self)
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let endsInSpace = text.last == " " || text.last == "\t"
        let indented = text.first == " " || text.first == "\t"
        let partial = endsInSpace ? "" : (words.last ?? "")
        let complete = endsInSpace ? words : Array(words.dropLast())
        let isYAML = SceneLoader.surface(forPath: document.path) == .yaml
        var items: [JSONValue] = []
        func add(_ labels: [String], kind: Int, detail: String) {
            for label in labels where label.hasPrefix(partial) {
                items.append(
                    .object([
                        ("label", .string(label)), ("kind", .int(kind)), ("detail", .string(detail)),
                    ]))
            }
        }
        let durations = (3...10).map { "\($0)s" }
        let aspects = AspectRatio.allCases.map(\.rawValue)
        if isYAML {
            let key = complete.first.map { $0.hasSuffix(":") ? String($0.dropLast()) : $0 }
            switch key {
            case "duration"?: add(durations, kind: 12, detail: "duration")
            case "aspect"?: add(aspects, kind: 12, detail: "aspect ratio")
            case "model"?: add(ModelTier.allCases.map(\.rawValue), kind: 12, detail: "model tier")
            case nil:
                if indented {
                    add(
                        ["front: ", "refs: ", "note: ", "duration: ", "aspect: ", "prompt: "], kind: 5, detail: "field")
                } else {
                    add(
                        [
                            "import: ", "model: ", "duration: ", "aspect: ", "characters:", "props:", "images:",
                            "styles:", "shots:",
                        ], kind: 14, detail: "key")
                }
            default: break
            }
        } else if complete.isEmpty {
            if indented, let kind = enclosingDeclarationKind(document, at: lineStart), kind.isElement {
                add(["front", "refs", "note"], kind: 5, detail: "field of a \(kind.rawValue)")
            } else if !indented {
                add(
                    ["import", "model", "duration", "aspect", "character", "prop", "image", "style", "shot"], kind: 14,
                    detail: "keyword")
            }
        } else if !indented {
            switch complete[0] {
            case "shot" where complete.count >= 2:
                let hasDuration = complete.dropFirst(2).contains { $0.last == "s" || Int($0) != nil }
                let hasAspect = complete.dropFirst(2).contains { $0.contains(":") }
                if !hasDuration { add(durations, kind: 12, detail: "duration of the shot") }
                if !hasAspect { add(aspects, kind: 12, detail: "aspect ratio of the shot") }
            case "duration" where complete.count == 1: add(durations, kind: 12, detail: "default duration")
            case "aspect" where complete.count == 1: add(aspects, kind: 12, detail: "default aspect ratio")
            case "model" where complete.count == 1:
                add(ModelTier.allCases.map(\.rawValue), kind: 12, detail: "model tier")
            default: break
            }
        }
        return .object([("isIncomplete", .bool(false)), ("items", .array(items))])
    }

    /// The items for every name in scope, each replacing the name being typed at `range`.
    private func nameItems(_ document: Document, replacing range: Range<Int>) -> [JSONValue] {
        // Names change rarely while typing: a slightly stale analysis is good enough and
        // keeps completion instant.
        let index = document.index ?? index(document)
        let sources = index.compilation.sources
        let editRange = document.lines.range(range.lowerBound, range.upperBound)
        var seen = Set<String>()
        var items: [JSONValue] = []
        for declaration in index.declarations where seen.insert(declaration.name).inserted {
            let file = sources[declaration.nameSpan.file]
            let place = "\(Self.fileName(file.path)):\(file.location(of: declaration.nameSpan.start).line)"
            var documentation = "\(declaration.kind.rawValue) declared in \(place)"
            if let note = declaration.note?.value {
                documentation += "\n\n" + note
            }
            items.append(
                .object([
                    ("label", .string(declaration.name)),
                    ("kind", .int(Self.completionKind(declaration.kind))),
                    ("detail", .string("\(declaration.kind.rawValue) · \(place)")),
                    ("documentation", .object([("kind", .string("markdown")), ("value", .string(documentation))])),
                    ("textEdit", .object([("range", editRange), ("newText", .string(declaration.name))])),
                ]))
        }
        return items
    }

    /// The kind of the `.shot` declaration whose block holds the line starting at `offset`.
    private func enclosingDeclarationKind(_ document: Document, at offset: Int) -> DeclarationKind? {
        var line = document.lines.position(of: offset).line
        while line > 0 {
            line -= 1
            let start = document.lines.lineStarts[line]
            let text = String(decoding: document.bytes[start...].prefix { $0 != 0x0A && $0 != 0x0D }, as: UTF8.self)
            guard let first = text.first else { continue }
            if first == " " || first == "\t" || first == "#" { continue }
            let keyword = text.split(separator: " ").first.map(String.init) ?? ""
            return DeclarationKind(rawValue: keyword)
        }
        return nil
    }

    /// Whether `byte` can be part of a name as far as completion is concerned (ASCII letters,
    /// digits, `_`, `-`, and any byte of a non-ASCII scalar).
    static func isNameByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// The last component of `path`.
    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
