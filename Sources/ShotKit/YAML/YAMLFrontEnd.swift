/// The YAML front end (spec section 5): libyaml's events become nodes, and nodes become the
/// same ``SceneSyntax`` the `.shot` front end produces.
public enum YAMLFrontEnd {
    /// The keys of a scene, in the order the spec lists them.
    static let sceneKeys = [
        "import", "model", "duration", "aspect", "characters", "props", "images", "styles", "shots",
    ]
    /// The keys of a character or prop.
    static let elementKeys = ["front", "refs", "note"]
    /// The keys of a shot.
    static let shotKeys = ["duration", "aspect", "prompt"]

    /// Parses `file` as a YAML scene. Syntax errors (E0020, E0001, E0011), a document too large
    /// (E0025) or an undefined alias give an empty tree; duplicate keys (E0021), values of the
    /// wrong kind (E0022), a second document (E0023), missing values (E0024) and unknown keys
    /// (W0002) are reported and the rest of the file is kept. Every scalar keeps its text: `5` is `"5"`, `16:9` is `"16:9"`.
    /// Comments (which libyaml skips) are recovered from the bytes between scalars.
    public static func parse(_ file: SourceFile, diagnostics: inout DiagnosticBag) -> SceneSyntax {
        var scene = SceneSyntax(file: file.id, surface: .yaml)
        guard let document = YAMLComposer.compose(file, diagnostics: &diagnostics) else {
            return scene
        }
        scene.comments = YAMLCommentScanner.comments(in: file, document: document)
        guard let root = document.root else { return scene }
        var builder = SceneBuilder(file: file, document: document)
        builder.build(root, diagnostics: &diagnostics)
        scene.items = builder.items
        return scene
    }

    /// The YAML document of `file`, with spans, for tools that need the YAML structure itself
    /// (a formatter); nil after a syntax error. Reports the problems of the YAML itself
    /// (E0001, E0020, E0021, E0023, E0025), none about the scene.
    public static func document(
        of file: SourceFile, diagnostics: inout DiagnosticBag
    ) -> YAMLDocument? {
        YAMLComposer.compose(file, diagnostics: &diagnostics)
    }
}

/// Maps a scene's root node to top-level items.
private struct SceneBuilder {
    let file: SourceFile
    let document: YAMLDocument
    var items: [TopLevelSyntax] = []

    init(file: SourceFile, document: YAMLDocument) {
        self.file = file
        self.document = document
    }

    mutating func build(_ root: YAMLNodeID, diagnostics: inout DiagnosticBag) {
        guard document.kind(of: root) == .mapping else {
            if !document.isNull(root) {
                diagnostics.report(
                    .rootNotMapping(found: document.kindDescription(of: root), at: document.span(of: root)))
            }
            return
        }
        let count = document.pairCount(of: root)
        // Roughly one item per entry of each section: reserved once, never regrown.
        var expected = 0
        for index in 0..<count {
            expected += 1 + document.pairCount(of: document.pair(index, of: root).value)
        }
        items.reserveCapacity(expected)
        for index in 0..<count {
            let pair = document.pair(index, of: root)
            guard let key = keyScalar(pair, diagnostics: &diagnostics) else { continue }
            switch key.value {
            case "import": imports(pair, diagnostics: &diagnostics)
            case "model": setting(.model, pair, key, diagnostics: &diagnostics)
            case "duration": setting(.duration, pair, key, diagnostics: &diagnostics)
            case "aspect": setting(.aspect, pair, key, diagnostics: &diagnostics)
            case "characters": elements(.character, pair, key, diagnostics: &diagnostics)
            case "props": elements(.prop, pair, key, diagnostics: &diagnostics)
            case "images": images(.image, pair, key, diagnostics: &diagnostics)
            case "styles": images(.style, pair, key, diagnostics: &diagnostics)
            case "shots": shots(pair, key, diagnostics: &diagnostics)
            default: unknownKey(key, among: YAMLFrontEnd.sceneKeys, in: nil, diagnostics: &diagnostics)
            }
        }
    }

    // MARK: Scene keys

    /// `import: cast.yaml` or `import: [a.yaml, b.shot]`.
    private mutating func imports(_ pair: YAMLPair, diagnostics: inout DiagnosticBag) {
        switch document.kind(of: pair.value) {
        case .scalar, .alias:
            guard let scalar = document.scalar(pair.value), !scalar.isNull else { return }
            items.append(
                .importFile(ImportSyntax(path: Self.located(scalar), span: document.span(of: pair)))
            )
        case .sequence:
            for item in document.items(of: pair.value) {
                guard let scalar = scalarValue(item, expected: "a path", in: "import", diagnostics: &diagnostics) else {
                    continue
                }
                items.append(
                    .importFile(ImportSyntax(path: Self.located(scalar), span: scalar.span)))
            }
        case .mapping:
            wrongKind(pair.value, expected: "a path or a list of paths", for: "import", diagnostics: &diagnostics)
        }
    }

