/// Turns the syntax trees of a scene into a ``CompiledScene``: names to references, settings
/// to values, prose to prompts (spec section 2), and every check of spec section 3.
///
/// Written once for both front ends: it reads only ``SceneSyntax``.
public struct Analyzer {
    /// The largest local front image fal accepts.
    public static let maxImageBytes = 10 * 1024 * 1024
    /// The smallest side fal accepts, in pixels.
    public static let minImageSide = 300
    /// The aspect ratios (width / height) fal accepts.
    public static let imageAspectRange = 0.40...2.50
    /// The most references one request takes.
    public static let maxReferences = 7
    /// Kling's cap on prompt length, in characters.
    public static let maxPromptLength = 2500
    /// The durations Kling renders, in seconds.
    public static let durations = 3...10
    /// The most of an image file read to find its pixel size (16 MB): the 10 MB limit plus a
    /// margin. Only JPEGs whose frame header follows large metadata need more than the first
    /// 64 KB; a larger file is still reported by the size the file system gives.
    public static let maxImageReadBytes = 16 * 1024 * 1024
    /// The longest shot name, in bytes of UTF-8 (200). A shot's files are `NAME.mp4`,
    /// `NAME.run.json`, `NAME.json` and their temporaries such as `NAME.run.json.tmp-PID`
    /// (24 bytes after the name with a 10-digit PID); most file systems cap a file name at 255
    /// bytes, and 200 leaves 31 bytes of margin for longer suffixes.
    public static let maxShotNameBytes = 200

    private let sources: SourceMap
    private let loaded: SceneLoader.Result
    private let fileSystem: any FileSystem
    private var diagnostics: DiagnosticBag
    /// What the analysis found, errors or not: declarations, mentions, shots and imports.
    public private(set) var model: SemanticModel

    private var references: [Reference] = []
    private var referenceFiles: [FileID] = []
    private var referenceIndex: [String: Int] = [:]
    private var shotSyntax: [ShotSyntax] = []
    private var shotNames: [String: SourceSpan] = [:]
    private var visited: Set<FileID> = []
    private var probes: [String: Result<ImageInfo, ImageProblem>] = [:]
    /// References a misspelt mention most likely meant: not reported as unused.
    private var presumedMentions: Set<Int> = []
    /// Where the front ends reported errors: checks there would only repeat them.
    private var syntaxErrorSpans: [SourceSpan] = []

    private enum ImageProblem: Error {
        case notFound, unreadable(FileReadError), notAnImage
    }

    /// An analyzer of the scene `loaded`, whose files are in `sources`.
    public init(sources: SourceMap, loaded: SceneLoader.Result, fileSystem: any FileSystem) {
        self.sources = sources
        self.loaded = loaded
        self.fileSystem = fileSystem
        self.diagnostics = DiagnosticBag()
        self.model = SemanticModel(root: loaded.root)
    }

    /// Checks the scene; the compiled scene is nil when an error was reported.
    public mutating func analyze(diagnostics bag: inout DiagnosticBag) -> CompiledScene? {
        syntaxErrorSpans = bag.diagnostics.filter { $0.severity == .error }.compactMap(\.span)
        model.imports = SemanticModel.imports(of: loaded)
        guard let root = loaded.root, let rootTree = loaded.trees[root] else {
            bag.append(contentsOf: diagnostics)
            return nil
        }
        collect(rootTree)
        let settings = checkSettings(rootTree)
        var shots: [CompiledShot] = []
        var mentioned = Set<Int>()
        for shot in shotSyntax {
            let first = model.mentions.count
            if let compiled = resolve(shot, settings: settings) { shots.append(compiled) }
            // A shot with errors still counts its mentions, so nothing is reported unused
            // because of an unrelated error.
            for mention in model.mentions[first...] {
                if let index = mention.declaration { mentioned.insert(index) }
            }
        }
        for (index, reference) in references.enumerated()
        where !mentioned.contains(index) && !presumedMentions.contains(index)
            && referenceFiles[index] == root
        {
            diagnostics.report(
                .unusedDeclaration,
                "\(reference.kind.rawValue) '\(reference.name)' is never mentioned",
                at: reference.nameSpan,
                help: ["mention it in a shot as '@\(reference.name)', or remove it"])
        }
        bag.append(contentsOf: diagnostics)
        guard !diagnostics.hasErrors else { return nil }
        return CompiledScene(model: settings.model, references: references, shots: shots)
    }

