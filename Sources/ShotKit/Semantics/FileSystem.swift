#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file could not be read.
public enum FileReadError: Error, Hashable, Sendable {
    /// There is no file at that path.
    case notFound
    /// It exists but is a directory.
    case isDirectory
    /// It exists but could not be read; the text is the system's.
    case unreadable(String)
}

/// What the compiler reads: scene files, imports, image headers. The command line passes the
/// real file system; tests and an editor (unsaved buffers) may pass their own.
public protocol FileSystem: Sendable {
    /// The whole file.
    func read(_ path: String) throws(FileReadError) -> [UInt8]
    /// At most `count` bytes from the start of the file.
    func readPrefix(_ path: String, count: Int) throws(FileReadError) -> [UInt8]
    /// The file's size in bytes.
    func size(_ path: String) throws(FileReadError) -> Int
}

/// The machine's file system, through POSIX calls (no Foundation on this path: it is hot
/// when a scene has many images).
public struct LocalFileSystem: FileSystem {
    /// The real file system.
    public init() {}

    public func read(_ path: String) throws(FileReadError) -> [UInt8] {
        try readPrefix(path, count: Int.max)
    }

    public func readPrefix(_ path: String, count: Int) throws(FileReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.error(errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Self.error(errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory }
        let expected = min(count, max(0, Int(info.st_size)))
        var bytes = [UInt8](repeating: 0, count: max(expected, 0))
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
        // A file that grew, or a special file whose size stat does not know.
        if count == Int.max, expected == 0 || filled == expected {
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let got = chunk.withUnsafeMutableBytes { buffer in
                    Glibc.read(descriptor, buffer.baseAddress, buffer.count)
                }
                if got < 0, errno == EINTR { continue }
                if got <= 0 { break }
                bytes += chunk[0..<got]
            }
        }
        return bytes
    }

    public func size(_ path: String) throws(FileReadError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Self.error(errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw .isDirectory }
        guard access(path, R_OK) == 0 else { throw Self.error(errno) }
        return Int(info.st_size)
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
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", absolute, parts.isEmpty { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
