/// The diagnostics of loading and analysis, each made in one place: a code's message and help
/// are written here once, and the checks say only which one applies and where.
extension Diagnostic {
    // MARK: Loading (E04xx)

    /// E0402: a scene file or an import that cannot be read; `near` is a file of a close
    /// name in its folder, as the import would write it.
    static func fileUnreadable(
        _ path: String, _ error: FileReadError, imported: Bool, at span: SourceSpan?,
        maxFileBytes: Int, near: String? = nil
    ) -> Diagnostic {
        var help = imported ? ["import paths are relative to the importing file's folder"] : []
        if let near { help.insert("did you mean '\(near)'? (a file of that name is in the folder)", at: 0) }
        switch error {
        case .tooLarge:
            help = [
                "a scene file is at most \(FileReadError.describe(bytes: maxFileBytes)); split it into files that import each other"
            ]
        case .notRegularFile:
            help = ["scene files and imports are read only from regular files"]
        case .notFound, .isDirectory, .unreadable:
            break
        }
        let what = imported ? "imported file" : "scene file"
        return Diagnostic(.fileUnreadable, "cannot read \(what) '\(path)': \(error)", at: span, help: help)
    }

    /// The note on an import that could not be read: the mentions left unresolved because of
    /// it (reported here once, not each as E0101).
    static func unresolvedBecauseOfImport(_ names: [String], mentions: Int) -> DiagnosticNote {
        let shown = names.prefix(5).map { "'@\($0)'" }.joined(separator: ", ") + (names.count > 5 ? ", …" : "")
        return DiagnosticNote(
            "\(mentions) mention\(mentions == 1 ? " is" : "s are") unresolved because of it (\(shown))")
    }

    /// E0401: imports nested deeper than any scene needs.
    static func importsTooDeep(_ path: String, depth: Int, at span: SourceSpan?) -> Diagnostic {
        Diagnostic(
            .importCycle, "imports nest more than \(depth) files deep at '\(path)'", at: span,
            help: ["this is most likely a cycle through paths that name the same file"])
    }

    /// E0401: an import that leads back to a file still being imported.
    static func importCycle(_ chain: [String], at span: SourceSpan?, notes: [DiagnosticNote]) -> Diagnostic {
        Diagnostic(
            .importCycle, "import cycle: " + chain.map { "'\($0)'" }.joined(separator: " → "),
            at: span, notes: notes,
            help: ["move what the files share into a file that imports nothing"])
    }

    // MARK: Names (E00xx, E01xx)

    /// E0010: a name that breaks the name rule of spec section 1; `what` says what it names
    /// when the syntax does not show it (a YAML key). Long names are cut to 40 characters.
    static func invalidName(_ name: Located<String>, what: String?) -> Diagnostic {
        Diagnostic(
            .invalidName, "invalid \(what.map { $0 + " " } ?? "")name '\(shortened(name.value))'",
            at: name.span,
            help: ["a name starts with a letter and goes on with letters, digits, '_' or '-', not ending in '-'"])
    }

    /// E0010: a shot name too long to be a file name with its suffixes.
    static func shotNameTooLong(_ name: Located<String>, maxBytes: Int) -> Diagnostic {
        let shown = String(name.value.unicodeScalars.prefix(24).map(Character.init)) + "…"
        return Diagnostic(
            .invalidName,
            "shot name '\(shown)' is \(name.value.utf8.count) bytes long; shot names are at most \(maxBytes) bytes",
            at: name.span,
            help: [
                "a shot's video is saved as NAME.mp4 and its record as NAME.run.json, and a file name has at most 255 bytes; choose a shorter name"
            ])
    }

    /// E0102: a shot name used twice.
    static func duplicateShotName(_ name: Located<String>, first: SourceSpan) -> Diagnostic {
        Diagnostic(
            .duplicateName, "duplicate shot name '\(name.value)'", at: name.span,
            notes: [DiagnosticNote("'\(name.value)' is first used here", at: first)],
            help: ["every shot needs its own name: its video is saved as NAME.mp4"])
    }

    /// E0102: a reference name declared twice.
    static func duplicateName(
        _ name: Located<String>, firstKind: DeclarationKind, first: SourceSpan
    ) -> Diagnostic {
        Diagnostic(
            .duplicateName, "duplicate name '\(name.value)'", at: name.span,
            notes: [
                DiagnosticNote(
                    "'\(name.value)' is first declared here, as a \(firstKind.rawValue)", at: first)
            ],
            help: ["names are unique across characters, props, images and styles; rename one"])
    }

