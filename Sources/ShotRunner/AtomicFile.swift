import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Numbers the temporary files of this process, so two writes of one file at once never share one.
private let temporaryNumbers = Atomic<Int>(0)

/// A file-system operation that failed, with the system's reason.
public struct FileWriteError: Error, CustomStringConvertible, Sendable {
    /// The path involved.
    public var path: String
    /// The system's text for the failure.
    public var reason: String

    /// A description for people.
    public var description: String { "cannot write '\(path)': \(reason)" }
}

/// Writing files so that a reader never sees half of one: write a temporary file beside it,
/// flush it to disk, rename it into place.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically. Concurrent writes of one path each use a temporary
    /// file of their own (`PATH.tmp-PID-N`); the last rename wins, and every version is whole.
    public static func write(_ bytes: [UInt8], to path: String) throws(FileWriteError) {
        let number = temporaryNumbers.add(1, ordering: .relaxed).newValue
        let temporary = "\(path).tmp-\(getpid())-\(number)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure(temporary) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let error = failure(temporary)
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += result
        }
        guard fsync(descriptor) == 0, close(descriptor) == 0 else {
            let error = failure(temporary)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = failure(path)
            unlink(temporary)
            throw error
        }
        syncDirectory(of: path)
    }

    /// Makes a rename durable by flushing the folder that holds `path`; best effort (some file
    /// systems cannot flush a folder, and the file itself is already on disk).
    public static func syncDirectory(of path: String) {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    /// Creates `path` and its missing parents.
    public static func makeDirectory(_ path: String) throws(FileWriteError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o755) != 0, errno != EEXIST { throw failure(prefix) }
            var info = stat()
            if stat(prefix, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR {
                throw FileWriteError(path: prefix, reason: "it exists and is not a folder")
            }
            prefix += "/"
        }
    }

    /// Whether a file exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    private static func failure(_ path: String) -> FileWriteError {
        FileWriteError(path: path, reason: String(cString: strerror(errno)))
    }
}
