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
            let shot = index.shots[shotIndex]
            span = shot.syntax.name.span
            text = describeShot(shot, in: index)
        case .importPath(let item, let file):
            span = item.path.span
            if let file {
                let tree = index.compilation.trees[file]
                let names = tree?.declarations.map { "`@\($0.name.value)`" } ?? []
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

    private func describeMention(_ mention: SceneIndex.MentionSite, in index: SceneIndex) -> String {
        let shotName = index.shots[mention.shot].syntax.name.value
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
        let syntax = declaration.syntax
        var images: [(String, Located<String>)] = []
        if let image = syntax.image { images.append(("image", image)) }
        for field in syntax.fields where field.key.value != "note" {
            for value in field.values { images.append((field.key.value, value)) }
        }
        for (label, value) in images {
            lines.append(
                "- \(label): `\(value.value)`" + imageSummary(value.value, in: declaration.nameSpan.file, index: index))
        }
        if let note = syntax.field("note")?.values.first?.value {
            lines.append("\n" + note)
        }
        return lines.joined(separator: "\n")
    }

    /// ` — 1024×1536 px, 245 KB PNG` for a local image that can be read.
    private func imageSummary(_ written: String, in file: FileID, index: SceneIndex) -> String {
        guard let path = index.imagePath(written, in: file) else { return " (sent as it is)" }
        guard let size = try? fileSystem.size(path),
            let prefix = try? fileSystem.readPrefix(path, count: ImageProbe.prefixLength)
        else { return " — cannot be read" }
        guard let info = ImageProbe.probe(prefix, byteCount: size) else { return " — not an image (\(size) bytes)" }
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

    private func describeShot(_ shot: SceneIndex.ShotSite, in index: SceneIndex) -> String {
        let name = shot.syntax.name.value
        guard let compiled = shot.compiled, let scene = index.compilation.scene else {
            var text = "**shot** `\(name)`"
            if let duration = shot.syntax.duration { text += " · \(duration.value)" }
            if let aspect = shot.syntax.aspect { text += " · \(aspect.value)" }
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