    /// E0104: a declared name that looks like a positional token.
    static func reservedName(_ name: Located<String>) -> Diagnostic {
        Diagnostic(
            .reservedName, "'\(name.value)' is reserved: it looks like a positional token",
            at: name.span,
            help: ["choose another name; shotc writes '@\(name.value)'-style tokens itself"])
    }

    /// E0101: a mention of a name nothing declares; `near` is the declaration it most likely
    /// meant, with where it is declared; `certain` when it is the only close one.
    static func unknownReference(
        _ name: String, at span: SourceSpan,
        near: (name: String, kind: DeclarationKind, declaredAt: String)?, surface: SurfaceSyntax,
        certain: Bool = false
    ) -> Diagnostic {
        var help: [String] = []
        var fixIts: [FixIt] = []
        if let near {
            help.append(
                "did you mean '@\(near.name)'? (\(near.kind.rawValue) declared at \(near.declaredAt))")
            fixIts.append(
                FixIt(
                    "replace with '@\(near.name)'", edits: [TextEdit(span, "@" + near.name)],
                    machineApplicable: certain))
        } else {
            switch surface {
            case .shot:
                help.append(
                    "declare it first, e.g. 'character \(name)' with its 'front' and 'refs', or 'image \(name) PATH'")
            case .yaml:
                help.append("declare it under 'characters:', 'props:', 'images:' or 'styles:'")
            }
            help.append("to write a literal '@', double it: '@@'")
        }
        return Diagnostic(
            .unknownReference, "unknown reference '@\(name)'", at: span, help: help, fixIts: fixIts)
    }

    /// E0103: `@Element1` and the like written in prose.
    static func positionalToken(_ name: String, at span: SourceSpan, example: String) -> Diagnostic {
        Diagnostic(
            .positionalToken, "positional token '@\(name)' written by hand", at: span,
            help: [
                "write the reference's name instead (such as '@\(example)'); shotc numbers references by first mention",
                "to write a literal '@', double it: '@@'",
            ])
    }

    /// E0105: `--shot` naming a shot the scene does not have; `known` are the scene's shots.
    static func unknownShot(_ name: String, known: [String]) -> Diagnostic {
        var help = ["the scene's shots are " + known.map { "'\($0)'" }.joined(separator: ", ")]
        if let near = Suggestion.closest(to: name, among: known) {
            help.insert("did you mean '\(near)'?", at: 0)
        }
        return Diagnostic(.unknownShot, "unknown shot '\(name)'", at: nil, help: help)
    }

    /// W0001: a declaration of the compiled file that no shot mentions.
    static func unusedDeclaration(_ reference: Reference) -> Diagnostic {
        Diagnostic(
            .unusedDeclaration,
            "\(reference.kind.rawValue) '\(reference.name)' is never mentioned",
            at: reference.nameSpan,
            help: ["mention it in a shot as '@\(reference.name)', or remove it"])
    }

    // MARK: Declarations and images (E02xx, E03xx)

    /// E0206: a character or prop without `front`.
    static func missingFront(_ kind: DeclarationKind, _ name: Located<String>) -> Diagnostic {
        Diagnostic(
            .missingFront, "\(kind.rawValue) '\(name.value)' has no front image", at: name.span,
            help: [
                kind == .character
                    ? "add a frontal view: 'front \(name.value)-front.png'"
                    : "add a frontal view: 'front \(name.value).png'"
            ])
    }

    /// E0207: a character or prop with no `refs` or more than three.
    static func refsCount(
        _ kind: DeclarationKind, _ name: String, count: Int, at span: SourceSpan
    ) -> Diagnostic {
        let help =
            count == 0
            ? "add one to three other angles: 'refs \(name)-side.png, \(name)-back.png'"
            : "drop \(count - 3) of them: fal takes at most 3"
        return Diagnostic(
            .refsCount,
            "\(kind.rawValue) '\(name)' has \(count) reference images; fal takes 1 to 3",
            at: span, help: [help])
    }

    /// E0208: an image value that is no URL, `data:` URI or path.
    static func invalidImageValue(_ value: Located<String>, reason: String) -> Diagnostic {
        Diagnostic(
            .invalidImageValue, "invalid image '\(value.value)': \(reason)", at: value.span,
            help: ["an image is an https:// URL, a data: URI or a path to a local file"])
    }

