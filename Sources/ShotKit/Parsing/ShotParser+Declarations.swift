/// The productions of the top-level declarations other than `shot`: imports, settings,
/// elements with their field lines, and images and styles.
extension ShotParser {
    /// `import_decl = "import" , value , end_of_line ;`
    mutating func parseImportDecl(
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
    mutating func parseSettingDecl(
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
    mutating func parseElementDecl(
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
    mutating func parseImageDecl(
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
}
