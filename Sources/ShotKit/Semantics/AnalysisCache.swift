/// What one compile keeps for the next, for a caller that compiles the same scene again and
/// again (a language server after each edit, a watcher): every file it read, parsed, with
/// what parsing reported, and every image's header facts.
///
/// A file is reused while the file system reports the same ``FileModificationTime`` for its
/// path and it takes the same place in the scene (its ``FileID``, which its spans carry); an
/// image while its modification time is the same. A file system without modification times
/// (``FileSystem/modificationTime(of:)`` nil) keeps nothing. The text of an editor's buffer is
/// parsed at each compile: it is what changed.
public struct AnalysisCache: Sendable {
    /// One file as a compile read and parsed it.
    struct ParsedFile: Sendable {
        /// Its modification time when it was read.
        var modified: FileModificationTime
        /// Its place in the scene it was read for; its spans carry it.
        var id: FileID
        /// Its bytes.
        var bytes: [UInt8]
        /// Its tree.
        var tree: SceneSyntax
        /// What parsing it reported.
        var diagnostics: [Diagnostic]
    }

    /// The file system files and images are read through.
    public var fileSystem: any FileSystem { images.fileSystem }
    /// The images' header facts.
    public var images: ImageCache
    /// The files read, by normalized path.
    var files: [String: ParsedFile] = [:]
    /// How many files were parsed, and how many reused, over the cache's life (for tests and
    /// benchmarks).
    public internal(set) var parsedFiles = 0
    /// How many files were reused without reading or parsing them.
    public internal(set) var reusedFiles = 0

    /// An empty cache reading through `fileSystem`.
    public init(fileSystem: any FileSystem = LocalFileSystem()) {
        images = ImageCache(fileSystem: fileSystem, keepsEntries: true)
    }
}
