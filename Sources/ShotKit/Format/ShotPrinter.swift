/// Prints a ``FormatModel`` in the canonical `.shot` layout: one blank line around each
/// character, prop and shot and between groups of different one-line items; field keys and
/// image names aligned; prose indented two spaces with the writer's line breaks; comments
/// where they were.
struct ShotPrinter {
    private var out = ""
    private var path: String

    /// A printer naming `path` in what it cannot write.
    init(path: String) { self.path = path }

    /// The `.shot` text of `model`.
    static func print(_ model: FormatModel, path: String) throws(FormatError) -> String {
        var printer = ShotPrinter(path: path)
        try printer.printScene(model)
        return printer.out
    }

    private enum Group: Equatable { case imports, settings, images, block }

    private static func group(_ kind: FormatModel.Kind) -> Group {
        switch kind {
        case .importFile: .imports
        case .setting: .settings
        case .declaration(let kind, _, _, _): kind.isElement ? .block : .images
        case .shot: .block
        }
    }

    private mutating func printScene(_ model: FormatModel) throws(FormatError) {
        // Image and style names are aligned within each run of consecutive image lines.
        var nameWidth: [Int: Int] = [:]
        var runStart = 0
        for index in model.items.indices {
            if index == 0 || Self.group(model.items[index].kind) != .images
                || Self.group(model.items[index - 1].kind) != .images
            {
                runStart = index
            }
            if case .declaration(_, let name, _, _) = model.items[index].kind,
                Self.group(model.items[index].kind) == .images
            {
                nameWidth[runStart] = max(nameWidth[runStart] ?? 0, name.count)
            }
        }
        runStart = 0
        for (index, item) in model.items.enumerated() {
            let group = Self.group(item.kind)
            if index > 0 {
                let previous = Self.group(model.items[index - 1].kind)
                if group != previous || group == .block { out += "\n" }
                if group != .images || previous != .images { runStart = index }
            } else {
                runStart = index
            }
            let separated = index > 0 && (group != Self.group(model.items[index - 1].kind) || group == .block)
            for (number, comment) in item.comments.leading.enumerated() {
                if comment.blankBefore, number > 0 || (index > 0 && !separated) { out += "\n" }
                out += comment.text + "\n"
            }
            if !item.comments.leading.isEmpty, item.blankBefore { out += "\n" }
            var trailing = item.comments.trailing
            switch item.kind {
            case .importFile(let path):
                // Import paths are always quoted, as the spec writes them.
                line("import " + (try value(path, what: "the import path", quoted: true)), &trailing)
            case .setting(let key, let text):
                line(key.rawValue + " " + (try value(text, what: "the \(key.rawValue)")), &trailing)
            case .declaration(let kind, let name, let image, let fields):
                if kind.isElement {
                    line(kind.rawValue + " " + name, &trailing)
                    let width = fields.map(\.key.count).max() ?? 0
                    for field in fields {
                        for comment in field.comments.leading { out += "  " + comment.text + "\n" }
                        let pad = String(repeating: " ", count: width - field.key.count)
                        var fieldTrailing = field.comments.trailing
                        switch field.key {
                        case "note":
                            let note = field.values.first ?? ""
                            try checkFree(note, what: "the note of '\(name)'")
                            // A note has no trailing comment: its comments go above it.
                            for comment in fieldTrailing { out += "  " + comment + "\n" }
                            fieldTrailing = []
                            out += "  " + field.key + (note.isEmpty ? "" : pad + " " + note) + "\n"
                        case "refs" where field.values.isEmpty:
                            // `refs: []` in YAML: no refs, which .shot writes by leaving the field out.
                            for comment in fieldTrailing { out += "  " + comment + "\n" }
                            fieldTrailing = []
                        case "refs":
                            var parts: [String] = []
                            for ref in field.values {
                                parts.append(try value(ref, what: "a ref of '\(name)'", list: true))
                            }
                            line("  " + field.key + pad + " " + parts.joined(separator: ", "), &fieldTrailing)
                        default:
                            let written = try value(field.values.first ?? "", what: "the \(field.key) of '\(name)'")
                            line("  " + field.key + pad + " " + written, &fieldTrailing)
                        }
                    }
                } else {
                    let width = nameWidth[runStart] ?? name.count
                    let pad = String(repeating: " ", count: max(0, width - name.count))
                    line(
                        kind.rawValue + " " + name + pad + " "
                            + (try value(image ?? "", what: "the image of '\(name)'")), &trailing)
                }
            case .shot(let name, let duration, let aspect, let prose):
                var header = "shot " + name
                if let duration {
                    guard Self.isDuration(duration) else {
                        throw FormatError(
                            message:
                                "\(path): the duration '\(duration)' of shot '\(name)' cannot be written in a .shot header"
                        )
                    }
                    header += " " + duration
                }
                if let aspect {
                    guard Self.isAspect(aspect) else {
                        throw FormatError(
                            message:
                                "\(path): the aspect '\(aspect)' of shot '\(name)' cannot be written in a .shot header")
                    }
                    header += " " + aspect
                }
                line(header, &trailing)
                for comment in item.bodyComments.leading { out += "  " + comment.text + "\n" }
                for comment in item.bodyComments.trailing { out += "  " + comment + "\n" }
                guard let paragraphs = prose.shotParagraphs() else {
                    throw FormatError(
                        message: "\(path): the prompt of shot '\(name)' cannot be written as .shot prose "
                            + "(it has a single line break, a paragraph starting with '#', or blanks at a line's ends); keep it in YAML"
                    )
                }
                for (number, paragraph) in paragraphs.enumerated() {
                    if number > 0 { out += "\n" }
                    for entry in paragraph {
                        for comment in entry.comments { out += "  " + comment.text + "\n" }
                        out += "  " + entry.line + "\n"
                    }
                }
            }
            for comment in item.endComments { out += "  " + comment.text + "\n" }
        }
        for (number, comment) in model.endComments.enumerated() {
            if comment.blankBefore
                || (number == 0 && !model.items.isEmpty
                    && Self.group(model.items[model.items.count - 1].kind) == .block)
            {
                if !out.isEmpty { out += "\n" }
            }
            out += comment.text + "\n"
        }
    }

