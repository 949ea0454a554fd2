/// What a ``Token`` is. The lexer never fails: a malformed token is still one of these
/// kinds, with a flag that the parser reports (``Token/isUnterminated``).
enum TokenKind: Equatable, Sendable {
    /// `bare_word`: a run of non-blank bytes (in ``TokenMode/list`` also stopping at `,`).
    case word
    /// `quoted_string`: `"` ... `"`, or `"` to the end of the line when unterminated.
    case quoted
    /// `,` between the values of a `refs` field (only in ``TokenMode/list``).
    case comma
    /// `trailing_comment`: a `#` after a blank, to the end of the line.
    case comment
    /// The end of the line's content (trailing blanks excluded); zero-length.
    case endOfLine
}

/// How a line's tokens are split.
enum TokenMode: Sendable {
    /// Header and field lines: values are separated by blanks.
    case header
    /// The values of `refs`: commas separate too.
    case list
}

/// One token of a line: a kind and a range of UTF-8 byte offsets into the file.
struct Token: Equatable, Sendable {
    /// Its kind.
    var kind: TokenKind
    /// The offset of its first byte.
    var start: Int
    /// The offset one past its last byte.
    var end: Int
    /// A ``TokenKind/quoted`` token with no closing quote on its line (E0003).
    var isUnterminated = false
    /// A ``TokenKind/quoted`` token that holds a backslash, so it has escapes to cook.
    var hasBackslash = false
}

/// Whether a line is empty, a full-line comment or something else.
enum LineKind: Equatable, Sendable {
    /// Only blanks (spaces and tabs), or nothing.
    case blank
    /// `comment_line`: the first non-blank byte is `#`.
    case comment
    /// Anything else: a top-level item, a field, a line of prose.
    case content
}

/// One line of a `.shot` file, as the lexer splits it. Offsets are into the file's bytes.
struct LexedLine: Equatable, Sendable {
    /// The offset of the line's first byte (after the byte-order mark on the first line).
    var start: Int
    /// The offset of the first non-blank byte (`end` for a blank line).
    var contentStart: Int
    /// One past the last non-blank byte before the line end.
    var contentEnd: Int
    /// The offset of the line end (`\n`, `\r\n`, a lone `\r`, or the end of the file).
    var end: Int
    /// The offset where the next line starts (after the line end).
    var next: Int
    /// Blank, comment or content.
    var kind: LineKind
    /// The offset of the first tab in the indentation of a non-blank line (E0002).
    var firstTab: Int?
    /// The offset of the first byte of the line that is not valid UTF-8 (E0001).
    var invalidUTF8: Int?
    /// The offset of the line's first control character (E0011, ``ControlCharacter``).
    var controlCharacter: Int? = nil

    /// Whether the line starts with blanks, so it belongs to the block above it.
    var isIndented: Bool { contentStart > start }
}

extension UInt8 {
    /// A blank: a space or a tab.
    var isBlank: Bool { self == 0x20 || self == 0x09 }
}
