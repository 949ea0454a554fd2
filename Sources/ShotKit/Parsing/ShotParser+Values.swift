/// Names, values and line ends as the productions expect them, and the tokens and values
/// they are read from.
extension ShotParser {
    /// `name = letter , { letter | digit | "_" | "-" } ;` (not ending in `-`)
    ///
    /// A name that breaks the rule is reported (E0010) and still returned, so that later
    /// phases can go on; nil only when there is no name at all.
    mutating func expectName(
        _ cursor: inout LineLexer, after keywordSpan: SourceSpan, _ keyword: String, diagnostics: inout DiagnosticBag
    ) -> Located<String>? {
        let token = nextToken(&cursor, .header, diagnostics: &diagnostics)
        guard token.kind == .word || token.kind == .quoted else {
            diagnostics.report(.missingName(after: keyword, at: keywordSpan))
            return nil
        }
        let name = Located(text(token.start, token.end), at: span(token.start, token.end))
        // The rule read on the token's bytes in place: invalid UTF-8 breaks it either way.
        let isValid = bytes.withUnsafeBufferPointer {
            NameRule.isValid(UnsafeBufferPointer(rebasing: $0[token.start..<token.end]))
        }
        if !isValid {
            diagnostics.report(.invalidName(name, what: nil))
        }
        return name
    }

    /// `value = bare_word | quoted_string ;`
    ///
    /// Reports `missing` (E0024) at `previous` when the line has no value left.
    mutating func expectValue(
        _ cursor: inout LineLexer, after previous: SourceSpan, missing: (SourceSpan) -> Diagnostic,
        diagnostics: inout DiagnosticBag
    ) -> Located<String>? {
        let token = nextToken(&cursor, .header, diagnostics: &diagnostics)
        guard token.kind == .word || token.kind == .quoted else {
            diagnostics.report(missing(previous))
            return nil
        }
        return cookValue(token, diagnostics: &diagnostics)
    }

    /// `end_of_line = [ trailing_comment ] , line_end ;`
    ///
    /// Reports the first token that is left on the line (E0005) and skips the rest.
    mutating func expectEndOfLine(
        _ cursor: inout LineLexer, help: String? = nil, diagnostics: inout DiagnosticBag
    ) {
        let token = nextToken(&cursor, .header, diagnostics: &diagnostics)
        guard token.kind != .endOfLine && token.kind != .comment else { return }
        diagnostics.report(.expectedEndOfLine(found: describe(token), at: span(token.start, token.end), help: help))
        skipLine(&cursor, diagnostics: &diagnostics)
    }

    /// The next token of the line; a trailing comment is kept in ``SceneSyntax/comments``
    /// here, the one place tokens are taken, so each is kept once.
    mutating func nextToken(
        _ cursor: inout LineLexer, _ mode: TokenMode, diagnostics: inout DiagnosticBag
    ) -> Token {
        let token = cursor.next(mode)
        if token.kind == .comment {
            comments.append(
                CommentSyntax(text: text(token.start, token.end), span: span(token.start, token.end)))
        }
        return token
    }

    /// Skips the rest of the line after an error, keeping a trailing comment.
    mutating func skipLine(_ cursor: inout LineLexer, diagnostics: inout DiagnosticBag) {
        var budget = cursor.end - cursor.position + 1
        while budget > 0, nextToken(&cursor, .header, diagnostics: &diagnostics).kind != .endOfLine {
            budget -= 1
        }
    }

    /// The value of a word or quoted token: a quoted value without its quotes, with `\"`
    /// and `\\` applied; reports an unterminated string (E0003, the value is then the rest
    /// of the line) and invalid escapes (E0004, kept as written).
    mutating func cookValue(_ token: Token, diagnostics: inout DiagnosticBag) -> Located<String> {
        let whole = span(token.start, token.end)
        guard token.kind == .quoted else { return Located(text(token.start, token.end), at: whole) }
        let start = token.start + 1
        let end = token.isUnterminated ? token.end : max(start, token.end - 1)
        if token.isUnterminated {
            diagnostics.report(.unterminatedString(at: whole))
        }
        guard token.hasBackslash else { return Located(text(start, end), at: whole) }
        var cooked: [UInt8] = []
        cooked.reserveCapacity(end - start)
        var index = start
        while index < end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < end else {
                cooked.append(byte)
                index += 1
                continue
            }
            let escaped = bytes[index + 1]
            if escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "\\") {
                cooked.append(escaped)
                index += 2
                continue
            }
            let length = escaped < 0x80 ? 1 : max(1, Lexer.utf8SequenceLength(in: bytes, at: index + 1))
            let escapeEnd = min(end, index + 1 + length)
            diagnostics.report(.invalidEscape(text(index, escapeEnd), at: span(index, escapeEnd)))
            cooked.append(byte)
            index += 1
        }
        return Located(String(decoding: cooked, as: UTF8.self), at: whole)
    }
}
