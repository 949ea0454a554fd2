/// Shots: settings that apply, mentions numbered by first mention (spec section 2), prompts.
extension Analyzer {
    /// The compiled `shot`, recording it and its mentions in the model; nil when it has errors.
    mutating func resolve(
        _ shot: ShotSyntax, settings: SceneSettings, diagnostics: inout DiagnosticBag
    ) -> CompiledShot? {
        var failed = false
        var duration: Int? = settings.duration
        var durationSpan = settings.durationSpan
        if let value = shot.duration {
            duration = Self.value(SceneSettings.duration(value), diagnostics: &diagnostics)
            durationSpan = value.span
            if duration == nil { failed = true }
        }
        var aspect: AspectRatio? = settings.aspect
        var aspectSpan = settings.aspectSpan
        if let value = shot.aspect {
            aspect = Self.value(SceneSettings.aspect(value), diagnostics: &diagnostics)
            aspectSpan = value.span
            if aspect == nil { failed = true }
        }
        let prose = shot.prose
        let shotIndex = model.shots.count
        let firstMention = model.mentions.count
        model.shots.append(
            SemanticModel.Shot(
                name: shot.name.value, nameSpan: shot.name.span, span: shot.span, prose: prose,
                duration: duration, durationSpan: durationSpan, aspect: aspect,
                aspectSpan: aspectSpan, mentions: firstMention..<firstMention))
        defer { model.shots[shotIndex].mentions = firstMention..<model.mentions.count }
        if Self.isBlank(prose.text) {
            diagnostics.report(.emptyProse(shot.name))
            return nil
        }
        // The scan's buffers are kept from shot to shot; swapped out while in use.
        var ranges: [Range<Int>] = []
        var escapes: [Int] = []
        swap(&ranges, &scratchMentions)
        swap(&escapes, &scratchEscapes)
        ranges.removeAll(keepingCapacity: true)
        escapes.removeAll(keepingCapacity: true)
        defer {
            swap(&ranges, &scratchMentions)
            swap(&escapes, &scratchEscapes)
        }
        var text = prose.text
        return text.withUTF8 { bytes -> CompiledShot? in
            MentionScanner.scan(bytes, mentions: &ranges, escapedAts: &escapes)
            var elements: [Int] = []
            var images: [Int] = []
            elements.reserveCapacity(ranges.count)
            images.reserveCapacity(ranges.count)
            // Every mention with its reference and token; a reference's first entry is its first
            // mention. Shots mention few references, so a linear search beats a dictionary.
            var mentions: [Mention] = []
            mentions.reserveCapacity(ranges.count)
            for range in ranges {
                let span = prose.sourceSpan(ofTextRange: range)
                let written = UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<range.upperBound])
                // A declared ASCII name is found by its bytes, and its declaration's String is
                // the name as written; anything else (an error, a non-ASCII name) by String.
                let name: String
                let found: Int?
                if let index = names.lookup(written) {
                    name = references[index].name
                    found = index
                } else {
                    name = String(decoding: written, as: UTF8.self)
                    found = referenceIndex[name]
                }
                guard let index = found else {
                    if Self.isPositionalToken(name) {
                        diagnostics.report(
                            .positionalToken(name, at: span, example: references.first?.name ?? "mara"))
                    } else {
                        reportUnknown(name, at: span, diagnostics: &diagnostics)
                    }
                    failed = true
                    model.mentions.append(
                        SemanticModel.Mention(name: name, span: span, declaration: nil, token: nil, shot: shotIndex))
                    continue
                }
                let token: String
                if let known = mentions.first(where: { $0.reference == index }) {
                    token = known.token
                } else if references[index].kind.isElement {
                    elements.append(index)
                    token = Self.token(element: true, elements.count)
                } else {
                    images.append(index)
                    token = Self.token(element: false, images.count)
                }
                mentions.append(Mention(name: name, reference: index, token: token, span: span))
                model.mentions.append(
                    SemanticModel.Mention(name: name, span: span, declaration: index, token: token, shot: shotIndex))
            }
            let total = elements.count + images.count
            if total > Self.maxReferences {
                let notes = Self.groupByLine(
                    (elements + images).compactMap { index in
                        mentions.first { $0.reference == index }.map { ($0.span, "'@\($0.name)' → \($0.token)") }
                    }, in: sources)
                diagnostics.report(
                    .tooManyReferences(shot.name, count: total, max: Self.maxReferences, notes: notes))
                failed = true
            }
            guard !failed, let duration, let aspect else { return nil }
            // No mention was skipped (that fails the shot), so they pair with the scan's in order.
            let prompt = MentionScanner.substitute(bytes, mentions: ranges[...], escapedAts: escapes[...]) {
                mentions[$0].token
            }
            // Counting characters (grapheme clusters) is slow; few prompts come near the cap.
            let length = prompt.utf8.count <= Self.maxPromptLength ? 0 : prompt.count
            if length > Self.maxPromptLength {
                diagnostics.report(.promptTooLong(shot.name, length: length, max: Self.maxPromptLength))
            }
            return CompiledShot(
                name: shot.name.value, nameSpan: shot.name.span, duration: duration, aspect: aspect,
                prompt: prompt, elements: elements, images: images, mentions: mentions,
                durationSpan: durationSpan, aspectSpan: aspectSpan, proseSpan: prose.span)
        }
    }

    /// Whether `text` is empty or only whitespace. A visible ASCII byte settles it at once;
    /// only text without one is looked at by characters.
    static func isBlank(_ text: String) -> Bool {
        if text.utf8.contains(where: { $0 > 0x20 && $0 < 0x7F }) { return false }
        return text.allSatisfy(\.isWhitespace)
    }

    private static let elementTokens = (1...16).map { "@Element\($0)" }
    private static let imageTokens = (1...16).map { "@Image\($0)" }

    /// `@ElementN` or `@ImageN`, from a table for the usual numbers.
    static func token(element: Bool, _ number: Int) -> String {
        let table = element ? elementTokens : imageTokens
        if number >= 1, number <= table.count { return table[number - 1] }
        return element ? "@Element\(number)" : "@Image\(number)"
    }

    /// The value of a checked setting, reporting its problem.
    private static func value<Value>(
        _ result: Result<Value, SceneSettings.Problem>, diagnostics: inout DiagnosticBag
    ) -> Value? {
        switch result {
        case .success(let value): return value
        case .failure(let problem):
            diagnostics.report(problem.diagnostic)
            return nil
        }
    }

    /// One note per source line, listing what is on it, with a span from its first to its
    /// last place on that line.
    static func groupByLine(
        _ items: [(SourceSpan, String)], in sources: SourceMap
    )
        -> [DiagnosticNote]
    {
        var notes: [DiagnosticNote] = []
        var lineKey: (FileID, Int)? = nil
        var span: SourceSpan? = nil
        var texts: [String] = []
        func flush() {
            if let span { notes.append(DiagnosticNote(texts.joined(separator: ", "), at: span)) }
        }
        for (itemSpan, text) in items.sorted(by: { $0.0 < $1.0 }) {
            let key = (itemSpan.file, sources[itemSpan.file].lineIndex(of: itemSpan.start))
            if let current = lineKey, current == key, let open = span {
                span = open.union(itemSpan)
                texts.append(text)
            } else {
                flush()
                lineKey = key
                span = itemSpan
                texts = [text]
            }
        }
        flush()
        return notes
    }

    private func surfaceOf(_ file: FileID) -> SurfaceSyntax {
        loaded.trees[file]?.surface ?? .shot
    }

    private mutating func reportUnknown(
        _ name: String, at span: SourceSpan, diagnostics: inout DiagnosticBag
    ) {
        // An import that could not be read was reported once: the names it would have
        // declared are counted on its error, not reported each again.
        if !loaded.failedImports.isEmpty {
            unresolvedByImport.append(name)
            return
        }
        var near: (name: String, kind: DeclarationKind, declaredAt: String)? = nil
        if let closest = Suggestion.closest(to: name, among: references.map(\.name)),
            let index = referenceIndex[closest]
        {
            let reference = references[index]
            presumedMentions.insert(index)
            near = (closest, reference.kind, sources.describe(reference.nameSpan))
        }
        let certain = near != nil && Suggestion.unambiguous(to: name, among: references.map(\.name)) == near?.name
        diagnostics.report(
            .unknownReference(name, at: span, near: near, surface: surfaceOf(span.file), certain: certain))
    }
}
