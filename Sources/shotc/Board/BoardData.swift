import Foundation
import ShotKit
import ShotRunner

/// Everything the storyboard page shows, gathered from the compiler's semantic model and the
/// run records.
///
/// ``BoardData/gather(scenePath:outputDirectory:)`` is the only place that reads the scene: the
/// cast, the shots, their prose and mentions come from ``Compilation/model`` whether or not the
/// scene has errors; what only a checked scene has (what each request sends, the estimate and
/// render state) from ``Compilation/scene``.
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
    /// what its model tells (cast, shots, prose, mentions and their tokens) and its diagnostics.
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
        data.fill(from: compilation, scenePath: scenePath, outputDirectory: outputDirectory)
        var seen = Set<String>()
        data.watchedFiles = data.watchedFiles.filter { seen.insert($0).inserted }
        return data
    }

    private mutating func fill(from compilation: Compilation, scenePath: String, outputDirectory: String) {
        let semantic = compilation.model
        // The scene's settings, errors or not (a setting written wrong leaves the default).
        let settings = semantic.settings
        model = settings.model
        references = semantic.declarations.map { declaration in
            var primary: Picture? = nil
            var angles: [Picture] = []
            for value in declaration.pictures {
                let picture = Self.picture(value, declaredIn: compilation.sources[declaration.file].path)
                if case .local(let path) = picture { watchedFiles.append(path) }
                if value.role == .reference { angles.append(picture) } else { primary = primary ?? picture }
            }
            return Reference(
                name: declaration.name, kind: declaration.kind, note: declaration.note?.value,
                primary: primary, angles: angles, shots: [],
                declaredAt: compilation.sources.describe(declaration.nameSpan))
        }
        for index in references.indices {
            var names: [String] = []
            for mention in semantic.usages(of: index) {
                let name = semantic.shots[semantic.mentions[mention].shot].name
                if !names.contains(name) { names.append(name) }
            }
            references[index].shots = names
        }

        let scene = compilation.scene
        let store = RunStore(directory: outputDirectory, scenePath: scenePath)
        let plans = scene.flatMap { try? ShotPlanner.plan($0.shots, in: $0, store: store, force: false) } ?? []
        let estimate = scene.map { CostEstimate(scene: $0, shots: $0.shots) }
        let millsPerSecond = Int((model.centsPerSecond * 10).rounded())
        for (index, shot) in semantic.shots.enumerated() {
            let mentions = semantic.mentions(inShot: index).map {
                (name: $0.name, reference: $0.declaration, token: $0.token)
            }
            let prose = Self.segments(of: shot.prose.text, mentions: mentions)
            // A duration or aspect ratio written wrong has none: the scene's is shown.
            let duration = shot.duration ?? settings.duration
            let aspect = (shot.aspect ?? settings.aspect).rawValue
            guard let scene, let estimate, let compiled = compilation.compiledShot(index) else {
                shots.append(
                    Shot(
                        name: shot.name, duration: duration, aspect: aspect, prose: prose, sent: [],
                        mills: duration * millsPerSecond, state: nil,
                        reasons: ["not checked: the scene has errors"], requestID: nil, video: nil,
                        nextRunSubmits: false))
                continue
            }
            let status =
                index < plans.count ? ShotStatus(plan: plans[index], scene: scene, model: semantic, store: store) : nil
            let sent =
                compiled.elements.enumerated().map { Sent(token: "@Element\($0.offset + 1)", reference: $0.element) }
                + compiled.images.enumerated().map { Sent(token: "@Image\($0.offset + 1)", reference: $0.element) }
            shots.append(
                Shot(
                    name: compiled.name, duration: compiled.duration, aspect: compiled.aspect.rawValue,
                    prose: prose, sent: sent, mills: estimate.mills(of: compiled), state: status?.state ?? .new,
                    reasons: status?.reasons ?? ["the run records could not be read"],
                    requestID: status?.requestID, video: status?.videoPath.map(Self.absolute),
                    nextRunSubmits: status?.nextRunSubmits ?? true))
        }
    }

    /// The prose cut at its mentions, each paired with the model's mention of the same rank
    /// (the model keeps them in prose order); `@@` reads as `@`.
    static func segments(
        of prose: String, mentions: [(name: String, reference: Int?, token: String?)]
    ) -> [Segment] {
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

    /// The picture the compiler checked, or, for a value it reported (a file not found, not
    /// an image), the file the value names beside `declaringFile`, which the page shows broken.
    private static func picture(_ value: SemanticModel.Picture, declaredIn declaringFile: String) -> Picture {
        switch value.image?.source {
        case .url(let url)?: return .remote(url)
        case .dataURI(let uri)?: return .data(uri)
        case .localFile(let path, _)?: return .local(absolute(path))
        case nil:
            let written = value.written.value
            if written.hasPrefix("http://") || written.hasPrefix("https://") { return .remote(written) }
            if written.hasPrefix("data:") { return .data(written) }
            return .local(absolute(Path.join(Path.directory(of: declaringFile), written)))
        }
    }

    /// `path` made absolute against the working folder and normalized.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/")
            ? Path.normalize(path) : Path.normalize(Path.join(FileManager.default.currentDirectoryPath, path))
    }
}
