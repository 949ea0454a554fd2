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
struct ShotParser {
    private let bytes: [UInt8]
    private let fileID: FileID
    private var lexer: Lexer
    /// The line being looked at; nil at the end of the file.
    private var line: LexedLine?
    /// How many lines were read, to prove that loops make progress.
    private var linesRead = 0
    private var comments: [CommentSyntax] = []
    private var items: [TopLevelSyntax] = []
    /// Where each setting was first set, for E0009.
    private var firstSettings: [SettingKey: SourceSpan] = [:]
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

    /// `import_decl = "import" , value , end_of_line ;`
    private mutating func parseImportDecl(
        _ keywordSpan: SourceSpan, _ cursor: inout LineLexer, diagnostics: inout DiagnosticBag
    ) {
        if let path = expectValue(
            &cursor, after: keywordSpan, missing: { .missingImportPath(at: $0) }, diagnostics: &diagnostics)
        {
            expectEndOfLine(&cursor, diagnostics: &diagnostics)
            items.append(.importFile(ImportSyntax(path: path, span: keywordSpan.union(path.span))))
        }
        advance(diagnostics: &diagnostics)
    }

    /// `setting_decl = ( "model" | "duration" | "aspect" ) , value , end_of_line ;`
    private mutating func parseSettingDecl(
        _ key: SettingKey, _ keywordSpan: SourceSpan, _ cursor: inout LineLexer, diagnostics: inout DiagnosticBag
    ) {
        defer { advance(diagnostics: &diagnostics) }
        guard
            let value = expectValue(
                &cursor, after: keywordSpan, missing: { .missingSettingValue(key, at: $0) },
                diagnostics: &diagnostics)
        else { return }
        expectEndOfLine(&cursor, diagnostics: &diagnostics)
        if let first = firstSettings[key] {
            diagnostics.report(.duplicateSetting(key, at: keywordSpan, first: first))
            return
        }
        firstSettings[key] = keywordSpan
        let item = SettingSyntax(
            key: Located(key, at: keywordSpan), value: value, span: keywordSpan.union(value.span))
        items.append(.setting(item))
    }

    /// `element_decl = ( "character" | "prop" ) , name , end_of_line ,
    /// { blank_line | comment_line | field_line } ;`
    private mutating func parseElementDecl(
        _ kind: DeclarationKind, _ keywordSpan: SourceSpan, _ cursor: inout LineLexer, diagnostics: inout DiagnosticBag
    ) {
        guard let name = expectName(&cursor, after: keywordSpan, kind.rawValue, diagnostics: &diagnostics) else {
            advance(diagnostics: &diagnostics)
            skipBlock(diagnostics: &diagnostics)
            return
        }
        expectEndOfLine(&cursor, help: "fields go on the following lines, indented", diagnostics: &diagnostics)
        advance(diagnostics: &diagnostics)
        var fields: [FieldSyntax] = []
        var firstKeys: [FieldKey: SourceSpan] = [:]
        var whole = keywordSpan.union(name.span)
        while let current = line, current.kind != .content || current.isIndented {
            let mark = linesRead
            if current.kind == .content {
                if let field = parseFieldLine(current, kind, name.value, &firstKeys, diagnostics: &diagnostics) {
                    fields.append(field)
                    whole = whole.union(field.span)
                }
            }
            advance(diagnostics: &diagnostics)
            if linesRead == mark { break }
        }
        var item = DeclarationSyntax(
            kind: kind, keywordSpan: keywordSpan, name: name, fields: fields, span: whole)
        item.markRecovered(from: diagnostics)
        items.append(.declaration(item))
    }

