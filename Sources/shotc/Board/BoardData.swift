import Foundation
import ShotKit
import ShotRunner

/// Everything the storyboard page shows, gathered from the compiler and the run records.
///
/// ``BoardData/gather(scenePath:outputDirectory:)`` is the only place that reads the scene, so the
/// page can move to a richer semantic model by changing that one function.
struct BoardData {
    /// A picture as the page shows it.
    enum Picture {
        /// A local file, by absolute path.
        case local(String)
        /// An `http(s)` URL: never loaded by the page (it works offline), linked instead.
        case remote(String)
        /// A `data:` URI written in the scene.
        case data(String)
    }

    /// A declaration of the cast.
    struct Reference {
        /// Its name.
        var name: String
        /// Character, prop, image or style.
        var kind: DeclarationKind
        /// Its note, never sent.
        var note: String?
        /// The front of an element, the image of an image or style.
        var primary: Picture?
        /// The other angles of an element.
        var angles: [Picture]
        /// The names of the shots that mention it, in order.
        var shots: [String]
        /// Where it was declared (`cast.shot:3:6`).
        var declaredAt: String
    }

    /// A run of prose: text, or a mention.
    enum Segment {
        /// Plain prose, `@@` already read as `@`.
        case text(String)
        /// `@name`, the index of its reference (nil when undeclared) and the token it becomes
        /// (nil when the scene has errors).
        case mention(name: String, reference: Int?, token: String?)
    }

    /// One reference sent with a shot, with its positional token.
    struct Sent {
        /// `@Element1`, `@Image2`.
        var token: String
        /// The index of the reference in ``BoardData/references``.
        var reference: Int
    }

    /// A shot.
    struct Shot {
        /// Its name.
        var name: String
        /// Seconds.
        var duration: Int
        /// `16:9`, `9:16` or `1:1` (as written when the scene has errors).
        var aspect: String
        /// Its prose, cut at the mentions.
        var prose: [Segment]
        /// What the request sends: elements (`@Element1` first), then images.
        var sent: [Sent]
        /// The estimate, in thousandths of a dollar.
        var mills: Int
        /// `up-to-date`, `stale`, ...; nil when the scene has errors (no state can be read).
        var state: RenderState?
        /// Why it is in that state, in words.
        var reasons: [String]
        /// The request of its record, if any.
        var requestID: String?
        /// The saved video, absolute.
        var video: String?
        /// Whether the next run pays for it.
        var nextRunSubmits: Bool
    }

    /// The scene's file name.
    var title: String
    /// The scene file, absolute.
    var scenePath: String
    /// The model tier.
    var model: ModelTier
    /// The cast, imports included, in declaration order.
    var references: [Reference]
    /// The shots, in file order.
    var shots: [Shot]
    /// Every diagnostic, rendered like `shotc check` (plain), with its summary line.
    var diagnostics: String
    /// How many errors the scene has.
    var errorCount: Int
    /// How many warnings.
    var warningCount: Int
    /// The output folder (absolute).
    var outputDirectory: String
    /// The scene's files (the scene and its imports) and its local pictures, absolute: what
    /// `--serve` watches, besides the output folder.
    var watchedFiles: [String]

    /// Total running time in seconds.
    var totalSeconds: Int { shots.reduce(0) { $0 + $1.duration } }
    /// The estimate of every shot.
    var totalMills: Int { shots.reduce(0) { $0 + $1.mills } }
    /// The estimate of what the next run would submit.
    var millsToSpend: Int { shots.filter(\.nextRunSubmits).reduce(0) { $0 + $1.mills } }

