/// What the formatter prints, in either syntax: a scene's items with the comments attached
/// to them, taken from one file's ``SceneSyntax`` and its source.
///
/// Every comment of the file is attached to exactly one place (a leading comment of an item
/// or field, the trailing comment of a line, a comment inside a shot's prose, or a comment
/// at the end of a block or of the file), so that printing keeps them all.
struct FormatModel {
    /// A whole-line comment with the blank line the writer put before it.
    struct Comment {
        /// The comment, `#` included, without trailing blanks.
        var text: String
        /// Whether a blank line stood right above it.
        var blankBefore: Bool
    }

    /// Comments attached to one line of output.
    struct Attached {
        /// Whole-line comments above the line.
        var leading: [Comment] = []
        /// Comments at the end of the line (the first stays there; others go above it).
        var trailing: [String] = []
        /// Whether there are none.
        var isEmpty: Bool { leading.isEmpty && trailing.isEmpty }
    }

    /// A `front`, `refs` or `note` field.
    struct Field {
        /// `front`, `refs` or `note`.
        var key: String
        /// Its values as the front end read them (unquoted).
        var values: [String]
        /// Its comments.
        var comments = Attached()
    }

    /// A shot's prose.
    struct Prose {
        /// The joined text, as `build` sends it (before mentions are numbered).
        var text: String
        /// UTF-8 offsets in `text` of separator spaces where the source broke the line.
        var breaks: Set<Int>
        /// Comments inside the prose, keyed by the text offset of the line they precede.
        var inner: [(offset: Int, comment: Comment)] = []
    }

    /// What an item is.
    enum Kind {
        /// An import, by path.
        case importFile(String)
        /// A scene setting.
        case setting(SettingKey, String)
        /// A character, prop, image or style.
        case declaration(DeclarationKind, name: String, image: String?, fields: [Field])
        /// A shot.
        case shot(name: String, duration: String?, aspect: String?, prose: Prose)
    }

    /// A top-level item with its comments.
    struct Item {
        /// What it is.
        var kind: Kind
        /// The comments above its first line and at that line's end.
        var comments = Attached()
        /// Whether the source had a blank line right before the item's first line.
        var blankBefore = false
        /// A shot's own comments on its `duration`, `aspect` and `prompt` lines (YAML), or
        /// the comments at the top of its body (`.shot`).
        var bodyComments = Attached()
        /// Comments at the end of the item's block.
        var endComments: [Comment] = []
    }

    /// The items in file order.
    var items: [Item] = []
    /// Comments after the last item.
    var endComments: [Comment] = []
    /// Every comment of the source, for counting.
    var commentCount = 0
}

/// Why a file cannot be printed in the syntax asked for without changing its meaning.
public struct FormatError: Error, Sendable, CustomStringConvertible {
    /// What cannot be written, and where.
    public var message: String
    /// `message`.
    public var description: String { message }
}

extension FormatModel {
    /// Slots a comment can be attached to.
    private enum Slot: Equatable {
        case item(Int)
        case field(Int, Int)
        case shotPart(Int)
        case prose(Int, Int)
    }