    /// `model: standard`, `duration: 5`, `aspect: 16:9`.
    private mutating func setting(
        _ setting: SettingKey, _ pair: YAMLPair, _ key: YAMLScalar, diagnostics: inout DiagnosticBag
    ) {
        let span = document.span(of: pair)
        guard
            let value = scalarValue(pair.value, expected: "a value", in: key.value, at: span, diagnostics: &diagnostics)
        else { return }
        items.append(
            .setting(
                SettingSyntax(
                    key: Located(setting, at: key.span), value: Self.located(value), span: span)))
    }

    /// `characters:` or `props:`: names to mappings of `front`, `refs` and `note`.
    private mutating func elements(
        _ kind: DeclarationKind, _ section: YAMLPair, _ sectionKey: YAMLScalar, diagnostics: inout DiagnosticBag
    ) {
        guard
            let entries = sectionMapping(
                section, sectionKey, expected: "a mapping from names to \(kind.yamlSection)", diagnostics: &diagnostics)
        else { return }
        for entryIndex in 0..<document.pairCount(of: entries) {
            let entry = document.pair(entryIndex, of: entries)
            guard let name = keyScalar(entry, diagnostics: &diagnostics) else { continue }
            var fields: [FieldSyntax] = []
            switch document.kind(of: entry.value) {
            case .mapping:
                for fieldIndex in 0..<document.pairCount(of: entry.value) {
                    let field = document.pair(fieldIndex, of: entry.value)
                    guard let key = keyScalar(field, diagnostics: &diagnostics) else { continue }
                    switch key.value {
                    case "front", "note":
                        if document.isNull(field.value) { continue }
                        guard
                            let value = scalarValue(
                                field.value, expected: "a value", in: key.value, diagnostics: &diagnostics)
                        else {
                            continue
                        }
                        fields.append(
                            FieldSyntax(
                                key: Self.located(key), values: [Self.located(value)],
                                span: document.span(of: field)))
                    case "refs":
                        guard let values = refs(field.value, diagnostics: &diagnostics) else { continue }
                        fields.append(
                            FieldSyntax(
                                key: Self.located(key), values: values,
                                span: document.span(of: field)))
                    default:
                        // A misspelt required field ('fornt' with no 'front') is an error, as in
                        // .shot, reported once: the declaration counts as recovered, so it is
                        // not reported again as a missing field. Other unknown keys warn.
                        if let close = Suggestion.closest(to: key.value, among: YAMLFrontEnd.elementKeys),
                            close != "note", !hasKey(close, in: entry.value)
                        {
                            diagnostics.report(
                                .unknownField(
                                    key.value, in: kind, name.value, at: Self.located(key).span,
                                    help: ["did you mean '\(close)'?"],
                                    replacement: Suggestion.unambiguous(to: key.value, among: YAMLFrontEnd.elementKeys))
                            )
                            continue
                        }
                        unknownKey(
                            key, among: YAMLFrontEnd.elementKeys, in: "a \(kind.rawValue)", diagnostics: &diagnostics)
                    }
                }
            case .scalar where document.isNull(entry.value):
                break
            default:
                wrongKind(
                    entry.value, expected: "a mapping with 'front', 'refs' and 'note'",
                    for: name.value, diagnostics: &diagnostics)
            }
            var item = DeclarationSyntax(
                kind: kind, keywordSpan: sectionKey.span, name: Self.located(name),
                fields: fields, span: document.span(of: entry))
            item.markRecovered(from: diagnostics)
            items.append(.declaration(item))
        }
    }

    /// The values of `refs`: a list of scalars, or one scalar; nil (reported) for a mapping.
    private mutating func refs(_ node: YAMLNodeID, diagnostics: inout DiagnosticBag) -> [Located<String>]? {
        switch document.kind(of: node) {
        case .scalar, .alias:
            guard let scalar = document.scalar(node), !scalar.isNull else { return [] }
            return [Self.located(scalar)]
        case .sequence:
            var values: [Located<String>] = []
            for item in document.items(of: node) {
                if let scalar = scalarValue(item, expected: "an image", in: "refs", diagnostics: &diagnostics) {
                    values.append(Self.located(scalar))
                }
            }
            return values
        case .mapping:
            wrongKind(node, expected: "a list of images", for: "refs", diagnostics: &diagnostics)
            return nil
        }
    }

