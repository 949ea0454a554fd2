/// The diagnostics of the two front ends, each made in one place: a code's message and help
/// are written here once (the ones both syntaxes report, such as E0011, once for both).
extension Diagnostic {
    /// `text`, cut to 40 characters for a message.
    static func shortened(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(39)) + "…"
    }

    // MARK: Both syntaxes

    /// E0011: a control character (both syntaxes).
    static func controlCharacter(_ value: UInt32, at span: SourceSpan) -> Diagnostic {
        Diagnostic(
            .controlCharacter, ControlCharacter.message(for: value), at: span,
            help: ["remove it: it is invisible in most editors"])
    }

    // MARK: .shot

    /// E0001: a byte that is not UTF-8.
    static func invalidUTF8(byte: UInt8, at span: SourceSpan) -> Diagnostic {
        Diagnostic(
            .invalidUTF8, "invalid UTF-8 byte 0x\(String(byte, radix: 16, uppercase: true))", at: span,
            help: ["save the file as UTF-8"])
    }

    /// E0002: a tab in indentation.
    /// `indentation` is the line's whole indentation and `spaces` what replaces it.
    static func tabIndentation(at span: SourceSpan, indentation: SourceSpan, spaces: String) -> Diagnostic {
        Diagnostic(
            .tabIndentation, "tab in indentation, indent with spaces", at: span,
            help: ["replace the tabs at the start of the line with spaces"],
            fixIts: [
                FixIt("indent with spaces", edits: [TextEdit(indentation, spaces)], machineApplicable: true)
            ])
    }

    /// E0003: a quoted value without its closing quote.
    static func unterminatedString(at span: SourceSpan) -> Diagnostic {
        Diagnostic(
            .unterminatedString, "unterminated string, expected '\"' before the end of the line",
            at: span, help: ["close the value with '\"'"])
    }

    /// E0004: an escape other than `\"` and `\\`.
    static func invalidEscape(_ written: String, at span: SourceSpan) -> Diagnostic {
        Diagnostic(
            .invalidEscape, "invalid escape '\(written)', the only escapes are '\\\"' and '\\\\'",
            at: span, help: ["write a backslash as '\\\\'"])
    }

    /// E0005: a token where the line should end; `help` when the place calls for one.
    static func expectedEndOfLine(found: String, at span: SourceSpan, help: String?) -> Diagnostic {
        Diagnostic(
            .unexpectedToken, "expected end of line, found \(found)", at: span,
            help: help.map { [$0] } ?? [])
    }

    /// E0005: a comma where an image value belongs.
    static func commaWithoutImage(at span: SourceSpan) -> Diagnostic {
        Diagnostic(.unexpectedToken, "expected an image value, found ','", at: span)
    }

    /// E0005: a list of images ending in a comma.
    static func trailingComma(at span: SourceSpan) -> Diagnostic {
        Diagnostic(
            .unexpectedToken, "expected an image value after ',', found end of line", at: span,
            help: ["remove the trailing ','"])
    }

    /// E0005: a word on a shot's line that is neither a duration nor an aspect ratio.
    static func expectedShotOption(found: String, at span: SourceSpan) -> Diagnostic {
        Diagnostic(
            .unexpectedToken,
            "expected a duration such as 5s or an aspect ratio such as 16:9, found \(found)", at: span)
    }

    /// E0006: a top-level line that starts with no keyword.
    /// `replacement` is the keyword meant, when it is certain.
    static func unknownKeyword(
        _ written: String, at span: SourceSpan, help: [String], replacement: String? = nil
    ) -> Diagnostic {
        Diagnostic(
            .unknownKeyword, "unknown keyword '\(shortened(written))'", at: span, help: help,
            fixIts: replacement.map { [certainReplacement(span, $0)] } ?? [])
    }

    /// A machine-applicable fix-it putting `replacement` in place of `span`.
    static func certainReplacement(_ span: SourceSpan, _ replacement: String) -> FixIt {
        FixIt("replace with '\(replacement)'", edits: [TextEdit(span, replacement)], machineApplicable: true)
    }

    /// E0007: a field a character or prop does not have.
    static func unknownField(
        _ written: String, in kind: DeclarationKind, _ owner: String, at span: SourceSpan, help: [String],
        replacement: String? = nil
    ) -> Diagnostic {
        Diagnostic(
            .unknownField, "unknown field '\(shortened(written))' in \(kind.rawValue) '\(owner)'",
            at: span, help: help, fixIts: replacement.map { [certainReplacement(span, $0)] } ?? [])
    }

    /// E0007 in a YAML shot: a misspelt field of a shot (`promt`), certain when `replacement` is given.
    static func unknownShotField(
        _ written: String, shot: String, at span: SourceSpan, help: [String], replacement: String? = nil
    ) -> Diagnostic {
        Diagnostic(
            .unknownField, "unknown field '\(shortened(written))' in shot '\(shot)'",
            at: span, help: help, fixIts: replacement.map { [certainReplacement(span, $0)] } ?? [])
    }

    /// E0008: indented lines no block owns; `previous` is the keyword of the line above.
    static func unexpectedIndentation(after previous: Keyword?, at span: SourceSpan) -> Diagnostic {
        let message: String
        switch previous {
        case .image?, .style?, .import?, .model?, .duration?, .aspect?:
            message = "unexpected indentation, '\(previous?.rawValue ?? "")' takes no indented lines"
        default:
            message = "unexpected indentation, no block is open here"
        }
        return Diagnostic(
            .unexpectedIndentation, message, at: span,
            help: [
                "top-level lines start in the first column; only the fields of a 'character' or 'prop' and the prose of a 'shot' are indented"
            ])
    }

    /// E0009: a scene setting given twice.
    static func duplicateSetting(_ key: SettingKey, at span: SourceSpan, first: SourceSpan) -> Diagnostic {
        Diagnostic(
            .duplicateField, "duplicate setting '\(key.rawValue)'", at: span,
            notes: [DiagnosticNote("'\(key.rawValue)' is first set here", at: first)],
            help: ["remove one of the two lines"])
    }

    /// E0009: a field of a character or prop given twice.
    static func duplicateField(
        _ key: String, in kind: DeclarationKind, _ owner: String, at span: SourceSpan, first: SourceSpan
    ) -> Diagnostic {
        Diagnostic(
            .duplicateField, "duplicate field '\(key)' in \(kind.rawValue) '\(owner)'", at: span,
            notes: [DiagnosticNote("'\(key)' is first given here", at: first)],
            help: ["remove one of the two lines"])
    }

    /// E0009: a shot's duration or aspect ratio given twice.
    static func duplicateShotOption(
        aspect: Bool, shot: String, at span: SourceSpan, first: SourceSpan
    ) -> Diagnostic {
        let what = aspect ? "aspect ratio" : "duration"
        return Diagnostic(
            .duplicateField, "duplicate \(what) in shot '\(shot)'", at: span,
            notes: [DiagnosticNote("the \(what) is first given here", at: first)],
            help: ["a shot has at most one duration and one aspect ratio"])
    }

    /// E0024: a keyword without the name that follows it.
    static func missingName(after keyword: String, at span: SourceSpan) -> Diagnostic {
        Diagnostic(
            .missingValue, "expected a name after '\(keyword)', found end of line", at: span,
            help: ["write it as '\(keyword) NAME', such as '\(keyword) mara'"])
    }

    /// E0024: `import` without a path.
    static func missingImportPath(at span: SourceSpan) -> Diagnostic {
        Diagnostic(
            .missingValue, "missing path after 'import'", at: span,
            help: ["write it as 'import \"cast.shot\"'"])
    }

    /// E0024: a setting without its value.
    static func missingSettingValue(_ key: SettingKey, at span: SourceSpan) -> Diagnostic {
        let example: String
        switch key {
        case .model: example = "model standard"
        case .duration: example = "duration 5s"
        case .aspect: example = "aspect 16:9"
        }
        return Diagnostic(
            .missingValue, "missing value for '\(key.rawValue)'", at: span,
            help: ["write it as '\(example)'"])
    }

    /// E0024: an image or style without its image.
    static func missingImage(_ kind: DeclarationKind, _ name: String, at span: SourceSpan) -> Diagnostic {
        Diagnostic(
            .missingValue, "missing image for \(kind.rawValue) '\(name)'", at: span,
            help: ["write it as '\(kind.rawValue) \(name) refs/\(name).png'"])
    }

    /// E0024: a field of a character or prop without its value.
    static func missingFieldValue(
        _ key: String, in kind: DeclarationKind, _ owner: String, at span: SourceSpan
    ) -> Diagnostic {
        let help: String
        switch key {
        case "refs": help = "write one to three images: refs refs/\(owner)-side.png"
        case "note": help = "write the note after the key: note A young explorer in a yellow raincoat."
        default: help = "write it as 'front refs/\(owner)-front.png'"
        }
        return Diagnostic(
            .missingValue, "missing value for '\(key)' in \(kind.rawValue) '\(owner)'", at: span,
            help: [help])
    }

    // MARK: YAML

    /// E0001 or E0020: libyaml's own error, with its context as a note.
    static func yamlError(
        _ problem: String, invalidUTF8: Bool, at span: SourceSpan?, context: (String, SourceSpan?)?
    ) -> Diagnostic {
        Diagnostic(
            invalidUTF8 ? .invalidUTF8 : .yamlSyntax, problem, at: span,
            notes: context.map { [DiagnosticNote($0.0, at: $0.1)] } ?? [])
    }

    /// E0026: a plain YAML value that starts with `@` (or a backquote), which YAML reserves.
    static func yamlReservedStart(_ character: String, at span: SourceSpan, fixIt: FixIt?) -> Diagnostic {
        Diagnostic(
            .yamlReservedStart,
            "a plain YAML value cannot start with '\(character)'", at: span,
            help: [
                "quote the value ('prompt: \"@luz waves\"') or write it as a block ('prompt: |' and the text on the lines below)"
            ],
            fixIts: fixIt.map { [$0] } ?? [])
    }

    /// E0027: a `: ` inside an unquoted value, which YAML reads as the start of a mapping.
    static func yamlColonInValue(at span: SourceSpan, fixIt: FixIt?) -> Diagnostic {
        Diagnostic(
            .yamlColonInValue,
            "': ' inside an unquoted value: YAML reads it as a key and a value", at: span,
            help: [
                "quote the value, or write it as a block ('prompt: >' and the text on the lines below)"
            ],
            fixIts: fixIt.map { [$0] } ?? [])
    }

    /// E0028: a shot named like a shot's field: most likely a field indented too little.
    static func shotNamedLikeField(_ name: Located<String>, previous: String?) -> Diagnostic {
        var notes: [DiagnosticNote] = []
        var help = [
            "a shot's fields are indented under its name; shot names cannot be 'duration', 'aspect' or 'prompt'"
        ]
        if let previous {
            notes.append(
                DiagnosticNote("it is most likely the '\(name.value)' of shot '\(previous)' above, indented too little")
            )
            help.insert("indent '\(name.value):' as far as the other fields of '\(previous)'", at: 0)
        }
        return Diagnostic(
            .shotNamedLikeField, "shot named '\(name.value)': '\(name.value)' is a field of a shot",
            at: name.span, notes: notes, help: help)
    }

    /// E0020: an alias with no anchor of that name before it.
    static func undefinedAlias(_ name: String, at span: SourceSpan) -> Diagnostic {
        Diagnostic(.yamlSyntax, "undefined alias '*\(name)'", at: span)
    }

    /// E0021: a key given twice in one mapping.
    static func duplicateKey(_ key: String, at span: SourceSpan, first: SourceSpan) -> Diagnostic {
        Diagnostic(
            .duplicateKey, "duplicate key '\(key)'", at: span,
            notes: [DiagnosticNote("first given here", at: first)])
    }

    /// E0022: a node of the wrong kind for `key`.
    static func wrongNodeKind(expected: String, for key: String, found: String, at span: SourceSpan) -> Diagnostic {
        Diagnostic(.wrongNodeKind, "expected \(expected) for '\(key)', found \(found)", at: span)
    }

    /// E0022: a scene whose root is no mapping.
    static func rootNotMapping(found: String, at span: SourceSpan) -> Diagnostic {
        Diagnostic(
            .wrongNodeKind, "expected a mapping of scene keys, found \(found)", at: span,
            help: ["a YAML scene starts with keys such as 'characters:' and 'shots:'"])
    }

    /// E0022: a list or a mapping as a key.
    static func keyNotScalar(found: String, at span: SourceSpan) -> Diagnostic {
        Diagnostic(.wrongNodeKind, "expected a name as key, found \(found)", at: span)
    }

    /// E0023: a second document in a scene file.
    static func multipleDocuments(at span: SourceSpan) -> Diagnostic {
        Diagnostic(
            .multipleDocuments, "found a second YAML document; a scene file is one document", at: span,
            help: ["remove the '---' that starts it, or move it to a file of its own and import it"])
    }

    /// E0024: a key whose value is missing.
    static func missingYAMLValue(expected: String, for key: String, at span: SourceSpan) -> Diagnostic {
        Diagnostic(.missingValue, "expected \(expected) for '\(key)', found nothing", at: span)
    }

    /// E0025: aliases that expand the document past `max` nodes.
    static func yamlTooLarge(maxNodes: Int, at span: SourceSpan) -> Diagnostic {
        Diagnostic(
            .yamlTooLarge, "YAML document expands to more than \(maxNodes) nodes", at: span,
            help: ["an alias repeats the node it names; use fewer or smaller aliases"])
    }

    /// E0025: nesting deeper than `max` levels.
    static func yamlTooDeep(maxDepth: Int, at span: SourceSpan) -> Diagnostic {
        Diagnostic(.yamlTooLarge, "YAML nesting is deeper than \(maxDepth) levels", at: span)
    }

    /// W0002: a key the place does not have, with a did-you-mean among `known`.
    static func unknownKey(_ key: Located<String>, among known: [String], in place: String?) -> Diagnostic {
        let message = place.map { "unknown key '\(key.value)' in \($0)" } ?? "unknown key '\(key.value)'"
        let help: String
        var fixIts: [FixIt] = []
        if let suggestion = Suggestion.closest(to: key.value, among: known) {
            help = "did you mean '\(suggestion)'?"
            if Suggestion.unambiguous(to: key.value, among: known) == suggestion {
                fixIts.append(certainReplacement(key.span, suggestion))
            }
        } else {
            help = "known keys: " + known.joined(separator: ", ")
        }
        return Diagnostic(.unknownKey, message, at: key.span, help: [help], fixIts: fixIts)
    }
}