    /// `field_line = front_field | refs_field | note_field ;` (indented)
    private mutating func parseFieldLine(
        _ current: LexedLine, _ kind: DeclarationKind, _ owner: String,
        _ firstKeys: inout [FieldKey: SourceSpan], diagnostics: inout DiagnosticBag
    ) -> FieldSyntax? {
        var cursor = LineLexer(bytes: bytes, line: current)
        let keyToken = cursor.next(.header)
        let keySpan = span(keyToken.start, keyToken.end)
        guard let key = FieldKey.named(bytes, keyToken.start..<keyToken.end) else {
            let written = text(keyToken.start, keyToken.end)
            var help: [String] = []
            if let close = Suggestion.closest(to: written, among: FieldKey.spellings) {
                help.append("did you mean '\(close)'?")
            } else {
                help.append("a \(kind.rawValue) has the fields 'front', 'refs' and 'note'")
            }
            diagnostics.report(
                .unknownField(
                    written, in: kind, owner, at: keySpan, help: help,
                    replacement: Suggestion.unambiguous(to: written, among: FieldKey.spellings)))
            return nil
        }
        if let first = firstKeys[key] {
            diagnostics.report(.duplicateField(key.rawValue, in: kind, owner, at: keySpan, first: first))
            return nil
        }
        firstKeys[key] = keySpan
        let located = Located(key.rawValue, at: keySpan)
        switch key {
        case .front:
            return parseFrontField(located, &cursor, kind, owner, diagnostics: &diagnostics)
        case .refs:
            return parseRefsField(located, &cursor, kind, owner, diagnostics: &diagnostics)
        case .note:
            return parseNoteField(located, &cursor, kind, owner, diagnostics: &diagnostics)
        }
    }

    /// `front_field = "front" , value , end_of_line ;`
    private mutating func parseFrontField(
        _ key: Located<String>, _ cursor: inout LineLexer, _ kind: DeclarationKind, _ owner: String,
        diagnostics: inout DiagnosticBag
    ) -> FieldSyntax? {
        guard
            let value = expectValue(
                &cursor, after: key.span,
                missing: { .missingFieldValue(key.value, in: kind, owner, at: $0) },
                diagnostics: &diagnostics)
        else { return nil }
        expectEndOfLine(&cursor, diagnostics: &diagnostics)
        return FieldSyntax(key: key, values: [value], span: key.span.union(value.span))
    }

    /// `refs_field = "refs" , value , { [ "," ] , value } , end_of_line ;`
    private mutating func parseRefsField(
        _ key: Located<String>, _ cursor: inout LineLexer, _ kind: DeclarationKind, _ owner: String,
        diagnostics: inout DiagnosticBag
    ) -> FieldSyntax? {
        var values: [Located<String>] = []
        var comma: Token? = nil
        while true {
            let token = nextToken(&cursor, .list, diagnostics: &diagnostics)
            switch token.kind {
            case .word, .quoted:
                values.append(cookValue(token, diagnostics: &diagnostics))
                comma = nil
                continue
            case .comma:
                if values.isEmpty || comma != nil {
                    diagnostics.report(.commaWithoutImage(at: span(token.start, token.end)))
                    skipLine(&cursor, diagnostics: &diagnostics)
                    break
                }
                comma = token
                continue
            case .endOfLine, .comment:
                if values.isEmpty {
                    diagnostics.report(.missingFieldValue(key.value, in: kind, owner, at: key.span))
                } else if let comma {
                    diagnostics.report(.trailingComma(at: span(comma.start, comma.end)))
                }
            }
            break
        }
        guard let last = values.last else { return nil }
        return FieldSyntax(key: key, values: values, span: key.span.union(last.span))
    }

    /// `note_field = "note" , free_text ;`
    private mutating func parseNoteField(
        _ key: Located<String>, _ cursor: inout LineLexer, _ kind: DeclarationKind, _ owner: String,
        diagnostics: inout DiagnosticBag
    ) -> FieldSyntax? {
        let range = cursor.rest()
        guard !range.isEmpty else {
            diagnostics.report(.missingFieldValue(key.value, in: kind, owner, at: key.span))
            return nil
        }
        let value = Located(
            text(range.lowerBound, range.upperBound), at: span(range.lowerBound, range.upperBound))
        return FieldSyntax(key: key, values: [value], span: key.span.union(value.span))
    }