    /// The model of `tree`, read from `file`.
    init(tree: SceneSyntax, file: SourceFile) {
        let bytes = file.bytes
        func line(_ offset: Int) -> Int { file.lineIndex(of: min(max(0, offset), max(0, bytes.count))) }
        func lineIsBlank(_ index: Int) -> Bool {
            guard index >= 0, index < file.lineStarts.count else { return false }
            let range = file.lineRange(index + 1)
            return bytes[range].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        }
        var anchors: [(line: Int, slot: Slot)] = []
        var items: [Item] = []
        for (index, syntax) in tree.items.enumerated() {
            switch syntax {
            case .importFile(let item):
                items.append(Item(kind: .importFile(item.path.value)))
                anchors.append((line(item.span.start), .item(index)))
            case .setting(let item):
                items.append(Item(kind: .setting(item.key.value, item.value.value)))
                anchors.append((line(item.span.start), .item(index)))
            case .declaration(let item):
                let fields = item.fields.map { Field(key: $0.key.value, values: $0.values.map(\.value)) }
                items.append(
                    Item(kind: .declaration(item.kind, name: item.name.value, image: item.image?.value, fields: fields))
                )
                anchors.append((line(min(item.span.start, item.name.span.start)), .item(index)))
                for (fieldIndex, field) in item.fields.enumerated() {
                    anchors.append((line(field.span.start), .field(index, fieldIndex)))
                }
            case .shot(let shot):
                let prose = Self.prose(of: shot.prose, bytes: bytes)
                items.append(
                    Item(
                        kind: .shot(
                            name: shot.name.value, duration: shot.duration?.value, aspect: shot.aspect?.value,
                            prose: prose)))
                anchors.append((line(min(shot.span.start, shot.name.span.start)), .item(index)))
                if tree.surface == .yaml {
                    for part in [
                        shot.duration?.span, shot.aspect?.span, shot.prose.pieces.isEmpty ? nil : shot.prose.span,
                    ] {
                        if let part { anchors.append((line(part.start), .shotPart(index))) }
                    }
                } else {
                    for piece in shot.prose.pieces {
                        anchors.append((line(piece.sourceOffset), .prose(index, piece.textOffset)))
                    }
                }
            }
        }
        for anchor in anchors {
            if case .item(let index) = anchor.slot { items[index].blankBefore = lineIsBlank(anchor.line - 1) }
        }
        // Stable: an item's line comes before its children's on the same line.
        let sorted = anchors.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
            .map(\.element)
        /// The index of the first anchor on or after `line`.
        func firstAnchor(atOrAfter line: Int) -> Int {
            var low = 0
            var high = sorted.count
            while low < high {
                let mid = (low + high) / 2
                if sorted[mid].line < line { low = mid + 1 } else { high = mid }
            }
            return low
        }
        var endComments: [Comment] = []
        for comment in tree.comments {
            let commentLine = line(comment.span.start)
            let lineStart = file.lineStarts[commentLine]
            let isTrailing = bytes[lineStart..<comment.span.start].contains { $0 != 0x20 && $0 != 0x09 }
            let text = Self.trimmed(comment.text)
            let here = firstAnchor(atOrAfter: commentLine)
            if isTrailing, here < sorted.count, sorted[here].line == commentLine {
                Self.attach(trailing: text, to: sorted[here].slot, items: &items)
                continue
            }
            let entry = Comment(text: text, blankBefore: commentLine > 0 && lineIsBlank(commentLine - 1))
            let after = firstAnchor(atOrAfter: commentLine + 1)
            let next: Int? = after < sorted.count ? after : nil
            // Indented deeper than the next item's line (or than column 1 at the end): the
            // comment belongs to the block above it.
            let nextIndent: Int
            if let next {
                let start = file.lineStarts[sorted[next].line]
                nextIndent = bytes[start...].prefix { $0 == 0x20 || $0 == 0x09 }.count
            } else {
                nextIndent = 0
            }
            let indented = comment.span.start - lineStart > nextIndent
            if indented || next != nil, here > 0 {
                let previous = sorted[here - 1]
                // Inside a block: between the block's lines, or indented after them.
                let owner: Int
                switch previous.slot {
                case .item(let i), .field(let i, _), .shotPart(let i), .prose(let i, _): owner = i
                }
                let nextIsOwn: Bool
                if let next {
                    switch sorted[next].slot {
                    case .item: nextIsOwn = false
                    case .field(let i, _), .shotPart(let i), .prose(let i, _): nextIsOwn = i == owner
                    }
                } else {
                    nextIsOwn = false
                }
                if nextIsOwn, let next {
                    Self.attach(leading: entry, to: sorted[next].slot, items: &items)
                    continue
                }
                if indented, Self.isBlock(items[owner].kind) {
                    items[owner].endComments.append(entry)
                    continue
                }
            }
            if let next {
                Self.attach(leading: entry, to: sorted[next].slot, items: &items)
            } else {
                endComments.append(entry)
            }
        }
        self.items = items
        self.endComments = endComments
        self.commentCount = tree.comments.count
    }

    private static func isBlock(_ kind: Kind) -> Bool {
        switch kind {
        case .shot: true
        case .declaration(let kind, _, _, _): kind.isElement
        default: false
        }
    }

    private static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last == " " || last == "\t" || last == "\r" || last == "\n" { text.removeLast() }
        return String(text)
    }

    private static func attach(trailing text: String, to slot: Slot, items: inout [Item]) {
        switch slot {
        case .item(let i): items[i].comments.trailing.append(text)
        case .field(let i, let f): mutateField(i, f, &items) { $0.comments.trailing.append(text) }
        case .shotPart(let i), .prose(let i, _): items[i].bodyComments.trailing.append(text)
        }
    }

    private static func attach(leading comment: Comment, to slot: Slot, items: inout [Item]) {
        switch slot {
        case .item(let i): items[i].comments.leading.append(comment)
        case .field(let i, let f): mutateField(i, f, &items) { $0.comments.leading.append(comment) }
        case .shotPart(let i): items[i].bodyComments.leading.append(comment)
        case .prose(let i, let offset):
            if case .shot(let name, let duration, let aspect, var prose) = items[i].kind {
                prose.inner.append((offset, comment))
                items[i].kind = .shot(name: name, duration: duration, aspect: aspect, prose: prose)
            }
        }
    }

    private static func mutateField(_ item: Int, _ field: Int, _ items: inout [Item], _ body: (inout Field) -> Void) {
        guard case .declaration(let kind, let name, let image, var fields) = items[item].kind,
            fields.indices.contains(field)
        else { return }
        body(&fields[field])
        items[item].kind = .declaration(kind, name: name, image: image, fields: fields)
    }

    /// The prose's text and where its lines broke in the source.
    private static func prose(of prose: ProseSyntax, bytes: [UInt8]) -> Prose {
        let text = Array(prose.text.utf8)
        var breaks: Set<Int> = []
        for (previous, next) in zip(prose.pieces, prose.pieces.dropFirst()) {
            let gapStart = previous.textOffset + previous.length
            guard next.textOffset == gapStart + 1, gapStart < text.count, text[gapStart] == 0x20 else { continue }
            let from = min(previous.sourceOffset + previous.length, bytes.count)
            let to = min(max(from, next.sourceOffset), bytes.count)
            if bytes[from..<to].contains(where: { $0 == 0x0A || $0 == 0x0D }) { breaks.insert(gapStart) }
        }
        return Prose(text: prose.text, breaks: breaks)
    }
}

