import Foundation
import ShotKit

#if canImport(Glibc)
    import Glibc
#endif

/// One run per output folder: an exclusive `flock` on `DIR/.shotc.lock`, held until released or
/// until the process ends (a lock left by a killed process never blocks: the kernel drops it).
/// Letting go removes the file, so a finished run leaves nothing behind in the folder.
public final class OutputLock: Sendable {
    /// The lock file.
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Removes the lock file, then lets go of the lock: the folder is left as it was. A process
    /// waiting on the removed file sees it is gone and takes the lock on a new one.
    deinit {
        unlink(path)
        close(descriptor)
    }

    /// Why the lock could not be taken.
    public enum Failure: Error, CustomStringConvertible, Sendable {
        /// Another process holds it (its pid, when it wrote one) and `wait` was false.
        case busy(path: String, holder: Int32?)
        /// The lock file cannot be created or locked.
        case unusable(path: String, reason: String)

        /// What went wrong, for the message.
        public var description: String {
            switch self {
            case .busy(let path, let holder):
                let who = holder.map { "process \($0)" } ?? "another process"
                return "\(who) is using the output folder '\(Path.directory(of: path))' (lock '\(path)')"
            case .unusable(let path, let reason):
                return "cannot lock '\(path)': \(reason)"
            }
        }
    }

    /// Takes the lock of `directory` (created if missing). When it is held and `wait` is true,
    /// calls `waiting` once with the holder's pid and blocks until it is free; otherwise throws
    /// ``Failure/busy(path:holder:)``.
    public static func acquire(
        in directory: String, wait: Bool, waiting: (Int32?) -> Void = { _ in }
    ) throws(Failure) -> OutputLock {
        let path = Path.join(directory, ".shotc.lock")
        do {
            try AtomicFile.makeDirectory(directory)
        } catch {
            throw .unusable(path: path, reason: error.reason)
        }
        var saidWaiting = false
        var descriptor: Int32 = -1
        while true {
            descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw .unusable(path: path, reason: String(cString: strerror(errno))) }
            if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
                guard errno == EWOULDBLOCK else {
                    let reason = String(cString: strerror(errno))
                    close(descriptor)
                    throw .unusable(path: path, reason: reason)
                }
                let holder = readPID(descriptor)
                guard wait else {
                    close(descriptor)
                    throw .busy(path: path, holder: holder)
                }
                if !saidWaiting {
                    saidWaiting = true
                    waiting(holder)
                }
                while flock(descriptor, LOCK_EX) != 0 {
                    guard errno == EINTR else {
                        let reason = String(cString: strerror(errno))
                        close(descriptor)
                        throw .unusable(path: path, reason: reason)
                    }
                }
            }
            // The holder removes the file as it lets go: a lock on a removed (or replaced) file
            // guards nothing, so take the one now at the path.
            if isStillAtPath(descriptor, path) { break }
            close(descriptor)
        }
        // Say who holds it, for the message a second run shows.
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return OutputLock(path: path, descriptor: descriptor)
    }

    /// Whether `descriptor` is the file now at `path` (not one removed or replaced meanwhile).
    private static func isStillAtPath(_ descriptor: Int32, _ path: String) -> Bool {
        var held = stat()
        var named = stat()
        guard fstat(descriptor, &held) == 0, stat(path, &named) == 0 else { return false }
        return held.st_dev == named.st_dev && held.st_ino == named.st_ino
    }

    private static func readPID(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