    /// `image_decl = ( "image" | "style" ) , name , value , end_of_line ;`
    ///
    /// A missing image still declares the name (with no image), so that mentions of it do
    /// not turn into a second error.
    private mutating func parseImageDecl(
        _ kind: DeclarationKind, _ keywordSpan: SourceSpan, _ cursor: inout LineLexer, diagnostics: inout DiagnosticBag
    ) {
        defer { advance(diagnostics: &diagnostics) }
        guard let name = expectName(&cursor, after: keywordSpan, kind.rawValue, diagnostics: &diagnostics) else {
            return
        }
        let image = expectValue(
            &cursor, after: name.span, missing: { .missingImage(kind, name.value, at: $0) },
            diagnostics: &diagnostics)
        if image != nil { expectEndOfLine(&cursor, diagnostics: &diagnostics) }
        let whole = keywordSpan.union(image?.span ?? name.span)
        var item = DeclarationSyntax(
            kind: kind, keywordSpan: keywordSpan, name: name, image: image, span: whole)
        item.markRecovered(from: diagnostics)
        items.append(.declaration(item))
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

    /// `name = letter , { letter | digit | "_" | "-" } ;` (not ending in `-`)
    ///
    /// A name that breaks the rule is reported (E0010) and still returned, so that later
    /// phases can go on; nil only when there is no name at all.
    private mutating func expectName(
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
    private mutating func expectValue(
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
    private mutating func expectEndOfLine(
        _ cursor: inout LineLexer, help: String? = nil, diagnostics: inout DiagnosticBag
    ) {
        let token = nextToken(&cursor, .header, diagnostics: &diagnostics)
        guard token.kind != .endOfLine && token.kind != .comment else { return }
        diagnostics.report(.expectedEndOfLine(found: describe(token), at: span(token.start, token.end), help: help))
        skipLine(&cursor, diagnostics: &diagnostics)
    }

    // MARK: - Tokens and values

    /// The next token of the line; a trailing comment is kept in ``SceneSyntax/comments``
    /// here, the one place tokens are taken, so each is kept once.
    private mutating func nextToken(
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
    private mutating func skipLine(_ cursor: inout LineLexer, diagnostics: inout DiagnosticBag) {
        var budget = cursor.end - cursor.position + 1
        while budget > 0, nextToken(&cursor, .header, diagnostics: &diagnostics).kind != .endOfLine {
            budget -= 1
        }
    }

    /// The value of a word or quoted token: a quoted value without its quotes, with `\"`
    /// and `\\` applied; reports an unterminated string (E0003, the value is then the rest
    /// of the line) and invalid escapes (E0004, kept as written).
    private mutating func cookValue(_ token: Token, diagnostics: inout DiagnosticBag) -> Located<String> {
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

    // MARK: - Lines and recovery

    /// Moves to the next line, reporting what the lexer flagged on it (E0001, E0011, E0002) and
    /// keeping a full-line comment: every line passes here exactly once.
    private mutating func advance(diagnostics: inout DiagnosticBag) {
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
    private mutating func skipBlock(diagnostics: inout DiagnosticBag) {
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
    private mutating func parseStrayIndentedBlock(
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
    private mutating func reportUnknownKeyword(_ first: Token, cursor: LineLexer, diagnostics: inout DiagnosticBag) {
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

    // MARK: - Helpers

    private func span(_ start: Int, _ end: Int) -> SourceSpan {
        SourceSpan(file: fileID, start: start, end: end)
    }

    /// The text of `bytes[start..<end]`, invalid UTF-8 replaced by U+FFFD (read through a
    /// buffer pointer: no array slice made).
    private func text(_ start: Int, _ end: Int) -> String {
        bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[start..<max(start, end)]), as: UTF8.self)
        }
    }

    /// How a found token is named in a message: `end of line`, `','` or its text in quotes.
    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .endOfLine, .comment: "end of line"
        default: "'\(shortened(text(token.start, token.end)))'"
        }
    }

    private func shortened(_ text: String) -> String { Diagnostic.shortened(text) }
}
