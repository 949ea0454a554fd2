/// Splits the bytes of a `.shot` file into lines (``LexedLine``), checking UTF-8 and
/// indentation on the way. It never fails; what is wrong is flagged on the line for the
/// parser to report once.
///
/// The language is line-oriented: which block a line belongs to depends only on whether it
/// is indented, so the parser asks for one line at a time and splits each into tokens with
/// a ``LineLexer``.
struct Lexer: Sendable {
    /// The file's bytes.
    let bytes: [UInt8]
    /// The file's line table (``SourceFile/lineStarts``): where each line starts.
    private let lineStarts: [Int]
    /// How far the file is known to be valid UTF-8 without a forbidden character
    /// (``SourceFile/cleanPrefixLength``): lines that end before it are not read byte by byte.
    private let cleanPrefixLength: Int
    /// The index in `lineStarts` of the line after the one read last.
    private var lineIndex = 0
    /// Where the next line starts.
    private(set) var position: Int

    /// A lexer at the start of `file`, past a UTF-8 byte-order mark if there is one.
    init(file: SourceFile) {
        self.bytes = file.bytes
        self.lineStarts = file.lineStarts
        self.cleanPrefixLength = file.cleanPrefixLength
        self.position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// A lexer at the start of `bytes` (which it indexes as a ``SourceFile`` does).
    init(bytes: [UInt8]) {
        self.init(file: SourceFile(id: FileID(0), path: "", bytes: bytes))
    }

    /// The next line, or nil at the end of the file.
    ///
    /// `\n`, `\r\n` and a lone `\r` end a line alike (as in YAML): the line ends are those of
    /// the file's line table, so they are not looked for again here.
    mutating func nextLine() -> LexedLine? {
        let bytes = self.bytes  // A local copy lets the optimizer hoist the bounds checks.
        let count = bytes.count
        guard position < count else { return nil }
        let start = position
        lineIndex += 1
        position = lineIndex < lineStarts.count ? lineStarts[lineIndex] : count
        var end = position
        if end > start, bytes[end - 1] == 0x0A { end -= 1 }
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        var invalid: Int? = nil
        var control: Int? = nil
        if end > cleanPrefixLength {
            (invalid, control) = Lexer.problems(in: bytes, from: start, to: end)
        }

        var contentStart = start
        var firstTab: Int? = nil
        while contentStart < end, bytes[contentStart].isBlank {
            if firstTab == nil, bytes[contentStart] == 0x09 { firstTab = contentStart }
            contentStart += 1
        }
        var contentEnd = end
        while contentEnd > contentStart, bytes[contentEnd - 1].isBlank { contentEnd -= 1 }

        let kind: LineKind
        if contentStart == end {
            kind = .blank
            firstTab = nil  // A blank line has no indentation to get wrong.
        } else if bytes[contentStart] == UInt8(ascii: "#") {
            kind = .comment
        } else {
            kind = .content
        }
        return LexedLine(
            start: start, contentStart: contentStart, contentEnd: contentEnd, end: end,
            next: position, kind: kind, firstTab: firstTab, invalidUTF8: invalid,
            controlCharacter: control)
    }

    /// The first byte of `bytes[start..<end]` that is not valid UTF-8 (E0001), and the first
    /// forbidden character (E0011, ``ControlCharacter``), read byte by byte.
    static func problems(in bytes: [UInt8], from start: Int, to end: Int) -> (invalid: Int?, control: Int?) {
        var invalid: Int? = nil
        var control: Int? = nil
        ControlCharacter.walkUnusual(bytes, from: start, to: end) { index, length in
            if length == 0 {
                if invalid == nil { invalid = index }
            } else if control == nil, ControlCharacter.forbidden(in: bytes, at: index, length: length) != nil {
                control = index
            }
            return invalid == nil || control == nil
        }
        return (invalid, control)
    }

    /// The length of the valid UTF-8 sequence that starts at `index` (whose byte is not
    /// ASCII), or 0 if the bytes there are not valid UTF-8 (RFC 3629: no overlong forms, no
    /// surrogates, nothing above U+10FFFF).
    static func utf8SequenceLength(in bytes: [UInt8], at index: Int) -> Int {
        let count = bytes.count
        let lead = bytes[index]
        func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            let position = index + offset
            return position < count && bytes[position] >= low && bytes[position] <= high
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0:
            return continuation(1, 0xA0) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(1) && continuation(2) ? 3 : 0
        case 0xED:
            return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
        case 0xF0:
            return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4:
            return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default:
            return 0
        }
    }
}

/// Splits the content of one line into ``Token``s.
struct LineLexer: Sendable {
    /// The file's bytes.
    let bytes: [UInt8]
    /// Where the next token is looked for.
    private(set) var position: Int
    /// The end of the line's content: no token goes past it.
    let end: Int

    /// A lexer for the content of `line`, starting at `start` (by default its first
    /// non-blank byte).
    init(bytes: [UInt8], line: LexedLine, from start: Int? = nil) {
        self.bytes = bytes
        self.end = line.contentEnd
        self.position = min(max(start ?? line.contentStart, line.contentStart), line.contentEnd)
    }

    /// The next token; ``TokenKind/endOfLine`` once the line is used up (and on every call
    /// after that).
    ///
    /// A `#` starts a comment only after a blank: `a#b` is one word. A `"` starts a quoted
    /// string only at the start of a token: `a"b` is one word.
    mutating func next(_ mode: TokenMode) -> Token {
        let before = position
        while position < end, bytes[position].isBlank { position += 1 }
        guard position < end else { return Token(kind: .endOfLine, start: end, end: end) }
        let start = position
        switch bytes[start] {
        case UInt8(ascii: "#") where position > before:
            position = end
            return Token(kind: .comment, start: start, end: end)
        case UInt8(ascii: ",") where mode == .list:
            position += 1
            return Token(kind: .comma, start: start, end: position)
        case UInt8(ascii: "\""):
            position += 1
            var hasBackslash = false
            while position < end {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\\") {
                    hasBackslash = true
                    position = min(position + 2, end)
                } else if byte == UInt8(ascii: "\"") {
                    position += 1
                    return Token(kind: .quoted, start: start, end: position, hasBackslash: hasBackslash)
                } else {
                    position += 1
                }
            }
            return Token(
                kind: .quoted, start: start, end: end, isUnterminated: true,
                hasBackslash: hasBackslash)
        default:
            while position < end {
                let byte = bytes[position]
                if byte.isBlank || (mode == .list && byte == UInt8(ascii: ",")) { break }
                position += 1
            }
            return Token(kind: .word, start: start, end: position)
        }
    }

    /// `free_text`: the rest of the line, blanks around it excluded, `#` included; the
    /// line is used up afterwards.
    mutating func rest() -> Range<Int> {
        while position < end, bytes[position].isBlank { position += 1 }
        let range = position..<end
        position = end
        return range
    }
}