extension FormatModel.Prose {
    /// The prose as paragraphs of lines, for the `.shot` syntax, with the inner comments
    /// before the line they precede; nil when the text cannot be written as `.shot` prose
    /// (a single line break, a paragraph that starts with '#' or with a blank, ...).
    func shotParagraphs() -> [[(line: String, comments: [FormatModel.Comment])]]? {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return [] }
        var paragraphs: [[(line: String, comments: [FormatModel.Comment])]] = []
        var start = 0
        var commentIndex = 0
        let comments = inner.sorted { $0.offset < $1.offset }
        func takeComments(upTo offset: Int) -> [FormatModel.Comment] {
            var taken: [FormatModel.Comment] = []
            while commentIndex < comments.count, comments[commentIndex].offset <= offset {
                taken.append(comments[commentIndex].comment)
                commentIndex += 1
            }
            return taken
        }
        while start <= bytes.count {
            var end = start
            while end < bytes.count, !(bytes[end] == 0x0A && end + 1 < bytes.count && bytes[end + 1] == 0x0A) {
                end += 1
            }
            let paragraph = bytes[start..<end]
            guard let first = paragraph.first, let last = paragraph.last, !isBlank(first), !isBlank(last),
                first != 0x23, !paragraph.contains(where: { isLineEndOrControl($0) })
            else { return nil }
            var lines: [(line: String, comments: [FormatModel.Comment])] = []
            var lineStart = start
            for index in start..<end where breaks.contains(index) {
                guard index + 1 < end, bytes[index + 1] != 0x23, !isBlank(bytes[index + 1]), !isBlank(bytes[index - 1])
                else { continue }
                lines.append((String(decoding: bytes[lineStart..<index], as: UTF8.self), takeComments(upTo: lineStart)))
                lineStart = index + 1
            }
            lines.append((String(decoding: bytes[lineStart..<end], as: UTF8.self), takeComments(upTo: lineStart)))
            paragraphs.append(lines)
            if end >= bytes.count { break }
            start = end + 2
            if start >= bytes.count { return nil }
        }
        // Comments after the last line's start stay inside the prose, before its last line.
        if commentIndex < comments.count, !paragraphs.isEmpty {
            let rest = comments[commentIndex...].map(\.comment)
            let p = paragraphs.count - 1
            let l = paragraphs[p].count - 1
            paragraphs[p][l].comments += rest
        }
        return paragraphs
    }

    /// The text's lines where the source broke them, for a YAML block; nil when the text
    /// cannot be a folded block (a line that starts or ends with a blank, ...). Each element
    /// is a line, or nil for an empty line.
    func foldedLines() -> [String?]? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        var lines: [String?] = []
        var index = 0
        var lineStart = 0
        // Segments between runs of "\n"; n newlines after a segment are n empty lines.
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == 0x0A {
                let segment = bytes[lineStart..<index]
                guard let first = segment.first, let last = segment.last, !isBlank(first), !isBlank(last),
                    !segment.contains(where: { $0 == 0x0D || (isLineEndOrControl($0) && $0 != 0x09) })
                else { return nil }
                // Break the segment at the source's line breaks.
                var start = lineStart
                for cut in lineStart..<index where breaks.contains(cut) {
                    guard cut > lineStart, cut + 1 < index, !isBlank(bytes[cut - 1]), !isBlank(bytes[cut + 1]) else {
                        continue
                    }
                    lines.append(String(decoding: bytes[start..<cut], as: UTF8.self))
                    start = cut + 1
                }
                lines.append(String(decoding: bytes[start..<index], as: UTF8.self))
                if index == bytes.count { break }
                var newlines = 0
                while index < bytes.count, bytes[index] == 0x0A {
                    newlines += 1
                    index += 1
                }
                if index == bytes.count { return nil }
                lines.append(contentsOf: Array(repeating: nil, count: newlines))
                lineStart = index
                continue
            }
            index += 1
        }
        return lines
    }

    private func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    private func isLineEndOrControl(_ byte: UInt8) -> Bool { byte < 0x20 && byte != 0x09 || byte == 0x7F }
}