    /// `images:` or `styles:`: names to image values.
    private mutating func images(
        _ kind: DeclarationKind, _ section: YAMLPair, _ sectionKey: YAMLScalar, diagnostics: inout DiagnosticBag
    ) {
        guard
            let entries = sectionMapping(
                section, sectionKey, expected: "a mapping from names to images", diagnostics: &diagnostics)
        else {
            return
        }
        for entryIndex in 0..<document.pairCount(of: entries) {
            let entry = document.pair(entryIndex, of: entries)
            guard let name = keyScalar(entry, diagnostics: &diagnostics) else { continue }
            let span = document.span(of: entry)
            let image = scalarValue(
                entry.value, expected: "an image", in: name.value, at: span, diagnostics: &diagnostics)
            var item = DeclarationSyntax(
                kind: kind, keywordSpan: sectionKey.span, name: Self.located(name),
                image: image.map(Self.located), span: span)
            item.markRecovered(from: diagnostics)
            items.append(.declaration(item))
        }
    }

    /// `shots:`: names to mappings of `duration`, `aspect` and `prompt`, or to a prompt.
    private mutating func shots(_ section: YAMLPair, _ sectionKey: YAMLScalar, diagnostics: inout DiagnosticBag) {
        guard
            let entries = sectionMapping(
                section, sectionKey, expected: "a mapping from names to shots", diagnostics: &diagnostics)
        else {
            return
        }
        var lastShot: Int? = nil
        for entryIndex in 0..<document.pairCount(of: entries) {
            let entry = document.pair(entryIndex, of: entries)
            guard let name = keyScalar(entry, diagnostics: &diagnostics) else { continue }
            if YAMLFrontEnd.shotKeys.contains(name.value) {
                fieldNamedShot(name, entry: entry, previous: lastShot, diagnostics: &diagnostics)
                continue
            }
            var duration: Located<String>? = nil
            var aspect: Located<String>? = nil
            // Without a prompt, the prose is empty at the end of the name (or of `prompt`).
            var prose = ProseSyntax(text: "", pieces: [], span: emptySpan(at: name.span.end))
            switch document.kind(of: entry.value) {
            case .scalar, .alias:
                // An extension: `name: text` is a shot with that prompt.
                if let scalar = document.scalar(entry.value), !scalar.isNull {
                    prose = ProseAligner.prose(of: scalar, in: file)
                }
            case .mapping:
                for fieldIndex in 0..<document.pairCount(of: entry.value) {
                    let field = document.pair(fieldIndex, of: entry.value)
                    // The key is matched on the bytes of its value: no String is made for it, and
                    // a whole YAMLScalar only for an unknown key.
                    guard let key = keyValue(field, diagnostics: &diagnostics) else { continue }
                    if document.value(key, is: "duration") {
                        duration = scalarValue(
                            field.value, expected: "a duration", in: "duration",
                            at: document.span(of: field), diagnostics: &diagnostics
                        ).map(Self.located)
                    } else if document.value(key, is: "aspect") {
                        aspect = scalarValue(
                            field.value, expected: "an aspect ratio", in: "aspect",
                            at: document.span(of: field), diagnostics: &diagnostics
                        ).map(Self.located)
                    } else if document.value(key, is: "prompt") {
                        if document.isNull(field.value) {
                            prose = ProseSyntax(
                                text: "", pieces: [], span: emptySpan(at: document.span(of: field.key).end))
                        } else if let text = ProseAligner.prose(of: field.value, in: document, file: file) {
                            prose = text
                        } else {
                            wrongKind(field.value, expected: "text", for: "prompt", diagnostics: &diagnostics)
                            prose.span = document.span(of: field.value)
                        }
                    } else {
                        guard let key = document.scalar(field.key) else { continue }
                        // A misspelt 'prompt' ('promt') with no prompt given is an error, reported
                        // once: its text is taken as the prompt, so the shot is not reported again
                        // as one without prose.
                        if Suggestion.closest(to: key.value, among: ["prompt"]) != nil,
                            !hasKey("prompt", in: entry.value),
                            let scalar = document.scalar(field.value), !scalar.isNull
                        {
                            diagnostics.report(
                                .unknownShotField(
                                    key.value, shot: name.value, at: key.span, help: ["did you mean 'prompt'?"],
                                    replacement: "prompt"))
                            prose = ProseAligner.prose(of: scalar, in: file)
                            continue
                        }
                        unknownKey(key, among: YAMLFrontEnd.shotKeys, in: "a shot", diagnostics: &diagnostics)
                    }
                }
            case .sequence:
                wrongKind(
                    entry.value, expected: "a mapping with 'duration', 'aspect' and 'prompt'",
                    for: name.value, diagnostics: &diagnostics)
                continue
            }
            lastShot = items.count
            items.append(
                .shot(
                    ShotSyntax(
                        name: Self.located(name), duration: duration, aspect: aspect, prose: prose,
                        span: document.span(of: entry))))
        }
    }

