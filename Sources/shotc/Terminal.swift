#if canImport(Glibc)
    import Glibc
#endif

/// The process's standard streams, written without buffering surprises.
enum Terminal {
    /// Whether standard error is a terminal that takes colour (not `TERM=dumb`, no `NO_COLOR`).
    static var stderrTakesColor: Bool { stderrIsTerminal && getenv("NO_COLOR") == nil }

    /// Whether standard error is a terminal (the live progress display needs one).
    static var stderrIsTerminal: Bool {
        isatty(STDERR_FILENO) == 1 && (getenv("TERM").map { String(cString: $0) } ?? "").lowercased() != "dumb"
    }

    /// Whether a question can be asked and answered: standard input and standard error are both
    /// terminals (whatever `TERM` says).
    static var canAsk: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1 }

    /// Writes `text` to standard output.
    static func write(_ text: String) { write(Array(text.utf8), to: STDOUT_FILENO) }

    /// Ends a command that succeeded and has written everything (this type's writes are not
    /// buffered), without freeing what it built. Freeing a large scene's trees, model, shots
    /// and requests one by one is 4 % of a 5,000-shot build, for memory the kernel takes back
    /// at once anyway (clang's `-disable-free` skips the same work).
    static func exitKeepingMemory() -> Never { exit(0) }

    /// Writes `bytes` to standard output.
    static func write(bytes: [UInt8]) { write(bytes, to: STDOUT_FILENO) }

    /// Writes `text` to standard error.
    static func writeError(_ text: String) { write(Array(text.utf8), to: STDERR_FILENO) }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) {
        var written = 0
        while written < bytes.count {
            // Read in place: a mutable view of an array the caller still holds copies it.
            let result = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                return
            }
            written += result
        }
    }
}
