#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file could not be read.
public enum FileReadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// There is no file at that path.
    case notFound
    /// It exists but is a directory.
    case isDirectory
    /// It exists but is not a regular file (a FIFO, a device, a socket): such files may never
    /// end (`/dev/zero`) or block (a FIFO with no writer), so they are never read. The text
    /// names the kind of file, such as `a named pipe (FIFO)`.
    case notRegularFile(String)
    /// It is larger than the limit for what is being read (`limit` bytes).
    case tooLarge(limit: Int)
    /// It exists but could not be read; the text is the system's.
    case unreadable(String)

    /// Why, as a diagnostic says it after a colon: lowercase, no final period.
    public var description: String {
        switch self {
        case .notFound: "no such file"
        case .isDirectory: "it is a directory"
        case .notRegularFile(let kind): "it is \(kind), not a regular file"
        case .tooLarge(let limit): "it is larger than \(FileReadError.describe(bytes: limit)), the limit"
        case .unreadable(let text): text.lowercased()
        }
    }

    /// `64 MB`, `16 MB`, or bytes when under a megabyte.
    static func describe(bytes: Int) -> String {
        bytes >= 1_048_576 && bytes % 1_048_576 == 0 ? "\(bytes / 1_048_576) MB" : "\(bytes) bytes"
    }
}

/// What tells two paths to one file apart from two files: on a real file system the device and
/// inode numbers, so that `a/c.shot`, `/abs/a/c.shot` and a path through a symlink are one file.
public struct FileIdentity: Hashable, Sendable {
    /// The device the file is on.
    public var device: UInt64
    /// The file's number on its device.
    public var inode: UInt64

    /// The identity of file `inode` on `device`.
    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}

/// What the compiler reads: scene files, imports, image headers. The command line passes the
/// real file system; tests and an editor (unsaved buffers) may pass their own.
///
/// Only regular files are read: a FIFO, a device or a socket is ``FileReadError/notRegularFile(_:)``.
public protocol FileSystem: Sendable {
    /// The whole file.
    func read(_ path: String) throws(FileReadError) -> [UInt8]
    /// At most `count` bytes from the start of the file.
    func readPrefix(_ path: String, count: Int) throws(FileReadError) -> [UInt8]
    /// The file's size in bytes.
    func size(_ path: String) throws(FileReadError) -> Int
    /// What identifies the file at `path` whatever path leads to it; nil when the file system
    /// cannot tell (then paths are compared as text, normalized).
    func identity(of path: String) -> FileIdentity?
    /// When the file at `path` last changed, for caches that keep what they read from one
    /// compile to the next; nil when the file system cannot tell (then nothing is kept).
    func modificationTime(of path: String) -> FileModificationTime?
    /// The names in the folder at `path` (for "did you mean" on a file that is not there);
    /// empty when it cannot be listed.
    func names(inDirectory path: String) -> [String]
}

/// When a file last changed, as a cache compares it: its modification time to the
/// nanosecond, its size, and its identity (a file replaced by another is another file).
public struct FileModificationTime: Hashable, Sendable {
    /// Seconds since 1970.
    public var seconds: Int
    /// Nanoseconds within the second.
    public var nanoseconds: Int
    /// The size in bytes.
    public var size: Int
    /// The file's identity.
    public var identity: FileIdentity?

    /// A modification time.
    public init(seconds: Int, nanoseconds: Int, size: Int, identity: FileIdentity? = nil) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.size = size
        self.identity = identity
    }
}

extension FileSystem {
    /// No identity: paths are compared as text.
    public func identity(of path: String) -> FileIdentity? { nil }

    /// No modification time: caches keep nothing from one compile to the next.
    public func modificationTime(of path: String) -> FileModificationTime? { nil }

    /// No listing: no file name is suggested.
    public func names(inDirectory path: String) -> [String] { [] }

    /// The name in the folder of `path` nearest to its last component, when one is close
    /// enough to be a likely slip (`cast.shto` for `cast.shot`), as the path would be written.
    public func nearFile(to path: String, written: String) -> String? {
        let folder = Path.directory(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let names = names(inDirectory: folder.isEmpty ? "." : folder).filter { $0 != name && !$0.hasPrefix(".") }
        guard let near = Suggestion.closest(to: name, among: names) else { return nil }
        let writtenName = written.split(separator: "/").last.map(String.init) ?? written
        return String(written.dropLast(writtenName.count)) + near
    }

    /// The whole file, or ``FileReadError/tooLarge(limit:)`` when it has more than `limit`
    /// bytes (never more than `limit + 1` bytes are read).
    public func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        let bytes = try readPrefix(path, count: limit < Int.max ? limit + 1 : limit)
        if bytes.count > limit { throw .tooLarge(limit: limit) }
        return bytes
    }
}

/// The machine's file system, through POSIX calls (no Foundation on this path: it is hot
/// when a scene has many images).
public struct LocalFileSystem: FileSystem {
    /// The real file system.
    public init() {}

