/// The recursive-descent parser of `.shot` files. Each `parseX` function is named after the
/// production `x` of `grammar/shot.ebnf` and quotes it.
///
/// The parser never throws: it reports into the caller's ``DiagnosticBag``, passed `inout`
/// through every production, and recovers at line granularity. After an error in a line it
/// skips the rest of that line; a top-level line it cannot read is skipped together with the
/// indented lines below it, and parsing goes on at the next top-level line. Every loop
/// consumes a line or a token per round, or stops.
///
/// Values are ``Located`` at the span of their token: for a quoted value the span includes
/// the quotes, while the value itself is the text between them with escapes applied.
///
/// The scene, its top-level lines and the shot productions are read here; the other
/// declarations in ShotParser+Declarations.swift, names, values and tokens in
/// ShotParser+Values.swift, and moving between lines and recovery in ShotParser+Lines.swift.
struct ShotParser {
    /// The bytes of the file being parsed.
    let bytes: [UInt8]
    private let fileID: FileID
    /// The lexer that cuts the file into lines.
    var lexer: Lexer
    /// The line being looked at; nil at the end of the file.
    var line: LexedLine?
    /// How many lines were read, to prove that loops make progress.
    var linesRead = 0
    /// The comments met so far, full-line and trailing, in the order of the file.
    var comments: [CommentSyntax] = []
    /// The top-level items read so far, in the order of the file.
    var items: [TopLevelSyntax] = []
    /// Where each setting was first set, for E0009.
    var firstSettings: [SettingKey: SourceSpan] = [:]
    /// The pieces of the prose being read, kept from one shot to the next so that its
    /// buffer grows once, not once per shot (``parseProse(after:diagnostics:)``).
    private var scratchPieces: [ProseSyntax.Piece] = []

    /// A parser at the start of `file` (reading its first line reports that line's problems).
    init(file: SourceFile, diagnostics: inout DiagnosticBag) {
        bytes = file.bytes
        fileID = file.id
        lexer = Lexer(file: file)
        advance(diagnostics: &diagnostics)
    }

    // MARK: - Productions

    // The shot productions stay here, private, beside their one caller: the optimizer then
    // inlines them into the parse as it did before the file was split (an internal
    // parseShotDecl in another file was called, not inlined: +26 instructions a shot).

    /// `scene = { blank_line | comment_line | top_level_item | stray_indented_block } ;`
    mutating func parseScene(diagnostics: inout DiagnosticBag) -> SceneSyntax {
        var previous: Keyword? = nil
        while let current = line {
            let mark = linesRead
            if current.kind != .content {
                advance(diagnostics: &diagnostics)
            } else if current.isIndented {
                parseStrayIndentedBlock(current, after: previous, diagnostics: &diagnostics)
            } else {
                previous = parseTopLevelItem(current, diagnostics: &diagnostics)
            }
            // Progress guard: never loop on one line.
            if line != nil, linesRead == mark { advance(diagnostics: &diagnostics) }
        }
        return SceneSyntax(file: fileID, surface: .shot, items: items, comments: comments)
    }

    /// `top_level_item = import_decl | setting_decl | element_decl | image_decl | shot_decl ;`
    ///
    /// Returns the keyword of the line, or nil when the line does not start with one.
    private mutating func parseTopLevelItem(_ current: LexedLine, diagnostics: inout DiagnosticBag) -> Keyword? {
        var cursor = LineLexer(bytes: bytes, line: current)
        let first = cursor.next(.header)
        guard let keyword = Keyword.named(bytes, first.start..<first.end) else {
            reportUnknownKeyword(first, cursor: cursor, diagnostics: &diagnostics)
            advance(diagnostics: &diagnostics)
            skipBlock(diagnostics: &diagnostics)
            return nil
        }
        let keywordSpan = span(first.start, first.end)
        if keyword == .import {
            parseImportDecl(keywordSpan, &cursor, diagnostics: &diagnostics)
        } else if let key = keyword.settingKey {
            parseSettingDecl(key, keywordSpan, &cursor, diagnostics: &diagnostics)
        } else if let kind = keyword.declarationKind, kind.isElement {
            parseElementDecl(kind, keywordSpan, &cursor, diagnostics: &diagnostics)
        } else if let kind = keyword.declarationKind {
            parseImageDecl(kind, keywordSpan, &cursor, diagnostics: &diagnostics)
        } else {
            parseShotDecl(keywordSpan, &cursor, diagnostics: &diagnostics)
        }
        return keyword
    }

    /// `shot_decl = "shot" , name , [ shot_option , [ shot_option ] ] , end_of_line , prose ;`
    private mutating func parseShotDecl(
        _ keywordSpan: SourceSpan, _ cursor: inout LineLexer, diagnostics: inout DiagnosticBag
    ) {
        guard let name = expectName(&cursor, after: keywordSpan, "shot", diagnostics: &diagnostics), let header = line
        else {
            advance(diagnostics: &diagnostics)
            skipBlock(diagnostics: &diagnostics)
            return
        }
        var duration: Located<String>? = nil
        var aspect: Located<String>? = nil
        var whole = keywordSpan.union(name.span)
        options: while true {
            let token = nextToken(&cursor, .header, diagnostics: &diagnostics)
            guard token.kind == .word || token.kind == .quoted else { break }
            guard let (value, isAspect) = parseShotOption(token, diagnostics: &diagnostics) else {
                skipLine(&cursor, diagnostics: &diagnostics)
                break options
            }
            if let first = isAspect ? aspect : duration {
                diagnostics.report(
                    .duplicateShotOption(aspect: isAspect, shot: name.value, at: value.span, first: first.span))
                skipLine(&cursor, diagnostics: &diagnostics)
                break options
            }
            if isAspect { aspect = value } else { duration = value }
            whole = whole.union(value.span)
        }
        advance(diagnostics: &diagnostics)
        let prose = parseProse(after: header, diagnostics: &diagnostics)
        if prose.span.length > 0 { whole = whole.union(prose.span) }
        items.append(
            .shot(
                ShotSyntax(name: name, duration: duration, aspect: aspect, prose: prose, span: whole)))
    }

