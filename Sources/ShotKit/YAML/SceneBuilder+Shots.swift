/// The `shots` section of a YAML scene.
extension SceneBuilder {
    /// `shots:`: names to mappings of `duration`, `aspect` and `prompt`, or to a prompt.
    mutating func shots(_ section: YAMLPair, _ sectionKey: YAMLScalar, diagnostics: inout DiagnosticBag) {
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

    private func emptySpan(at offset: Int) -> SourceSpan {
        SourceSpan(file: file.id, start: offset, end: offset)
    }
}
