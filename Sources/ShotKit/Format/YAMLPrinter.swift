/// Prints a ``FormatModel`` in the canonical YAML layout: block mappings, one section per
/// kind in the order the kinds first appear, `refs` and `import` as flow lists, prompts as
/// plain scalars when one safe line and as folded (`>`) blocks with the writer's line breaks
/// otherwise (double-quoted when no block can hold them); comments where they were, or at
/// the nearest line that can hold them.
struct YAMLPrinter {
    private var out = ""

    /// The YAML text of `model`.
    static func print(_ model: FormatModel) -> String {
        var printer = YAMLPrinter()
        printer.printScene(model)
        return printer.out
    }

    private enum Section: Hashable {
        case imports, setting(SettingKey), declarations(DeclarationKind), shots
    }

    private static func section(_ kind: FormatModel.Kind) -> Section {
        switch kind {
        case .importFile: .imports
        case .setting(let key, _): .setting(key)
        case .declaration(let kind, _, _, _): .declarations(kind)
        case .shot: .shots
        }
    }

    private mutating func comments(_ comments: [FormatModel.Comment], indent: String, first: Bool) {
        for (number, comment) in comments.enumerated() {
            if comment.blankBefore, number > 0 || !first { out += "\n" }
            out += indent + comment.text + "\n"
        }
    }

    private mutating func line(_ text: String, _ trailing: [String]) {
        let indent = String(text.prefix { $0 == " " })
        for comment in trailing.dropFirst() { out += indent + comment + "\n" }
        out += text + (trailing.first.map { "  " + $0 } ?? "") + "\n"
    }

    private mutating func printScene(_ model: FormatModel) {
        var order: [Section] = []
        var members: [Section: [FormatModel.Item]] = [:]
        for item in model.items {
            let section = Self.section(item.kind)
            if members[section] == nil { order.append(section) }
            members[section, default: []].append(item)
        }
        for (sectionNumber, section) in order.enumerated() {
            let items = members[section] ?? []
            guard let head = items.first else { continue }
            let isFirst = sectionNumber == 0
            // The first item's leading comments stand above its section's key.
            comments(head.comments.leading, indent: "", first: isFirst)
            // (Only where the item stands on its section's line: elsewhere the blank would
            // not be read back as the item's.)
            switch section {
            case .imports, .setting: if !head.comments.leading.isEmpty, head.blankBefore { out += "\n" }
            default: break
            }
            switch section {
            case .imports:
                let paths = items.map { item -> String in
                    if case .importFile(let path) = item.kind { return path }
                    return ""
                }
                let simple = items.dropFirst().allSatisfy { $0.comments.isEmpty } && head.comments.trailing.count <= 1
                if simple {
                    line(
                        "import: [" + paths.map { Self.scalar($0, flow: true) }.joined(separator: ", ") + "]",
                        head.comments.trailing)
                } else {
                    out += "import:\n"
                    for (number, item) in items.enumerated() {
                        if number > 0 { comments(item.comments.leading, indent: "  ", first: true) }
                        line("  - " + Self.scalar(paths[number], flow: false), item.comments.trailing)
                    }
                }
            case .setting(let key):
                for (number, item) in items.enumerated() {
                    if number > 0 { comments(item.comments.leading, indent: "", first: false) }
                    if case .setting(_, let value) = item.kind {
                        line(key.rawValue + ": " + Self.scalar(value, flow: false), item.comments.trailing)
                    }
                }
            case .declarations(let kind):
                out += kind.yamlSection + ":\n"
                for (number, item) in items.enumerated() {
                    if number > 0 { comments(item.comments.leading, indent: "  ", first: true) }
                    guard case .declaration(_, let name, let image, let fields) = item.kind else { continue }
                    if kind.isElement {
                        line("  " + Self.scalar(name, flow: false) + ":", item.comments.trailing)
                        for field in fields {
                            comments(field.comments.leading, indent: "    ", first: true)
                            let value =
                                field.key == "refs"
                                ? "[" + field.values.map { Self.scalar($0, flow: true) }.joined(separator: ", ") + "]"
                                : Self.scalar(field.values.first ?? "", flow: false)
                            line("    " + field.key + ": " + value, field.comments.trailing)
                        }
                        comments(item.endComments, indent: "    ", first: true)
                    } else {
                        line(
                            "  " + Self.scalar(name, flow: false) + ": " + Self.scalar(image ?? "", flow: false),
                            item.comments.trailing)
                    }
                }
            case .shots:
                out += "shots:\n"
                for (number, item) in items.enumerated() {
                    if number > 0 { comments(item.comments.leading, indent: "  ", first: true) }
                    guard case .shot(let name, let duration, let aspect, let prose) = item.kind else { continue }
                    line("  " + Self.scalar(name, flow: false) + ":", item.comments.trailing)
                    if let duration { out += "    duration: " + Self.scalar(duration, flow: false) + "\n" }
                    if let aspect { out += "    aspect: " + Self.scalar(aspect, flow: false) + "\n" }
                    comments(item.bodyComments.leading, indent: "    ", first: true)
                    for comment in item.bodyComments.trailing { out += "    " + comment + "\n" }
                    // Comments inside the prose cannot stand inside a YAML block: they go above it.
                    for entry in prose.inner.sorted(by: { $0.offset < $1.offset }) {
                        out += "    " + entry.comment.text + "\n"
                    }
                    printPrompt(prose)
                    comments(item.endComments, indent: "    ", first: true)
                }
            }
        }
        comments(model.endComments, indent: "", first: model.items.isEmpty)
    }

    private mutating func printPrompt(_ prose: FormatModel.Prose) {
        if prose.text.isEmpty { return }
        guard let lines = prose.foldedLines() else {
            out += "    prompt: " + Self.doubleQuoted(prose.text) + "\n"
            return
        }
        if lines.count == 1, let only = lines[0], Self.isPlain(only, flow: false) {
            out += "    prompt: " + only + "\n"
            return
        }
        out += "    prompt: >\n"
        for line in lines {
            out += line.map { "      " + $0 } ?? ""
            out += "\n"
        }
    }

    /// Whether `text` reads back as itself when written as a plain scalar.
    static func isPlain(_ text: String, flow: Bool) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if "-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) || first == " " || last == " " || last == ":" {
            return false
        }
        if ["null", "Null", "NULL", "~"].contains(text) { return false }
        if text.contains(": ") || text.contains(" #") || text.contains("\t") { return false }
        if flow, text.unicodeScalars.contains(where: { ",[]{}".unicodeScalars.contains($0) }) { return false }
        return !text.unicodeScalars.contains {
            $0.value < 0x20 || $0.value == 0x7F || ($0.value >= 0x80 && $0.value < 0xA0) || $0.value == 0x2028
                || $0.value == 0x2029 || $0.value == 0xFEFF || $0.value >= 0xFFFE && $0.value <= 0xFFFF
        }
    }

    /// `text` plain when that is safe, else double-quoted.
    static func scalar(_ text: String, flow: Bool) -> String {
        isPlain(text, flow: flow) ? text : doubleQuoted(text)
    }

    /// `text` as a double-quoted YAML scalar on one line.
    static func doubleQuoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value >= 0x80 && scalar.value < 0xA0)
                    || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF
                    || scalar.value == 0xFFFE || scalar.value == 0xFFFF
                {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