    // MARK: - Declarations

    /// Walks a file's items in order, an import's items where the import stands.
    private mutating func collect(_ tree: SceneSyntax) {
        guard visited.insert(tree.file).inserted else { return }
        let isRoot = tree.file == loaded.root
        let yaml = tree.surface == .yaml
        for item in tree.items {
            switch item {
            case .importFile(let item):
                if let target = loaded.importTargets[item.path.span],
                    let imported = loaded.trees[target]
                {
                    collect(imported)
                }
            case .setting(let setting):
                if !isRoot {
                    diagnostics.report(
                        .ignoredSetting,
                        "'\(setting.key.value.rawValue)' in an imported file is ignored",
                        at: setting.key.span,
                        help: ["set '\(setting.key.value.rawValue)' in the scene file that is compiled"])
                }
            case .declaration(let declaration):
                declare(declaration, in: tree.file, checkNameRule: yaml)
            case .shot(let shot):
                if yaml { checkNameRule(shot.name, what: "shot") }
                checkShotNameLength(shot.name)
                if let first = shotNames[shot.name.value] {
                    diagnostics.report(
                        .duplicateName, "duplicate shot name '\(shot.name.value)'",
                        at: shot.name.span,
                        notes: [DiagnosticNote("'\(shot.name.value)' is first used here", at: first)],
                        help: ["every shot needs its own name: its video is saved as NAME.mp4"])
                } else {
                    shotNames[shot.name.value] = shot.name.span
                }
                shotSyntax.append(shot)
            }
        }
    }

    /// Whether a front end reported an error inside `span`.
    private func hasSyntaxError(in span: SourceSpan) -> Bool {
        syntaxErrorSpans.contains { $0.file == span.file && $0.start >= span.start && $0.start < max(span.end, span.start + 1) }
    }

    private static let tokenPrefixes = [Array("element".utf8), Array("image".utf8)]

