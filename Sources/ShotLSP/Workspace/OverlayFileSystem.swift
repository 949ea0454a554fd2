import ShotKit
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The file system the server compiles through: open editor buffers over the disk, and a cache
/// of what was read from disk keyed by path and modification time (so image headers and
/// imported files are read once while they do not change).
public final class OverlayFileSystem: FileSystem, Sendable {
    private struct Stamp: Hashable {
        var device: UInt64
        var inode: UInt64
        var size: Int
        var seconds: Int
        var nanoseconds: Int
    }

    private struct CacheKey: Hashable {
        var path: String
        var count: Int
    }

    private struct State {
        var buffers: [String: [UInt8]] = [:]
        var cache: [CacheKey: (Stamp, [UInt8])] = [:]
    }

    private let disk = LocalFileSystem()
    private let state = Mutex(State())

    /// A file system with no open buffers.
    public init() {}

    /// Makes `bytes` the content of `path` (an open buffer), or removes the overlay (nil).
    public func setBuffer(_ path: String, _ bytes: [UInt8]?) {
        let key = Path.normalize(path)
        state.withLock { $0.buffers[key] = bytes }
    }

    /// The buffer open at `path`, if any.
    public func buffer(_ path: String) -> [UInt8]? {
        let key = Path.normalize(path)
        return state.withLock { $0.buffers[key] }
    }

    private func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Stamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size),
            seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec))
    }

    /// The whole file: the open buffer, or the disk (cached while it does not change).
    public func read(_ path: String) throws(FileReadError) -> [UInt8] {
        try readPrefix(path, count: Int.max)
    }

    /// At most `count` bytes: from the open buffer, or from the disk through the cache.
    public func readPrefix(_ path: String, count: Int) throws(FileReadError) -> [UInt8] {
        let key = Path.normalize(path)
        if let buffer = state.withLock({ $0.buffers[key] }) { return Array(buffer.prefix(count)) }
        let cacheKey = CacheKey(path: key, count: count)
        let current = stamp(path)
        if let current, let (cachedStamp, bytes) = state.withLock({ $0.cache[cacheKey] }),
            cachedStamp == current
        {
            return bytes
        }
        let bytes = try disk.readPrefix(path, count: count)
        if let current {
            state.withLock { state in
                if state.cache.count > 4096 { state.cache.removeAll() }
                state.cache[cacheKey] = (current, bytes)
            }
        }
        return bytes
    }

    /// The size of the open buffer, or of the file on disk.
    public func size(_ path: String) throws(FileReadError) -> Int {
        let key = Path.normalize(path)
        if let buffer = state.withLock({ $0.buffers[key] }) { return buffer.count }
        return try disk.size(path)
    }

    /// The disk's identity of the file.
    public func identity(of path: String) -> FileIdentity? {
        // An open buffer of a file not yet on disk has no identity; paths are then compared as text.
        disk.identity(of: path)
    }
}

/// A file system whose relative paths are relative to `base`, so that a scene compiled as
/// `greenhouse.shot` shows the same short paths in its messages as `shotc check` run in its
/// folder, whatever the server's working directory.
struct RootedFileSystem: FileSystem {
    /// The folder relative paths start from (absolute).
    let base: String
    /// The file system underneath.
    let inner: OverlayFileSystem

    private func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : Path.join(base, path) }

    func read(_ path: String) throws(FileReadError) -> [UInt8] { try inner.read(resolve(path)) }
    func readPrefix(_ path: String, count: Int) throws(FileReadError) -> [UInt8] {
        try inner.readPrefix(resolve(path), count: count)
    }
    func size(_ path: String) throws(FileReadError) -> Int { try inner.size(resolve(path)) }
    func identity(of path: String) -> FileIdentity? { inner.identity(of: resolve(path)) }
}
