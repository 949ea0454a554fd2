/// Reads what the compiler needs of local images (their format and pixel size from their
/// header, their size in bytes), each path once.
///
/// An editor keeps one from one analysis to the next (in an ``AnalysisCache``): an entry is
/// reused while the file system reports the same modification time for its path, so an edit
/// of the scene reads no image again. Such a cache keeps at most ``limit`` entries, dropping
/// the least recently used; one made for a single analysis keeps every path it probes.
public struct ImageCache: Sendable {
    /// The most of an image file read to find its pixel size (16 MB): the 10 MB limit plus a
    /// margin. Only JPEGs whose frame header follows large metadata need more than the first
    /// 64 KB; a larger file is still reported by the size the file system gives.
    public static let maxReadBytes = 16 * 1024 * 1024

    /// Why a local image gave no ``ImageInfo``.
    public enum Problem: Error, Hashable, Sendable {
        /// There is no file at the path.
        case notFound
        /// The file could not be read.
        case unreadable(FileReadError)
        /// Its bytes are no PNG, JPEG, WebP or GIF.
        case notAnImage
    }

    private struct Entry: Sendable {
        var modified: FileModificationTime?
        var outcome: Result<ImageInfo, Problem>
    }

    /// The file system images are read through.
    public let fileSystem: any FileSystem
    private var entries: RecentlyUsed<Entry>
    /// Paths probed since ``beginAnalysis()``: within one analysis a path is read once, and its
    /// modification time not asked again.
    private var seen: Set<String> = []
    /// How many files were read (not answered from the cache), for tests and benchmarks.
    public private(set) var reads = 0

    /// Whether entries outlive an analysis (checked against modification times); a one-shot
    /// compile asks no modification time.
    public let keepsEntries: Bool

    /// The most entries it keeps (`Int.max` for one made for a single analysis).
    public var limit: Int { entries.limit }
    /// How many entries it keeps now.
    public var count: Int { entries.count }

    /// An empty cache reading through `fileSystem`; `keepsEntries` for one kept from one
    /// analysis to the next, which keeps at most `limit` entries (at least 1).
    public init(fileSystem: any FileSystem, keepsEntries: Bool = false, limit: Int = .max) {
        self.fileSystem = fileSystem
        self.keepsEntries = keepsEntries
        entries = RecentlyUsed(limit: keepsEntries ? limit : .max)
    }

    /// Starts an analysis: an entry is checked against the file's modification time once per
    /// analysis.
    public mutating func beginAnalysis() { seen.removeAll(keepingCapacity: true) }

    /// The header facts of the image at `path`.
    public mutating func probe(_ path: String) -> Result<ImageInfo, Problem> {
        if let known = entries.value(forKey: path) {
            if seen.contains(path) { return known.outcome }
            // Without a modification time, an entry is trusted only within one analysis.
            if let modified = known.modified, fileSystem.modificationTime(of: path) == modified {
                seen.insert(path)
                return known.outcome
            }
        }
        let modified = keepsEntries ? fileSystem.modificationTime(of: path) : nil
        let outcome = read(path)
        entries.set(Entry(modified: modified, outcome: outcome), forKey: path)
        seen.insert(path)
        return outcome
    }

    private mutating func read(_ path: String) -> Result<ImageInfo, Problem> {
        reads += 1
        do {
            let size = try fileSystem.size(path)
            var bytes = try fileSystem.readPrefix(path, count: ImageProbe.prefixLength)
            var info = ImageProbe.probe(bytes, byteCount: size)
            if let partial = info, partial.width == nil, size > bytes.count {
                bytes = try fileSystem.readPrefix(path, count: Self.maxReadBytes)
                info = ImageProbe.probe(bytes, byteCount: size)
            }
            return info.map { .success($0) } ?? .failure(.notAnImage)
        } catch {
            return .failure(error == .notFound ? .notFound : .unreadable(error))
        }
    }
}