    /// Writes `text` as a line, with the first trailing comment; any others go above it.
    private mutating func line(_ text: String, _ trailing: inout [String]) {
        let indent = String(text.prefix { $0 == " " })
        if trailing.count > 1 {
            for comment in trailing.dropFirst() { out += indent + comment + "\n" }
        }
        if let first = trailing.first {
            out += text + "  " + first + "\n"
        } else {
            out += text + "\n"
        }
        trailing = []
    }

    /// Whether `text` reads back as a duration in a `shot` header.
    static func isDuration(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("0"..."9").contains(first) else { return false }
        return !text.contains(":") && !text.contains("x") && !text.contains("/") && isBare(text, list: false)
    }

    /// Whether `text` reads back as an aspect in a `shot` header.
    static func isAspect(_ text: String) -> Bool {
        (text.contains(":") || text.contains("x") || text.contains("/")) && isBare(text, list: false)
    }

    /// Whether `text` can be written as a bare word.
    static func isBare(_ text: String, list: Bool) -> Bool {
        guard let first = text.unicodeScalars.first, first != "\"" else { return false }
        return !text.unicodeScalars.contains {
            $0 == " " || $0 == "\t" || $0 == "#" || (list && $0 == ",") || $0.value < 0x20 || $0.value == 0x7F
                || $0.value == 0x85 || $0.value == 0x2028 || $0.value == 0x2029
        }
    }

    /// `text` as a bare word or a quoted string.
    private func value(
        _ text: String, what: String, list: Bool = false, quoted: Bool = false
    ) throws(FormatError)
        -> String
    {
        if !quoted, Self.isBare(text, list: list) { return text }
        if text.unicodeScalars.contains(where: {
            $0.value < 0x20 || $0.value == 0x7F || $0.value == 0x85 || $0.value == 0x2028 || $0.value == 0x2029
        }) {
            throw FormatError(
                message: "\(path): \(what) holds a line break or control character, which .shot cannot write")
        }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }

    private func checkFree(_ text: String, what: String) throws(FormatError) {
        let bad = text.unicodeScalars.contains {
            $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F || $0.value == 0x85 || $0.value == 0x2028
                || $0.value == 0x2029
        }
        let blankEnds = text.first == " " || text.first == "\t" || text.last == " " || text.last == "\t"
        if bad || blankEnds || text.isEmpty {
            throw FormatError(
                message:
                    "\(path): \(what) is empty, or has a line break or blanks at its ends, which .shot cannot write")
        }
    }
}