    /// E0301: a local image that does not exist; `lookedFor` is the resolved path when it
    /// differs from what was written.
    /// `near` is a file of a close name in the image's folder, as the value would write it.
    static func imageNotFound(_ value: Located<String>, lookedFor: String?, near: String? = nil) -> Diagnostic {
        var help = ["paths are relative to the folder of the file that declares them"]
        if let near { help.insert("did you mean '\(near)'? (a file of that name is in the folder)", at: 0) }
        return Diagnostic(
            .imageNotFound, "image file '\(value.value)' not found", at: value.span,
            notes: lookedFor.map { [DiagnosticNote("looked for '\($0)'")] } ?? [],
            help: help)
    }

    /// E0302: a local image that exists but cannot be read.
    static func imageUnreadable(_ value: Located<String>, _ error: FileReadError) -> Diagnostic {
        var help: [String] = []
        if case .notRegularFile = error { help = ["images are read only from regular files"] }
        return Diagnostic(
            .imageUnreadable, "cannot read image file '\(value.value)': \(error)", at: value.span,
            help: help)
    }

    /// E0303: a local file whose bytes are no image.
    static func notAnImage(_ value: Located<String>) -> Diagnostic {
        Diagnostic(
            .notAnImage, "'\(value.value)' is not an image: its bytes are not PNG, JPEG, WebP or GIF",
            at: value.span, help: ["Kling accepts JPEG and PNG files"])
    }

    /// E0307: an image whose pixel size is not in its header.
    static func imageSizeUnknown(_ value: Located<String>, reason: String) -> Diagnostic {
        Diagnostic(
            .imageSizeUnknown, "cannot read the size of '\(value.value)': \(reason)",
            at: value.span,
            help: ["the file may be cut short or damaged; open it in an image editor and save it again as PNG or JPEG"])
    }

    /// W0004: a WebP or GIF image.
    static func imageFormat(_ value: Located<String>, _ format: ImageFormat) -> Diagnostic {
        Diagnostic(
            .imageFormat,
            "'\(value.value)' is a \(format.rawValue.uppercased()) image; Kling accepts JPEG and PNG",
            at: value.span, help: ["convert it to PNG or JPEG"])
    }

    /// A limit fal documents for front images: E0304 to E0306 on a front image, W0005 on any
    /// other (the limit probably applies to all).
    private static func imageLimit(
        _ code: DiagnosticCode, _ message: String, _ help: String, at span: SourceSpan, front: Bool
    ) -> Diagnostic {
        front
            ? Diagnostic(code, message, at: span, help: [help])
            : Diagnostic(
                .imageLimits, message, at: span,
                help: [help, "fal documents this limit for front images; it probably applies to all"])
    }

    /// E0304 (or W0005): an image over 10 MB.
    static func imageTooLarge(_ value: Located<String>, byteCount: Int, front: Bool) -> Diagnostic {
        let megabytes = Double(byteCount) / 1_048_576
        return imageLimit(
            .frontTooLarge,
            "'\(value.value)' is \(formatOneDecimal(megabytes)) MB; fal accepts at most 10 MB",
            "re-encode it smaller, e.g. as a JPEG at quality 90", at: value.span, front: front)
    }

    /// E0305 (or W0005): an image under 300 pixels on a side.
    static func imageTooSmall(_ value: Located<String>, width: Int, height: Int, front: Bool) -> Diagnostic {
        imageLimit(
            .frontTooSmall, "'\(value.value)' is \(width)×\(height) pixels; fal needs at least 300×300",
            "use a larger image", at: value.span, front: front)
    }

    /// E0306 (or W0005): an image too wide or too tall.
    static func imageAspect(
        _ value: Located<String>, width: Int, height: Int, ratio: Double, front: Bool
    ) -> Diagnostic {
        imageLimit(
            .frontAspect,
            "'\(value.value)' is \(width)×\(height) pixels (aspect ratio \(formatTwoDecimals(ratio))); fal accepts 0.40 to 2.50",
            "crop it closer to square", at: value.span, front: front)
    }

    /// `12.3`.
    static func formatOneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// `0.38`.
    static func formatTwoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    // MARK: Settings (E02xx, W00xx)

    /// W0006: a setting in an imported file.
    static func ignoredSetting(_ key: Located<SettingKey>) -> Diagnostic {
        Diagnostic(
            .ignoredSetting, "'\(key.value.rawValue)' in an imported file is ignored", at: key.span,
            help: ["set '\(key.value.rawValue)' in the scene file that is compiled"])
    }