    /// Compiles `scenePath` and reads the records in `outputDirectory`. A scene with errors gives
    /// what its syntax trees tell (shots, prose, mentions) and its diagnostics.
    static func gather(scenePath: String, outputDirectory: String) -> BoardData {
        let compilation = Compiler.compile(path: scenePath)
        let sorted = compilation.diagnostics.sorted
        var diagnostics = DiagnosticRenderer(sources: compilation.sources, style: .plain).render(sorted)
        let bag = compilation.diagnostics
        var summary: [String] = []
        if bag.errorCount > 0 { summary.append("\(bag.errorCount) error\(bag.errorCount == 1 ? "" : "s")") }
        if bag.warningCount > 0 { summary.append("\(bag.warningCount) warning\(bag.warningCount == 1 ? "" : "s")") }
        if !summary.isEmpty { diagnostics += summary.joined(separator: ", ") + "\n" }

        var data = BoardData(
            title: (scenePath.split(separator: "/").last.map(String.init)) ?? scenePath,
            scenePath: absolute(scenePath), model: .standard, references: [], shots: [],
            diagnostics: diagnostics, errorCount: bag.errorCount, warningCount: bag.warningCount,
            outputDirectory: absolute(outputDirectory),
            watchedFiles: compilation.sources.files.map { absolute($0.path) })
        if let scene = compilation.scene {
            data.fill(from: scene, compilation: compilation, scenePath: scenePath, outputDirectory: outputDirectory)
        } else {
            data.fillFromSyntax(compilation)
        }
        var seen = Set<String>()
        data.watchedFiles = data.watchedFiles.filter { seen.insert($0).inserted }
        return data
    }

    private mutating func fill(
        from scene: CompiledScene, compilation: Compilation, scenePath: String, outputDirectory: String
    ) {
        model = scene.model
        references = scene.references.map { reference in
            Reference(
                name: reference.name, kind: reference.kind, note: reference.note,
                primary: reference.primary.map(Self.picture), angles: reference.referenceImages.map(Self.picture),
                shots: [],
                declaredAt: compilation.sources.describe(reference.nameSpan))
        }
        for (index, _) in references.enumerated() {
            references[index].shots = scene.shots.filter { $0.mentions.contains { $0.reference == index } }.map(\.name)
        }
        for reference in references {
            for case .local(let path) in [reference.primary].compactMap({ $0 }) + reference.angles {
                watchedFiles.append(path)
            }
        }
        let proseByName = Self.proseTexts(compilation)
        let store = RunStore(directory: outputDirectory, scenePath: scenePath)
        let plans = (try? ShotPlanner.plan(scene.shots, in: scene, store: store, force: false)) ?? []
        let estimate = CostEstimate(scene: scene, shots: scene.shots)
        for (index, shot) in scene.shots.enumerated() {
            let status = index < plans.count ? ShotStatus(plan: plans[index], scene: scene, store: store) : nil
            let sent =
                shot.elements.enumerated().map { Sent(token: "@Element\($0.offset + 1)", reference: $0.element) }
                + shot.images.enumerated().map { Sent(token: "@Image\($0.offset + 1)", reference: $0.element) }
            shots.append(
                Shot(
                    name: shot.name, duration: shot.duration, aspect: shot.aspect.rawValue,
                    prose: Self.segments(of: proseByName[shot.nameSpan] ?? shot.prompt, mentions: shot.mentions),
                    sent: sent, mills: estimate.mills(of: shot), state: status?.state ?? .new,
                    reasons: status?.reasons ?? ["the run records could not be read"],
                    requestID: status?.requestID, video: status?.videoPath.map(Self.absolute),
                    nextRunSubmits: status?.nextRunSubmits ?? true))
        }
    }

