import ShotKit
import Synchronization

/// The file system the server compiles through: open editor buffers over the disk.
///
/// What was read is kept between compiles by the server's ``AnalysisCache``s, which ask
/// ``modificationTime(of:)``: a buffer's changes with each edit, a file's with the disk.
public final class OverlayFileSystem: FileSystem, Sendable {
    private struct Buffer {
        var bytes: [UInt8]
        /// Bumped by every ``OverlayFileSystem/setBuffer(_:_:)``.
        var edit: Int
    }

    private struct State {
        var buffers: [String: Buffer] = [:]
        var edits = 0
    }

    private let disk = LocalFileSystem()
    private let state = Mutex(State())

    /// A file system with no open buffers.
    public init() {}

    /// Makes `bytes` the content of `path` (an open buffer), or removes the overlay (nil).
    public func setBuffer(_ path: String, _ bytes: [UInt8]?) {
        let key = Path.normalize(path)
        state.withLock { state in
            state.edits += 1
            state.buffers[key] = bytes.map { Buffer(bytes: $0, edit: state.edits) }
        }
    }

    /// The buffer open at `path`, if any.
    public func buffer(_ path: String) -> [UInt8]? {
        let key = Path.normalize(path)
        return state.withLock { $0.buffers[key]?.bytes }
    }

    /// The whole file: the open buffer, or the disk.
    public func read(_ path: String) throws(FileReadError) -> [UInt8] {
        try readPrefix(path, count: Int.max)
    }

    /// At most `count` bytes: from the open buffer, or from the disk.
    public func readPrefix(_ path: String, count: Int) throws(FileReadError) -> [UInt8] {
        if let buffer = buffer(path) { return Array(buffer.prefix(count)) }
        return try disk.readPrefix(path, count: count)
    }

    /// The size of the open buffer, or of the file on disk.
    public func size(_ path: String) throws(FileReadError) -> Int {
        if let buffer = buffer(path) { return buffer.count }
        return try disk.size(path)
    }

    /// The disk's identity of the file.
    public func identity(of path: String) -> FileIdentity? {
        // An open buffer of a file not yet on disk has no identity; paths are then compared as text.
        disk.identity(of: path)
    }

    /// For an open buffer, a time no file on disk has (negative seconds) that changes with
    /// each edit; otherwise the disk's modification time.
    public func modificationTime(of path: String) -> FileModificationTime? {
        let key = Path.normalize(path)
        if let buffer = state.withLock({ $0.buffers[key] }) {
            return FileModificationTime(seconds: -1, nanoseconds: buffer.edit, size: buffer.bytes.count)
        }
        return disk.modificationTime(of: path)
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
    func modificationTime(of path: String) -> FileModificationTime? { inner.modificationTime(of: resolve(path)) }
}