    /// `shot_option = duration | aspect ;`
    ///
    /// `duration = value ;` (starts with a digit, no `:`, `x` or `/`), `aspect = value ;` (has
    /// one of them).
    /// Returns the value and whether it is the aspect; nil (E0005) when it is neither.
    private mutating func parseShotOption(_ token: Token, diagnostics: inout DiagnosticBag) -> (Located<String>, Bool)?
    {
        let value = cookValue(token, diagnostics: &diagnostics)
        // `16x9` and `16/9` are aspect ratios written wrong: classed as aspects, semantics
        // reports them with a fix-it instead of calling them a second duration.
        // A bare word is its own value: its bytes are read in place. (Invalid UTF-8, which
        // the value has as U+FFFD, is neither a digit nor `:`, `x`, `/` either way.)
        let (isAspect, startsWithDigit) =
            token.kind == .word ? Self.classify(bytes[token.start..<token.end]) : Self.classify(value.value.utf8)
        guard isAspect || startsWithDigit else {
            diagnostics.report(.expectedShotOption(found: describe(token), at: value.span))
            return nil
        }
        return (value, isAspect)
    }

    /// Whether the UTF-8 `value` has a `:`, `x` or `/` (an aspect), and whether it starts
    /// with a digit.
    private static func classify(_ value: some Collection<UInt8>) -> (isAspect: Bool, startsWithDigit: Bool) {
        let isAspect = value.contains {
            $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "x") || $0 == UInt8(ascii: "/")
        }
        let startsWithDigit = value.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? false
        return (isAspect, startsWithDigit)
    }

    /// `prose = { blank_line | comment_line | prose_line } ;` (the indented body of a shot)
    ///
    /// Lines are stripped of their indentation and trailing blanks; the lines of a paragraph
    /// are joined with one space, paragraphs with `"\n\n"`. Comment lines are skipped
    /// without ending a paragraph. One piece per line maps the text back to the source.
    private mutating func parseProse(after header: LexedLine, diagnostics: inout DiagnosticBag) -> ProseSyntax {
        // The pieces are collected first and the text is made once, at its final size: one
        // allocation and one UTF-8 check per shot instead of a growing byte array and a copy.
        scratchPieces.removeAll(keepingCapacity: true)
        var textLength = 0
        var paragraphBreak = false
        var first: Int? = nil
        var last = header.next
        while let current = line, current.kind != .content || current.isIndented {
            let mark = linesRead
            switch current.kind {
            case .blank:
                if textLength > 0 { paragraphBreak = true }
            case .comment:
                break
            case .content:
                if textLength > 0 { textLength += paragraphBreak ? 2 : 1 }
                paragraphBreak = false
                let length = current.contentEnd - current.contentStart
                scratchPieces.append(
                    ProseSyntax.Piece(textOffset: textLength, sourceOffset: current.contentStart, length: length))
                textLength += length
                if first == nil { first = current.contentStart }
                last = current.contentEnd
            }
            advance(diagnostics: &diagnostics)
            if linesRead == mark { break }
        }
        let start = first ?? header.next
        return ProseSyntax(
            text: joinedProse(scratchPieces, length: textLength), pieces: Array(scratchPieces),
            span: span(start, max(start, last)))
    }

    /// The text of the prose whose `pieces` are given: each piece copied from the source,
    /// after the separator that the gap before it leaves room for (one byte: a space within
    /// a paragraph; two: `"\n\n"` between paragraphs). Invalid UTF-8 is replaced by U+FFFD,
    /// as `String(decoding:as:)` does.
    private func joinedProse(_ pieces: [ProseSyntax.Piece], length: Int) -> String {
        bytes.withUnsafeBufferPointer { source in
            String(unsafeUninitializedCapacity: length) { target in
                guard let from = source.baseAddress, let to = target.baseAddress else { return 0 }
                var written = 0
                for piece in pieces {
                    if piece.textOffset - written == 1 {
                        to[written] = 0x20
                    } else if piece.textOffset - written == 2 {
                        to[written] = 0x0A
                        to[written + 1] = 0x0A
                    }
                    (to + piece.textOffset).initialize(from: from + piece.sourceOffset, count: piece.length)
                    written = piece.textOffset + piece.length
                }
                return written
            }
        }
    }

    // MARK: - Helpers

    /// The span of `bytes[start..<end]` in the file being parsed.
    func span(_ start: Int, _ end: Int) -> SourceSpan {
        SourceSpan(file: fileID, start: start, end: end)
    }

    /// The text of `bytes[start..<end]`, invalid UTF-8 replaced by U+FFFD (read through a
    /// buffer pointer: no array slice made).
    func text(_ start: Int, _ end: Int) -> String {
        bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[start..<max(start, end)]), as: UTF8.self)
        }
    }

    /// How a found token is named in a message: `end of line`, `','` or its text in quotes.
    func describe(_ token: Token) -> String {
        switch token.kind {
        case .endOfLine, .comment: "end of line"
        default: "'\(shortened(text(token.start, token.end)))'"
        }
    }

    private func shortened(_ text: String) -> String { Diagnostic.shortened(text) }
}