    /// A scene with errors: shots and mentions as written, no tokens, no render state.
    private mutating func fillFromSyntax(_ compilation: Compilation) {
        var trees: [SceneSyntax] = []
        if let root = compilation.root, let tree = compilation.trees[root] { trees.append(tree) }
        trees += compilation.trees.sorted { $0.key < $1.key }.map(\.value).filter { $0.file != compilation.root }
        var defaultDuration = 5
        var defaultAspect = "16:9"
        if let root = trees.first {
            for setting in root.settings {
                switch setting.key.value {
                case .duration: defaultDuration = Self.seconds(setting.value.value) ?? defaultDuration
                case .aspect: defaultAspect = setting.value.value
                case .model: model = ModelTier(rawValue: setting.value.value) ?? model
                }
            }
        }
        for tree in trees {
            let directory = Path.directory(of: compilation.sources[tree.file].path)
            for declaration in tree.declarations {
                func picture(_ written: String) -> Picture {
                    if written.hasPrefix("http://") || written.hasPrefix("https://") { return .remote(written) }
                    if written.hasPrefix("data:") { return .data(written) }
                    return .local(Self.absolute(Path.join(directory, written)))
                }
                var primary = declaration.image.map { picture($0.value) }
                var angles: [Picture] = []
                if let front = declaration.field("front")?.values.first { primary = picture(front.value) }
                if let refs = declaration.field("refs") { angles = refs.values.map { picture($0.value) } }
                references.append(
                    Reference(
                        name: declaration.name.value, kind: declaration.kind,
                        note: declaration.field("note")?.values.map(\.value).joined(separator: " "),
                        primary: primary, angles: angles, shots: [],
                        declaredAt: compilation.sources.describe(declaration.name.span)))
            }
        }
        let millsPerSecond = Int((model.centsPerSecond * 10).rounded())
        for shot in trees.first?.shots ?? [] {
            let scan = MentionScanner.scan(shot.prose.text)
            var segments: [Segment] = []
            var last = 0
            let bytes = Array(shot.prose.text.utf8)
            func text(_ range: Range<Int>) -> String {
                String(decoding: bytes[range], as: UTF8.self).replacingOccurrences(of: "@@", with: "@")
            }
            for mention in scan.mentions {
                if mention.range.lowerBound > last { segments.append(.text(text(last..<mention.range.lowerBound))) }
                let index = references.firstIndex { $0.name == mention.name }
                segments.append(.mention(name: mention.name, reference: index, token: nil))
                if let index, !references[index].shots.contains(shot.name.value) {
                    references[index].shots.append(shot.name.value)
                }
                last = mention.range.upperBound
            }
            if last < bytes.count { segments.append(.text(text(last..<bytes.count))) }
            let duration = shot.duration.flatMap { Self.seconds($0.value) } ?? defaultDuration
            shots.append(
                Shot(
                    name: shot.name.value, duration: duration, aspect: shot.aspect?.value ?? defaultAspect,
                    prose: segments, sent: [], mills: duration * millsPerSecond, state: nil,
                    reasons: ["not checked: the scene has errors"], requestID: nil, video: nil,
                    nextRunSubmits: false))
        }
    }

    /// `5s`, `5` → 5.
    private static func seconds(_ written: String) -> Int? {
        Int(written.hasSuffix("s") ? String(written.dropLast()) : written)
    }

    /// The prose of every shot of every file, by the span of the shot's name.
    private static func proseTexts(_ compilation: Compilation) -> [SourceSpan: String] {
        var texts: [SourceSpan: String] = [:]
        for tree in compilation.trees.values {
            for shot in tree.shots { texts[shot.name.span] = shot.prose.text }
        }
        return texts
    }

    /// The prose cut at its mentions, each paired with the compiled mention of the same rank
    /// (the compiler keeps them in prose order); `@@` reads as `@`.
    static func segments(of prose: String, mentions: [Mention]) -> [Segment] {
        let scan = MentionScanner.scan(prose)
        guard scan.mentions.count == mentions.count else {
            // Not the prose the compiler read: show the prompt as it is sent.
            return [.text(prose)]
        }
        let bytes = Array(prose.utf8)
        let escapes = Set(scan.escapedAts)
        func text(_ range: Range<Int>) -> String {
            // Only the escapes inside the range become `@`.
            var out: [UInt8] = []
            var index = range.lowerBound
            while index < range.upperBound {
                if escapes.contains(index) {
                    out.append(UInt8(ascii: "@"))
                    index += 2
                } else {
                    out.append(bytes[index])
                    index += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        var segments: [Segment] = []
        var last = 0
        for (found, mention) in zip(scan.mentions, mentions) {
            if found.range.lowerBound > last { segments.append(.text(text(last..<found.range.lowerBound))) }
            segments.append(.mention(name: mention.name, reference: mention.reference, token: mention.token))
            last = found.range.upperBound
        }
        if last < bytes.count { segments.append(.text(text(last..<bytes.count))) }
        return segments
    }

    private static func picture(_ value: ImageValue) -> Picture {
        switch value.source {
        case .url(let url): .remote(url)
        case .dataURI(let uri): .data(uri)
        case .localFile(let path, _): .local(absolute(path))
        }
    }

    /// `path` made absolute against the working folder and normalized.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? Path.normalize(path) : Path.normalize(Path.join(FileManager.default.currentDirectoryPath, path))
    }
}
