/// Lines and recovery: moving to the next line, skipping the block of a line that could
/// not be read, and the reports of stray indented lines and unknown keywords.
extension ShotParser {
    /// Moves to the next line, reporting what the lexer flagged on it (E0001, E0011, E0002) and
    /// keeping a full-line comment: every line passes here exactly once.
    mutating func advance(diagnostics: inout DiagnosticBag) {
        line = lexer.nextLine()
        guard let current = line else { return }
        linesRead += 1
        if let bad = current.invalidUTF8, bad < bytes.count {
            diagnostics.report(.invalidUTF8(byte: bytes[bad], at: span(bad, bad + 1)))
        }
        if let control = current.controlCharacter,
            let value = ControlCharacter.first(in: bytes, from: control)?.value
        {
            let length = Lexer.utf8SequenceLength(in: bytes, at: control)
            diagnostics.report(.controlCharacter(value, at: span(control, control + max(1, length))))
        }
        if let tab = current.firstTab {
            let indentation = bytes[current.start..<current.contentStart]
            let spaces = String(
                decoding: indentation.flatMap { $0 == UInt8(ascii: "\t") ? [0x20, 0x20] : [$0] }, as: UTF8.self)
            diagnostics.report(
                .tabIndentation(
                    at: span(tab, tab + 1), indentation: span(current.start, current.contentStart), spaces: spaces))
        }
        if current.kind == .comment {
            comments.append(
                CommentSyntax(
                    text: text(current.contentStart, current.contentEnd),
                    span: span(current.contentStart, current.contentEnd)))
        }
    }

    /// Skips the lines that belong to the block of a line that could not be read: blank,
    /// comment and indented lines, up to the next top-level line.
    mutating func skipBlock(diagnostics: inout DiagnosticBag) {
        while let current = line, current.kind != .content || current.isIndented {
            let mark = linesRead
            advance(diagnostics: &diagnostics)
            if linesRead == mark { break }
        }
    }

    /// `stray_indented_block = indented_line , { blank_line | comment_line | indented_line } ;`
    ///
    /// Indented lines that no block owns: E0008 once for the run (not when the first line
    /// already got E0002 for a tab: one problem, one report), and the run is skipped.
    mutating func parseStrayIndentedBlock(
        _ current: LexedLine, after previous: Keyword?, diagnostics: inout DiagnosticBag
    ) {
        defer { skipBlock(diagnostics: &diagnostics) }
        guard current.firstTab == nil else { return }
        diagnostics.report(
            .unexpectedIndentation(after: previous, at: span(current.start, current.contentStart)))
    }

    /// E0006 for a top-level line that starts with `first`, which is not a keyword.
    ///
    /// The help suggests a keyword when the first word is close to one and the line is no
    /// longer than a keyword line can be (four words); a longer line, or one with a `@`,
    /// reads as misplaced prose.
    mutating func reportUnknownKeyword(_ first: Token, cursor: LineLexer, diagnostics: inout DiagnosticBag) {
        let written = text(first.start, first.end)
        var rest = cursor
        var words = 1
        while words <= 4, rest.next(.header).kind == .word { words += 1 }
        let hasMention = bytes[first.start..<cursor.end].contains(UInt8(ascii: "@"))
        var help: [String] = []
        if words <= 4, let close = Suggestion.closest(to: written, among: Keyword.spellings) {
            help.append("did you mean '\(close)'?")
        } else if words >= 3 || hasMention {
            help.append("prose belongs indented under a 'shot' line")
        } else {
            help.append(
                "a top-level line starts with one of: \(Keyword.spellings.joined(separator: ", "))")
        }
        let replacement = words <= 4 ? Suggestion.unambiguous(to: written, among: Keyword.spellings) : nil
        diagnostics.report(
            .unknownKeyword(written, at: span(first.start, first.end), help: help, replacement: replacement))
    }
}
