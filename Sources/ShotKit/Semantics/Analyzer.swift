/// Turns the syntax trees of a scene into a ``CompiledScene``: names to references, settings
/// to values, prose to prompts (spec section 2), and every check of spec section 3; and into
/// the ``SemanticModel`` every tool queries.
///
/// Written once for both front ends: it reads only ``SceneSyntax``. Its work is split by
/// concern: declarations and names (`Analyzer+Declarations.swift`), images
/// (`Analyzer+Images.swift`, read through an ``ImageCache``), settings as pure functions
/// (`SceneSettings.swift`), shots and mention numbering (`Analyzer+Shots.swift`); every
/// message is made in `Diagnostic+Semantics.swift`.
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
    public static let durations = SceneSettings.durations
    /// The most of an image file read to find its pixel size (16 MB): the 10 MB limit plus a
    /// margin. Only JPEGs whose frame header follows large metadata need more than the first
    /// 64 KB; a larger file is still reported by the size the file system gives.
    public static let maxImageReadBytes = ImageCache.maxReadBytes
    /// The longest shot name, in bytes of UTF-8 (200). A shot's files are `NAME.mp4`,
    /// `NAME.run.json`, `NAME.json` and their temporaries such as `NAME.run.json.tmp-PID`
    /// (24 bytes after the name with a 10-digit PID); most file systems cap a file name at 255
    /// bytes, and 200 leaves 31 bytes of margin for longer suffixes.
    public static let maxShotNameBytes = 200

    /// The files of the scene, for paths and lines.
    let sources: SourceMap
    /// The parsed files and where each import led.
    let loaded: SceneLoader.Result
    /// What the analysis found, errors or not: declarations, mentions, shots and imports.
    public internal(set) var model: SemanticModel

    /// Every declared reference, in declaration order (the first of a name declared twice).
    var references: [Reference] = []
    /// The file that declares each reference.
    var referenceFiles: [FileID] = []
    /// The index in ``references`` of each name.
    var referenceIndex: [String: Int] = [:]
    /// The same names interned by their bytes, for resolving mentions (see ``NameTable``).
    var names = NameTable()
    /// The mentions and `@@` escapes of the shot being resolved: buffers kept from one shot to
    /// the next, so that scanning prose allocates nothing.
    var scratchMentions: [Range<Int>] = []
    var scratchEscapes: [Int] = []
    /// Every shot, in scene order.
    var shotSyntax: [ShotSyntax] = []
    /// The names of the mentions left unresolved while an import could not be read.
    var unresolvedByImport: [String] = []
    /// Where each shot name is first used.
    var shotNames: [String: SourceSpan] = [:]
    /// The files walked, so that a file imported twice is walked once.
    var visited: Set<FileID> = []
    /// The images' header facts, each read once.
    var images: ImageCache
    /// References a misspelt mention most likely meant: not reported as unused.
    var presumedMentions: Set<Int> = []

    /// An analyzer of the scene `loaded`, whose files are in `sources`, reading images
    /// through `fileSystem`.
    public init(sources: SourceMap, loaded: SceneLoader.Result, fileSystem: any FileSystem) {
        self.init(sources: sources, loaded: loaded, images: ImageCache(fileSystem: fileSystem))
    }

    /// An analyzer of the scene `loaded` reading images through `images` (a cache an editor
    /// keeps from one analysis to the next).
    public init(sources: SourceMap, loaded: SceneLoader.Result, images: ImageCache) {
        self.sources = sources
        self.loaded = loaded
        self.images = images
        self.model = SemanticModel(root: loaded.root)
    }

    /// Checks the scene, reporting into `diagnostics` (which holds what the front ends
    /// reported); the compiled scene is nil when an error was reported.
    public mutating func analyze(diagnostics: inout DiagnosticBag) -> CompiledScene? {
        let hadErrors = diagnostics.hasErrors
        model.imports = SemanticModel.imports(of: loaded)
        guard let root = loaded.root, let rootTree = loaded.trees[root] else { return nil }
        // Reserved once, never regrown: a shot is a few hundred bytes in each array, and
        // regrowing them costs more than the model records.
        let items = loaded.trees.values.reduce(0) { $0 + $1.items.count }
        shotSyntax.reserveCapacity(items)
        shotNames.reserveCapacity(items)
        collect(rootTree, diagnostics: &diagnostics)
        let settings = SceneSettings.check(rootTree, diagnostics: &diagnostics)
        model.settings = settings
        var shots: [CompiledShot] = []
        shots.reserveCapacity(shotSyntax.count)
        model.shots.reserveCapacity(shotSyntax.count)
        // Every mention starts with an `@`: counting them bounds the mentions, so the array of
        // mentions (the model's largest) is never regrown and copied.
        model.mentions.reserveCapacity(shotSyntax.reduce(0) { $0 + MentionScanner.atSigns(in: $1.prose.text) })
        var mentioned = [Bool](repeating: false, count: references.count)
        for shot in shotSyntax {
            let first = model.mentions.count
            if let compiled = resolve(shot, settings: settings, diagnostics: &diagnostics) {
                shots.append(compiled)
            }
            // A shot with errors still counts its mentions, so nothing is reported unused
            // because of an unrelated error.
            for mention in model.mentions[first...] {
                if let index = mention.declaration { mentioned[index] = true }
            }
        }
        if !unresolvedByImport.isEmpty {
            var names: [String] = []
            for name in unresolvedByImport where !names.contains(name) { names.append(name) }
            let note = Diagnostic.unresolvedBecauseOfImport(names, mentions: unresolvedByImport.count)
            for span in loaded.failedImports {
                diagnostics.addNote(note, to: .fileUnreadable, at: span)
            }
        }
        // A file without shots (a shared cast checked on its own) declares for others to use.
        for (index, reference) in references.enumerated()
        where !shotSyntax.isEmpty && !mentioned[index] && !presumedMentions.contains(index)
            && referenceFiles[index] == root
        {
            diagnostics.report(.unusedDeclaration(reference))
        }
        guard !hadErrors, !diagnostics.hasErrors else { return nil }
        return CompiledScene(model: settings.model, references: references, shots: shots)
    }
}