    /// Whether `name` is `element` or `image` in any case followed by digits (no allocation:
    /// it runs for every mention).
    private static func isPositionalToken(_ name: String) -> Bool {
        let utf8 = name.utf8
        for prefix in tokenPrefixes where utf8.count > prefix.count {
            var index = utf8.startIndex
            var matches = true
            for expected in prefix {
                // ORing 0x20 lowercases an ASCII letter; the prefixes are letters only.
                if utf8[index] | 0x20 != expected {
                    matches = false
                    break
                }
                index = utf8.index(after: index)
            }
            if matches, utf8[index...].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return true }
        }
        return false
    }

    private mutating func checkNameRule(_ name: Located<String>, what: String) {
        guard !NameRule.isValid(name.value) else { return }
        diagnostics.report(
            .invalidName, "invalid \(what) name '\(name.value)'", at: name.span,
            help: ["names start with a letter and go on with letters, digits, '_' or '-', not ending in '-'"])
    }

    /// E0010 for a shot name too long to be a file name with its suffixes.
    private mutating func checkShotNameLength(_ name: Located<String>) {
        let length = name.value.utf8.count
        guard length > Self.maxShotNameBytes else { return }
        let shown = String(name.value.unicodeScalars.prefix(24).map(Character.init)) + "…"
        diagnostics.report(
            .invalidName,
            "shot name '\(shown)' is \(length) bytes long; shot names are at most \(Self.maxShotNameBytes) bytes",
            at: name.span,
            help: ["a shot's video is saved as NAME.mp4 and its record as NAME.run.json, and a file name has at most 255 bytes; choose a shorter name"])
    }

    private mutating func declare(
        _ declaration: DeclarationSyntax, in file: FileID, checkNameRule yaml: Bool
    ) {
        let name = declaration.name
        if yaml { checkNameRule(name, what: declaration.kind.rawValue) }
        if Self.isPositionalToken(name.value) {
            diagnostics.report(
                .reservedName, "'\(name.value)' is reserved: it looks like a positional token",
                at: name.span,
                help: ["choose another name; shotc writes '@\(name.value)'-style tokens itself"])
        }
        if let first = referenceIndex[name.value] {
            let other = references[first]
            diagnostics.report(
                .duplicateName, "duplicate name '\(name.value)'", at: name.span,
                notes: [DiagnosticNote(
                    "'\(name.value)' is first declared here, as a \(other.kind.rawValue)",
                    at: other.nameSpan)],
                help: ["names are unique across characters, props, images and styles; rename one"])
            return
        }
        var reference = Reference(
            name: name.value, kind: declaration.kind, nameSpan: name.span, primary: nil,
            referenceImages: [], note: nil)
        var pictures: [SemanticModel.Picture] = []
        var note: Located<String>? = nil
        // A block the front end already reported errors in would only repeat them here.
        let broken = hasSyntaxError(in: declaration.span)
        if declaration.kind.isElement {
            let front = declaration.field("front")
            let refs = declaration.field("refs")
            note = declaration.field("note")?.values.first
            reference.note = note?.value
            if let value = front?.values.first {
                reference.primary = checkImage(value, in: file, front: true)
                pictures.append(.init(role: .front, written: value, image: reference.primary))
            } else if !broken {
                diagnostics.report(
                    .missingFront, "\(declaration.kind.rawValue) '\(name.value)' has no front image",
                    at: name.span,
                    help: [declaration.kind == .character
                        ? "add a frontal view: 'front \(name.value)-front.png'"
                        : "add a frontal view: 'front \(name.value).png'"])
            }
            let refValues = refs?.values ?? []
            if !broken, refValues.isEmpty || refValues.count > 3 {
                let span = refs?.key.span ?? name.span
                let help =
                    refValues.isEmpty
                    ? "add one to three other angles: 'refs \(name.value)-side.png, \(name.value)-back.png'"
                    : "drop \(refValues.count - 3) of them: fal takes at most 3"
                diagnostics.report(
                    .refsCount,
                    "\(declaration.kind.rawValue) '\(name.value)' has \(refValues.count) reference images; fal takes 1 to 3",
                    at: span, help: [help])
            }
            for value in refValues {
                let image = checkImage(value, in: file, front: false)
                pictures.append(.init(role: .reference, written: value, image: image))
                if let image { reference.referenceImages.append(image) }
            }
        } else if let value = declaration.image {
            reference.primary = checkImage(value, in: file, front: false)
            pictures.append(.init(role: .image, written: value, image: reference.primary))
        }
        referenceIndex[name.value] = references.count
        references.append(reference)
        referenceFiles.append(file)
        model.declarations.append(
            SemanticModel.Declaration(
                kind: declaration.kind, name: name.value, nameSpan: name.span,
                span: declaration.span, file: file, pictures: pictures, note: note))
    }

    // MARK: - Images

    private mutating func checkImage(_ value: Located<String>, in file: FileID, front: Bool)
        -> ImageValue?
    {
        let text = value.value
        if hasSyntaxError(in: value.span) { return nil }
        let lowered = text.lowercased()
        if lowered.hasPrefix("https://") || lowered.hasPrefix("http://") {
            guard text.count > (lowered.hasPrefix("https") ? 8 : 7) else {
                reportInvalidImage(value, reason: "the URL has no host")
                return nil
            }
            return ImageValue(source: .url(text), span: value.span)
        }
        if lowered.hasPrefix("data:") {
            guard text.contains(",") else {
                reportInvalidImage(value, reason: "a data URI needs a ',' before its data")
                return nil
            }
            return ImageValue(source: .dataURI(text), span: value.span)
        }
        if text.isEmpty {
            reportInvalidImage(value, reason: "it is empty")
            return nil
        }
        if let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") {
            let scheme = text[..<colon]
            reportInvalidImage(value, reason: "'\(scheme)' URLs are not supported")
            return nil
        }
        let path = Path.join(Path.directory(of: sources[file].path), text)
        switch probe(path) {
        case .failure(.notFound):
            diagnostics.report(
                .imageNotFound, "image file '\(text)' not found", at: value.span,
                notes: path == Path.normalize(text) ? [] : [DiagnosticNote("looked for '\(path)'")],
                help: ["paths are relative to the folder of the file that declares them"])
            return nil
        case .failure(.unreadable(let error)):
            var help: [String] = []
            if case .notRegularFile = error { help = ["images are read only from regular files"] }
            diagnostics.report(
                .imageUnreadable, "cannot read image file '\(text)': \(error)", at: value.span,
                help: help)
            return nil
        case .failure(.notAnImage):
            diagnostics.report(
                .notAnImage, "'\(text)' is not an image: its bytes are not PNG, JPEG, WebP or GIF",
                at: value.span, help: ["Kling accepts JPEG and PNG files"])
            return nil
        case .success(let info):
            checkLimits(info, of: value, front: front)
            guard info.width != nil, info.height != nil else {
                var reason = ImageProbe.sizeProblem(of: info.format)
                if info.byteCount > Self.maxImageReadBytes {
                    reason += " within its first \(FileReadError.describe(bytes: Self.maxImageReadBytes))"
                }
                diagnostics.report(
                    .imageSizeUnknown, "cannot read the size of '\(text)': \(reason)",
                    at: value.span,
                    help: ["the file may be cut short or damaged; open it in an image editor and save it again as PNG or JPEG"])
                return nil
            }
            return ImageValue(source: .localFile(path: path, written: text), span: value.span, info: info)
        }
    }

    private mutating func reportInvalidImage(_ value: Located<String>, reason: String) {
        diagnostics.report(
            .invalidImageValue, "invalid image '\(value.value)': \(reason)", at: value.span,
            help: ["an image is an https:// URL, a data: URI or a path to a local file"])
    }

    private mutating func probe(_ path: String) -> Result<ImageInfo, ImageProblem> {
        if let known = probes[path] { return known }
        let outcome: Result<ImageInfo, ImageProblem>
        do {
            let size = try fileSystem.size(path)
            var bytes = try fileSystem.readPrefix(path, count: ImageProbe.prefixLength)
            var info = ImageProbe.probe(bytes, byteCount: size)
            if let partial = info, partial.width == nil, size > bytes.count {
                bytes = try fileSystem.readPrefix(path, count: Self.maxImageReadBytes)
                info = ImageProbe.probe(bytes, byteCount: size)
            }
            outcome = info.map { .success($0) } ?? .failure(.notAnImage)
        } catch {
            outcome = .failure(error == .notFound ? .notFound : .unreadable(error))
        }
        probes[path] = outcome
        return outcome
    }

    private mutating func checkLimits(_ info: ImageInfo, of value: Located<String>, front: Bool) {
        let text = value.value
        if !info.format.isAcceptedByKling {
            diagnostics.report(
                .imageFormat, "'\(text)' is a \(info.format.rawValue.uppercased()) image; Kling accepts JPEG and PNG",
                at: value.span, help: ["convert it to PNG or JPEG"])
        }
        var problems: [(DiagnosticCode, String, String)] = []
        if info.byteCount > Self.maxImageBytes {
            let megabytes = Double(info.byteCount) / 1_048_576
            problems.append((
                .frontTooLarge,
                "'\(text)' is \(Self.formatOneDecimal(megabytes)) MB; fal accepts at most 10 MB",
                "re-encode it smaller, e.g. as a JPEG at quality 90"))
        }
        if let width = info.width, let height = info.height {
            if width < Self.minImageSide || height < Self.minImageSide {
                problems.append((
                    .frontTooSmall,
                    "'\(text)' is \(width)×\(height) pixels; fal needs at least 300×300",
                    "use a larger image"))
            }
            if height > 0 {
                let ratio = Double(width) / Double(height)
                if !Self.imageAspectRange.contains(ratio) {
                    problems.append((
                        .frontAspect,
                        "'\(text)' is \(width)×\(height) pixels (aspect ratio \(Self.formatTwoDecimals(ratio))); fal accepts 0.40 to 2.50",
                        "crop it closer to square"))
                }
            }
        }
        for (code, message, help) in problems {
            if front {
                diagnostics.report(code, message, at: value.span, help: [help])
            } else {
                diagnostics.report(
                    .imageLimits, message, at: value.span,
                    help: [help, "fal documents this limit for front images; it probably applies to all"])
            }
        }
    }

    static func formatOneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func formatTwoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    // MARK: - Settings

    private struct Settings {
        var model = ModelTier.standard
        var duration = 5
        var durationSpan: SourceSpan?
        var aspect = AspectRatio.landscape
        var aspectSpan: SourceSpan?
    }

    private mutating func checkSettings(_ root: SceneSyntax) -> Settings {
        var settings = Settings()
        // The front ends report a setting given twice (E0009, E0021) and keep the first.
        for setting in root.settings {
            let key = setting.key.value
            switch key {
            case .model:
                if let model = ModelTier(rawValue: setting.value.value) {
                    settings.model = model
                } else {
                    let names = ModelTier.allCases.map(\.rawValue)
                    var help = ["the models are 'standard' and 'pro'"]
                    var fixIts: [FixIt] = []
                    if let near = Suggestion.closest(to: setting.value.value, among: names) {
                        help.insert("did you mean '\(near)'?", at: 0)
                        fixIts.append(FixIt("replace with '\(near)'", edits: [TextEdit(setting.value.span, near)]))
                    }
                    diagnostics.report(
                        .unknownModel, "unknown model '\(setting.value.value)'",
                        at: setting.value.span, help: help, fixIts: fixIts)
                }
            case .duration:
                if let seconds = checkDuration(setting.value) {
                    settings.duration = seconds
                    settings.durationSpan = setting.value.span
                }
            case .aspect:
                if let aspect = checkAspect(setting.value) {
                    settings.aspect = aspect
                    settings.aspectSpan = setting.value.span
                }
            }
        }
        return settings
    }

    private mutating func checkDuration(_ value: Located<String>) -> Int? {
        // `5` or `5s`, read from the bytes: it runs for every shot.
        var digits = value.value.utf8[...]
        if digits.last == UInt8(ascii: "s") { digits = digits.dropLast() }
        if !digits.isEmpty, digits.count <= 2, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            let seconds = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            if Self.durations.contains(seconds) { return seconds }
        }
        let text = Substring(value.value).dropLast(value.value.hasSuffix("s") ? 1 : 0)
        var help = "durations are whole seconds from 3 to 10, such as '5' or '5s'"
        if let seconds = Double(text), seconds >= 3, seconds <= 10, seconds.rounded() != seconds {
            help = "Kling renders whole seconds: use '\(Int(seconds.rounded()))s'"
        } else if let seconds = Int(text), seconds > 10 {
            help = "Kling O1 renders at most 10 seconds: split the shot in two"
        }
        diagnostics.report(
            .invalidDuration, "invalid duration '\(value.value)'", at: value.span, help: [help])
        return nil
    }

    private mutating func checkAspect(_ value: Located<String>) -> AspectRatio? {
        if let aspect = AspectRatio(rawValue: value.value) { return aspect }
        let names = AspectRatio.allCases.map(\.rawValue)
        var help = ["Kling O1 offers 16:9, 9:16 and 1:1"]
        var fixIts: [FixIt] = []
        let normalized = String(value.value.map { $0 == "x" || $0 == "/" ? ":" : $0 })
        if names.contains(normalized), normalized != value.value {
            help.insert("did you mean '\(normalized)'?", at: 0)
            fixIts.append(FixIt("replace with '\(normalized)'", edits: [TextEdit(value.span, normalized)]))
        }
        diagnostics.report(
            .invalidAspect, "invalid aspect ratio '\(value.value)'", at: value.span, help: help,
            fixIts: fixIts)
        return nil
    }

    // MARK: - Shots

    private mutating func resolve(_ shot: ShotSyntax, settings: Settings) -> CompiledShot? {
        var failed = false
        var duration: Int? = settings.duration
        var durationSpan = settings.durationSpan
        if let value = shot.duration {
            duration = checkDuration(value)
            durationSpan = value.span
            if duration == nil { failed = true }
        }
        var aspect: AspectRatio? = settings.aspect
        var aspectSpan = settings.aspectSpan
        if let value = shot.aspect {
            aspect = checkAspect(value)
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
        if prose.text.allSatisfy(\.isWhitespace) {
            diagnostics.report(
                .emptyProse, "shot '\(shot.name.value)' has no prose", at: shot.name.span,
                help: ["write what happens in the shot, indented under its 'shot' line (or as 'prompt:' in YAML)"])
            return nil
        }
        let scan = MentionScanner.scan(prose.text)
        var elements: [Int] = []
        var images: [Int] = []
        // Every mention with its reference and token; a reference's first entry is its first
        // mention. Shots mention few references, so a linear search beats a dictionary.
        var mentions: [Mention] = []
        for found in scan.mentions {
            let span = prose.sourceSpan(ofTextRange: found.range)
            if Self.isPositionalToken(found.name) && referenceIndex[found.name] == nil {
                diagnostics.report(
                    .positionalToken, "positional token '@\(found.name)' written by hand",
                    at: span,
                    help: ["write the reference's name instead (such as '@\(references.first?.name ?? "mara")'); shotc numbers references by first mention", "to write a literal '@', double it: '@@'"])
                failed = true
                model.mentions.append(
                    SemanticModel.Mention(name: found.name, span: span, declaration: nil, token: nil, shot: shotIndex))
                continue
            }
            guard let index = referenceIndex[found.name] else {
                reportUnknown(found.name, at: span, surface: surfaceOf(prose.span.file))
                failed = true
                model.mentions.append(
                    SemanticModel.Mention(name: found.name, span: span, declaration: nil, token: nil, shot: shotIndex))
                continue
            }
            let token: String
            if let known = mentions.first(where: { $0.reference == index }) {
                token = known.token
            } else {
                if references[index].kind.isElement {
                    elements.append(index)
                    token = "@Element\(elements.count)"
                } else {
                    images.append(index)
                    token = "@Image\(images.count)"
                }
            }
            mentions.append(Mention(name: found.name, reference: index, token: token, span: span))
            model.mentions.append(
                SemanticModel.Mention(name: found.name, span: span, declaration: index, token: token, shot: shotIndex))
        }
        let total = elements.count + images.count
        if total > Self.maxReferences {
            let notes = Self.groupByLine(
                (elements + images).compactMap { index in
                    mentions.first { $0.reference == index }.map { ($0.span, "'@\($0.name)' → \($0.token)") }
                }, in: sources)
            diagnostics.report(
                .tooManyReferences,
                "shot '\(shot.name.value)' mentions \(total) references; a request takes at most \(Self.maxReferences)",
                at: shot.name.span, notes: notes,
                help: ["split the shot, or drop \(total - Self.maxReferences) of the references"])
            failed = true
        }
        guard !failed, let duration, let aspect else { return nil }
        // No mention was skipped (that fails the shot), so they pair with the scan's in order.
        var next = 0
        let prompt = MentionScanner.substitute(prose.text, scan: scan) { _ in
            defer { next += 1 }
            return mentions[next].token
        }
        // Counting characters (grapheme clusters) is slow; few prompts come near the cap.
        let length = prompt.utf8.count <= Self.maxPromptLength ? 0 : prompt.count
        if length > Self.maxPromptLength {
            diagnostics.report(
                .promptTooLong,
                "the prompt of shot '\(shot.name.value)' is \(length) characters; Kling caps prompts at \(Self.maxPromptLength)",
                at: shot.name.span, help: ["shorten the prose by \(length - Self.maxPromptLength) characters"])
        }
        return CompiledShot(
            name: shot.name.value, nameSpan: shot.name.span, duration: duration, aspect: aspect,
            prompt: prompt, elements: elements, images: images, mentions: mentions,
            durationSpan: durationSpan, aspectSpan: aspectSpan, proseSpan: prose.span)
    }

    /// One note per source line, listing what is on it, with a span from its first to its
    /// last place on that line.
    private static func groupByLine(_ items: [(SourceSpan, String)], in sources: SourceMap)
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

    private mutating func reportUnknown(_ name: String, at span: SourceSpan, surface: SurfaceSyntax) {
        var help: [String] = []
        var fixIts: [FixIt] = []
        if let near = Suggestion.closest(to: name, among: references.map(\.name)),
            let index = referenceIndex[near]
        {
            let reference = references[index]
            presumedMentions.insert(index)
            help.append(
                "did you mean '@\(near)'? (\(reference.kind.rawValue) declared at \(sources.describe(reference.nameSpan)))")
            fixIts.append(FixIt("replace with '@\(near)'", edits: [TextEdit(span, "@" + near)]))
        } else {
            switch surface {
            case .shot:
                help.append("declare it first, e.g. 'character \(name)' with its 'front' and 'refs', or 'image \(name) PATH'")
            case .yaml:
                help.append("declare it under 'characters:', 'props:', 'images:' or 'styles:'")
            }
            help.append("to write a literal '@', double it: '@@'")
        }
        diagnostics.report(
            .unknownReference, "unknown reference '@\(name)'", at: span, help: help, fixIts: fixIts)
    }
}
