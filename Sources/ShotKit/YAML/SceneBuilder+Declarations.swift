/// The scene keys of a YAML scene other than `shots`: `import`, the settings, and the
/// declaration sections (`characters`, `props`, `images`, `styles`).
extension SceneBuilder {
    /// `import: cast.yaml` or `import: [a.yaml, b.shot]`.
    mutating func imports(_ pair: YAMLPair, diagnostics: inout DiagnosticBag) {
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
    mutating func setting(
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
    mutating func elements(
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
    mutating func images(
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
}
