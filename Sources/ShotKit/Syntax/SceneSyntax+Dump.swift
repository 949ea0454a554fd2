import Foundation

extension SceneSyntax {
    /// A small, stable text dump of the tree for tests: one line per item, values quoted,
    /// spans as `line:column` of their start. Both front ends' trees dump alike, so a `.shot`
    /// file and its YAML twin can be compared.
    public func dump(in sources: SourceMap, spans: Bool = true) -> String {
        let file = sources[self.file]
        func at(_ span: SourceSpan) -> String {
            spans ? "@\(file.location(of: span.start))" : ""
        }
        func quoted(_ located: Located<String>) -> String {
            "\"\(located.value)\"" + at(located.span)
        }
        var lines: [String] = []
        for item in items {
            switch item {
            case .importFile(let item):
                lines.append("import \(quoted(item.path))")
            case .setting(let item):
                lines.append("\(item.key.value.rawValue)\(at(item.key.span)) \(quoted(item.value))")
            case .declaration(let item):
                var line = "\(item.kind.rawValue) \(quoted(item.name))"
                if let image = item.image { line += " image=\(quoted(image))" }
                lines.append(line)
                for field in item.fields {
                    let values = field.values.map(quoted).joined(separator: ", ")
                    lines.append("  \(field.key.value)\(at(field.key.span)) \(values)")
                }
            case .shot(let item):
                var line = "shot \(quoted(item.name))"
                if let duration = item.duration { line += " duration=\(quoted(duration))" }
                if let aspect = item.aspect { line += " aspect=\(quoted(aspect))" }
                lines.append(line)
                let escaped = item.prose.text
                    .replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "\n", with: "\\n")
                lines.append("  prose \"\(escaped)\"")
            }
        }
        return lines.joined(separator: "\n")
    }
}
