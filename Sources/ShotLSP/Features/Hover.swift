import ShotKit

extension LanguageServer {
    /// `textDocument/hover`: a mention, a declaration, a shot header or an import.
    func hover(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let document = try document(params)
        let offset = try offset(params, in: document)
        let index = index(document)
        guard let root = index.compilation.root, let item = index.item(in: root, at: offset) else {
            return .null
        }
        let text: String
        let span: SourceSpan
        switch item {
        case .mention(let mentionIndex):
            let mention = index.mentions[mentionIndex]
            span = mention.span
            text = describeMention(mention, in: index)
        case .declaration(let declarationIndex):
            let declaration = index.declarations[declarationIndex]
            span = declaration.nameSpan
            var lines = [describeDeclaration(declarationIndex, in: index)]
            let shots = index.shotsMentioning(declarationIndex)
            lines.append(
                shots.isEmpty
                    ? "Mentioned by no shot."
                    : "Mentioned in shot\(shots.count == 1 ? "" : "s") "
                        + shots.map { "`\($0)`" }.joined(separator: ", "))
            text = lines.joined(separator: "\n\n")
        case .shotHeader(let shotIndex):
            span = index.shots[shotIndex].nameSpan
            text = describeShot(shotIndex, in: index)
        case .importPath(let importIndex):
            let item = index.model.imports[importIndex]
            span = item.path.span
            if let file = item.target {
                let names = index.declarations.filter { $0.file == file }.map { "`@\($0.name)`" }
                text =
                    "`\(index.displayPath(of: file))`\n\n"
                    + (names.isEmpty ? "declares nothing" : "declares " + names.joined(separator: ", "))
            } else {
                text = "`\(item.path.value)` could not be read"
            }
        }
        return .object([
            ("contents", .object([("kind", .string("markdown")), ("value", .string(text))])),
            ("range", document.lines.range(span.start, span.end)),
        ])
    }

    private func describeMention(_ mention: SemanticModel.Mention, in index: SceneIndex) -> String {
        let shotName = index.shots[mention.shot].name
        guard let declarationIndex = mention.declaration else {
            var text = "`@\(mention.name)`: unknown reference"
            let names = index.declarations.map(\.name)
            if let near = Suggestion.closest(to: mention.name, among: names) { text += " (did you mean `@\(near)`?)" }
            return text
        }
        var lines: [String] = []
        if let token = mention.token {
            lines.append("`@\(mention.name)` → `\(token)` in shot `\(shotName)`")
        } else {
            lines.append("`@\(mention.name)` in shot `\(shotName)`")
        }
        lines.append(describeDeclaration(declarationIndex, in: index))
        return lines.joined(separator: "\n\n")
    }

    /// The declaration's kind, place, images (with pixel size and bytes) and note.
    func describeDeclaration(_ declarationIndex: Int, in index: SceneIndex) -> String {
        let declaration = index.declarations[declarationIndex]
        let sources = index.compilation.sources
        let file = sources[declaration.nameSpan.file]
        var lines = [
            "**\(declaration.kind.rawValue)** `\(declaration.name)` — declared in \(Self.fileName(file.path)):\(file.location(of: declaration.nameSpan.start).line)"
        ]
        for picture in declaration.pictures {
            let label =
                switch picture.role {
                case .front: "front"
                case .reference: "refs"
                case .image: "image"
                }
            lines.append("- \(label): `\(picture.written.value)`" + imageSummary(picture, index: index))
        }
        if let note = declaration.note?.value {
            lines.append("\n" + note)
        }
        return lines.joined(separator: "\n")
    }

    /// ` — 1024×1536 px, 245 KB PNG` for a local image the compiler read, what was reported
    /// about one it could not use.
    private func imageSummary(_ picture: SemanticModel.Picture, index: SceneIndex) -> String {
        guard let image = picture.image else {
            let reported = index.compilation.diagnostics.sorted.first { $0.span == picture.written.span }
            return " — " + (reported?.message ?? "cannot be read")
        }
        guard case .localFile = image.source else { return " (sent as it is)" }
        guard let info = image.info else { return " — cannot be read" }
        var text = " — "
        if let width = info.width, let height = info.height { text += "\(width)×\(height) px, " }
        return text + "\(Self.byteSize(info.byteCount)) \(info.format.rawValue.uppercased())"
    }

    /// `12 345 bytes` as `12.1 KB` and the like.
    static func byteSize(_ count: Int) -> String {
        if count < 1024 { return "\(count) bytes" }
        if count < 1024 * 1024 { return "\((Double(count) / 102.4).rounded() / 10) KB" }
        return "\((Double(count) / 104_857.6).rounded() / 10) MB"
    }

    private func describeShot(_ shotIndex: Int, in index: SceneIndex) -> String {
        let shot = index.shots[shotIndex]
        let name = shot.name
        guard let compiled = index.compilation.compiledShot(shotIndex), let scene = index.compilation.scene else {
            var text = "**shot** `\(name)`"
            if let duration = shot.duration { text += " · \(duration)s" }
            if let aspect = shot.aspect { text += " · \(aspect.rawValue)" }
            return text + "\n\nThe prompt as sent and the cost are shown once the scene has no errors."
        }
        let cents = Double(compiled.duration) * scene.model.centsPerSecond
        let rounded = Int(cents.rounded())
        let cost = "$\(rounded / 100)." + (rounded % 100 < 10 ? "0" : "") + "\(rounded % 100)"
        var lines = [
            "**shot** `\(name)` · \(compiled.duration)s · \(compiled.aspect.rawValue) · \(scene.model.rawValue) · about \(cost)"
        ]
        if !compiled.mentions.isEmpty {
            var seen = Set<String>()
            let tokens = compiled.mentions.filter { seen.insert($0.name).inserted }.map {
                "`@\($0.name)` → `\($0.token)`"
            }
            lines.append(tokens.joined(separator: ", "))
        }
        lines.append("Prompt as sent:\n\n```text\n\(compiled.prompt)\n```")
        return lines.joined(separator: "\n\n")
    }
}