    /// E0028 for a shot named `prompt`, `duration` or `aspect`: the field is given to the shot
    /// before it (at `previous` in `items`) when that shot lacks it, so the slip is reported
    /// once and not again as a shot without prose.
    private mutating func fieldNamedShot(
        _ name: YAMLScalar, entry: YAMLPair, previous: Int?, diagnostics: inout DiagnosticBag
    ) {
        var previousShot: ShotSyntax? = nil
        if let previous, case .shot(let shot) = items[previous] { previousShot = shot }
        diagnostics.report(.shotNamedLikeField(Self.located(name), previous: previousShot?.name.value))
        guard let previous, var shot = previousShot, let scalar = document.scalar(entry.value), !scalar.isNull
        else { return }
        switch name.value {
        case "prompt" where shot.prose.text.isEmpty: shot.prose = ProseAligner.prose(of: scalar, in: file)
        case "duration" where shot.duration == nil: shot.duration = Self.located(scalar)
        case "aspect" where shot.aspect == nil: shot.aspect = Self.located(scalar)
        default: return
        }
        items[previous] = .shot(shot)
    }

    // MARK: Helpers

    /// The mapping of a section; nil (and nothing reported) for an empty section.
    private mutating func sectionMapping(
        _ section: YAMLPair, _ key: YAMLScalar, expected: String, diagnostics: inout DiagnosticBag
    )
        -> YAMLNodeID?
    {
        switch document.kind(of: section.value) {
        case .mapping: return section.value
        case .scalar where document.isNull(section.value): return nil
        default:
            wrongKind(section.value, expected: expected, for: key.value, diagnostics: &diagnostics)
            return nil
        }
    }

    /// Whether the mapping `node` has the scalar key `key`. Asked only when an unknown key is
    /// met, so that a mapping's keys are not gathered into a set for every shot.
    private func hasKey(_ key: String, in node: YAMLNodeID) -> Bool {
        (0..<document.pairCount(of: node)).contains {
            document.scalar(document.pair($0, of: node).key)?.value == key
        }
    }

    /// The key of `pair` when it is a scalar; a list or mapping as a key is reported.
    private mutating func keyScalar(_ pair: YAMLPair, diagnostics: inout DiagnosticBag) -> YAMLScalar? {
        if let scalar = document.scalar(pair.key) { return scalar }
        diagnostics.report(
            .keyNotScalar(found: document.kindDescription(of: pair.key), at: document.writtenSpan(of: pair.key)))
        return nil
    }

    /// The index of the value of the key of `pair` when it is a scalar (where
    /// ``keyScalar(_:diagnostics:)`` gives a scalar); a list or mapping as a key is reported.
    private mutating func keyValue(_ pair: YAMLPair, diagnostics: inout DiagnosticBag) -> Int32? {
        if let value = document.valueIndex(of: pair.key) { return value }
        diagnostics.report(
            .keyNotScalar(found: document.kindDescription(of: pair.key), at: document.writtenSpan(of: pair.key)))
        return nil
    }

    /// A scalar where one belongs: reports a list or a mapping (E0022), and a missing value
    /// (E0024) at `missingAt` when one is given; otherwise nil for a null.
    private mutating func scalarValue(
        _ node: YAMLNodeID, expected: String, in key: String, at missingAt: SourceSpan? = nil,
        diagnostics: inout DiagnosticBag
    ) -> YAMLScalar? {
        guard let scalar = document.scalar(node) else {
            wrongKind(node, expected: expected, for: key, diagnostics: &diagnostics)
            return nil
        }
        guard scalar.isNull else { return scalar }
        diagnostics.report(.missingYAMLValue(expected: expected, for: key, at: missingAt ?? scalar.span))
        return nil
    }

    private mutating func wrongKind(
        _ node: YAMLNodeID, expected: String, for key: String, diagnostics: inout DiagnosticBag
    ) {
        diagnostics.report(
            .wrongNodeKind(
                expected: expected, for: key, found: document.kindDescription(of: node),
                at: document.writtenSpan(of: node)))
    }

    /// W0002 with a did-you-mean among `known`.
    private mutating func unknownKey(
        _ key: YAMLScalar, among known: [String], in place: String?, diagnostics: inout DiagnosticBag
    ) {
        diagnostics.report(.unknownKey(Self.located(key), among: known, in: place))
    }

    /// A static function, so that `.map(Self.located)` does not capture (copy) the builder.
    private static func located(_ scalar: YAMLScalar) -> Located<String> {
        Located(scalar.value, at: scalar.span)
    }

    private func emptySpan(at offset: Int) -> SourceSpan {
        SourceSpan(file: file.id, start: offset, end: offset)
    }
}