    /// The whole file.
    public func read(_ path: String) throws(FileReadError) -> [UInt8] {
        try readPrefix(path, count: Int.max)
    }

    /// The names of the entries of a folder.
    public func names(inDirectory path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while names.count < 10_000, let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// The first `count` bytes of the file.
    public func readPrefix(_ path: String, count: Int) throws(FileReadError) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO that has no writer must not wait for one (it is refused
        // below); on a regular file the flag changes nothing.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw Self.error(errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Self.error(errno) }
        try Self.requireRegular(info.st_mode)
        let expected = min(count, max(0, Int(info.st_size)))
        var bytes = [UInt8](repeating: 0, count: expected)
        var filled = 0
        while filled < expected {
            let got = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress.map { $0 + filled }, expected - filled)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw Self.error(errno)
            }
            if got == 0 { break }
            filled += got
        }
        bytes.removeSubrange(filled...)
        // A file that grew since fstat, or one whose size stat does not know (files in /proc
        // say 0): read on to the end, never past `count`, and report every error (reading
        // /proc/self/mem fails with EIO; that is not an empty file).
        if filled == expected, filled < count {
            var chunk = [UInt8](repeating: 0, count: 65536)
            while bytes.count < count {
                let want = min(chunk.count, count - bytes.count)
                let got = chunk.withUnsafeMutableBytes { buffer in
                    Glibc.read(descriptor, buffer.baseAddress, want)
                }
                if got < 0 {
                    if errno == EINTR { continue }
                    throw Self.error(errno)
                }
                if got == 0 { break }
                bytes += chunk[0..<got]
            }
        }
        return bytes
    }

    /// The file's size in bytes.
    public func size(_ path: String) throws(FileReadError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Self.error(errno) }
        try Self.requireRegular(info.st_mode)
        guard access(path, R_OK) == 0 else { throw Self.error(errno) }
        return Int(info.st_size)
    }

    /// The file's device and inode.
    public func identity(of path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// The file's modification time.
    public func modificationTime(of path: String) -> FileModificationTime? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        #if canImport(Darwin)
            let time = info.st_mtimespec
        #else
            let time = info.st_mtim
        #endif
        return FileModificationTime(
            seconds: Int(time.tv_sec), nanoseconds: Int(time.tv_nsec),
            size: Int(info.st_size),
            identity: FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    /// Throws unless `mode` is a regular file's.
    private static func requireRegular(_ mode: mode_t) throws(FileReadError) {
        switch mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw .isDirectory
        case S_IFIFO: throw .notRegularFile("a named pipe (FIFO)")
        case S_IFCHR: throw .notRegularFile("a character device")
        case S_IFBLK: throw .notRegularFile("a block device")
        case S_IFSOCK: throw .notRegularFile("a socket")
        default: throw .notRegularFile("a special file")
        }
    }

    private static func error(_ code: Int32) -> FileReadError {
        switch code {
        case ENOENT, ENOTDIR: .notFound
        case EISDIR: .isDirectory
        default: .unreadable(String(cString: strerror(code)))
        }
    }
}

/// Path arithmetic on `/`-separated strings, kept as the user wrote them where possible so
/// diagnostics show familiar paths.
public enum Path {
    /// The folder part of `path` (`""` for a bare file name).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// `relative` resolved against the folder `base`; absolute paths stay as they are.
    public static func join(_ base: String, _ relative: String) -> String {
        if relative.hasPrefix("/") || base.isEmpty { return normalize(relative) }
        return normalize(base.hasSuffix("/") ? base + relative : base + "/" + relative)
    }

    /// Removes `.` segments and folds `name/..`, keeping leading `..` of relative paths.
    ///
    /// Works on UTF-8 bytes, splitting at each `/` byte as the file system does (a `String`
    /// split by characters is many times slower, and would not split a `/` that a combining
    /// mark follows).
    public static func normalize(_ path: String) -> String {
        let bytes = Array(path.utf8)
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        let absolute = bytes.first == slash
        var parts: [ArraySlice<UInt8>] = []
        for part in bytes.split(separator: slash, omittingEmptySubsequences: true) {
            if part.count == 1, part.first == dot { continue }
            let isParent = part.count == 2 && part.allSatisfy { $0 == dot }
            if isParent, let last = parts.last, !(last.count == 2 && last.allSatisfy { $0 == dot }) {
                parts.removeLast()
                continue
            }
            if isParent, absolute, parts.isEmpty { continue }
            parts.append(part)
        }
        var joined: [UInt8] = absolute ? [slash] : []
        joined.reserveCapacity(bytes.count + 1)
        for (index, part) in parts.enumerated() {
            if index > 0 { joined.append(slash) }
            joined.append(contentsOf: part)
        }
        if joined.isEmpty { return "." }
        return String(decoding: joined, as: UTF8.self)
    }
}