    /// E0203: a model tier that does not exist.
    static func unknownModel(_ value: Located<String>) -> Diagnostic {
        let names = ModelTier.allCases.map(\.rawValue)
        var help = ["the models are 'standard' and 'pro'"]
        var fixIts: [FixIt] = []
        if let near = Suggestion.closest(to: value.value, among: names) {
            help.insert("did you mean '\(near)'?", at: 0)
            fixIts.append(
                FixIt(
                    "replace with '\(near)'", edits: [TextEdit(value.span, near)],
                    machineApplicable: Suggestion.unambiguous(to: value.value, among: names) == near))
        }
        return Diagnostic(
            .unknownModel, "unknown model '\(value.value)'", at: value.span, help: help, fixIts: fixIts)
    }

    /// E0201: a duration Kling does not render.
    static func invalidDuration(_ value: Located<String>) -> Diagnostic {
        let text = Substring(value.value).dropLast(value.value.hasSuffix("s") ? 1 : 0)
        var help = "durations are whole seconds from 3 to 10, such as '5' or '5s'"
        if let seconds = Double(text), seconds >= 3, seconds <= 10, seconds.rounded() != seconds {
            help = "Kling renders whole seconds: use '\(Int(seconds.rounded()))s'"
        } else if let seconds = Int(text), seconds > 10 {
            help = "Kling O1 renders at most 10 seconds: split the shot in two"
        }
        return Diagnostic(
            .invalidDuration, "invalid duration '\(value.value)'", at: value.span, help: [help])
    }

    /// E0202: an aspect ratio Kling does not offer.
    static func invalidAspect(_ value: Located<String>) -> Diagnostic {
        let names = AspectRatio.allCases.map(\.rawValue)
        var help = ["Kling O1 offers 16:9, 9:16 and 1:1"]
        var fixIts: [FixIt] = []
        let normalized = String(value.value.map { $0 == "x" || $0 == "/" ? ":" : $0 })
        if names.contains(normalized), normalized != value.value {
            help.insert("did you mean '\(normalized)'?", at: 0)
            fixIts.append(
                FixIt(
                    "replace with '\(normalized)'", edits: [TextEdit(value.span, normalized)],
                    machineApplicable: true))
        }
        return Diagnostic(
            .invalidAspect, "invalid aspect ratio '\(value.value)'", at: value.span, help: help,
            fixIts: fixIts)
    }

    // MARK: Shots (E02xx)

    /// E0205: a shot without prose.
    static func emptyProse(_ shot: Located<String>) -> Diagnostic {
        Diagnostic(
            .emptyProse, "shot '\(shot.value)' has no prose", at: shot.span,
            help: ["write what happens in the shot, indented under its 'shot' line (or as 'prompt:' in YAML)"])
    }

    /// E0204: a shot that mentions more references than a request takes; `notes` show them.
    static func tooManyReferences(
        _ shot: Located<String>, count: Int, max: Int, notes: [DiagnosticNote]
    ) -> Diagnostic {
        Diagnostic(
            .tooManyReferences,
            "shot '\(shot.value)' mentions \(count) references; a request takes at most \(max)",
            at: shot.span, notes: notes,
            help: ["split the shot, or drop \(count - max) of the references"])
    }

    /// W0003: a prompt over Kling's cap.
    static func promptTooLong(_ shot: Located<String>, length: Int, max: Int) -> Diagnostic {
        Diagnostic(
            .promptTooLong,
            "the prompt of shot '\(shot.value)' is \(length) characters; Kling caps prompts at \(max)",
            at: shot.span, help: ["shorten the prose by \(length - max) characters"])
    }

    // MARK: Rendering (E05xx)

    /// E0501: a field of shot `shot`'s request that fal rejected, at the place in the scene it
    /// came from.
    static func requestRejected(shot: String, _ issue: RejectedField, at span: SourceSpan) -> Diagnostic {
        let field = issue.loc.filter { $0 != "body" }.joined(separator: ".")
        var message = "fal rejected shot '\(shot)'"
        if !field.isEmpty { message += ": \(field)" }
        message += ": \(issue.message)"
        var help = [
            "fal's error type is '\(issue.type)'; fix the scene and run again (a rejected request is not retried)"
        ]
        if issue.type == "content_policy_violation" {
            help.insert("rephrase the prose or change the reference images", at: 0)
        }
        return Diagnostic(.requestRejected, message, at: span, help: help)
    }
}
