/// What one compile keeps for the next, for a caller that compiles the same scene again and
/// again (a language server after each edit, a watcher): every file it read, parsed, with
/// what parsing reported, and every image's header facts.
///
/// A file is reused while the file system reports the same ``FileModificationTime`` for its
/// path and it takes the same place in the scene (its ``FileID``, which its spans carry); an
/// image while its modification time is the same. A file system without modification times
/// (``FileSystem/modificationTime(of:)`` nil) keeps nothing. The text of an editor's buffer is
/// parsed at each compile: it is what changed.
///
/// It is bounded, for a language server that keeps one for a whole session while files are
/// opened: at most ``fileLimit`` files (256 by default) and ``ImageCache/limit`` image headers
/// (4,096 by default), dropping the least recently used when one more is read. A scene that
/// reads more files (or images) than the limit reads some of them again at each compile.
public struct AnalysisCache: Sendable {
    /// How many parsed files a cache keeps unless told otherwise.
    public static let defaultFileLimit = 256
    /// How many image headers a cache keeps unless told otherwise (a header is a few dozen
    /// bytes; a parsed file holds its bytes and tree).
    public static let defaultImageLimit = 4096

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
    var files: RecentlyUsed<ParsedFile>
    /// The most parsed files it keeps.
    public var fileLimit: Int { files.limit }
    /// How many parsed files it keeps now.
    public var keptFiles: Int { files.count }
    /// How many files were parsed, and how many reused, over the cache's life (for tests and
    /// benchmarks).
    public internal(set) var parsedFiles = 0
    /// How many files were reused without reading or parsing them.
    public internal(set) var reusedFiles = 0

    /// An empty cache reading through `fileSystem`, keeping at most `fileLimit` parsed files
    /// and `imageLimit` image headers (each at least 1).
    public init(
        fileSystem: any FileSystem = LocalFileSystem(), fileLimit: Int = defaultFileLimit,
        imageLimit: Int = defaultImageLimit
    ) {
        files = RecentlyUsed(limit: fileLimit)
        images = ImageCache(fileSystem: fileSystem, keepsEntries: true, limit: imageLimit)
    }
}
