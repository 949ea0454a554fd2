#if canImport(Glibc)
    import Glibc
#endif

/// Runs a ``LanguageServer`` over standard input and output until `exit` or the end of input.
public enum StdioTransport {
    /// Serves on stdin/stdout and returns the exit status.
    public static func run(debounce: Double) -> Int32 {
        let server = LanguageServer(debounce: debounce) { body in
            writeAll(MessageFramer.frame(body))
        }
        var framer = MessageFramer()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while server.exitStatus == nil {
            var timeout: Int32 = -1
            if let deadline = server.nextDeadline {
                timeout = Int32(max(0, min(60_000, ((deadline - LanguageServer.now()) * 1000).rounded(.up))))
            }
            var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return 1
            }
            if ready == 0 {
                server.tick()
                continue
            }
            let count = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return 1
            }
            if count == 0 {
                // The client went away: nothing more can be asked or shown.
                return 0
            }
            framer.append(chunk[0..<count])
            while server.exitStatus == nil, let frame = framer.next() {
                switch frame {
                case .message(let body): server.receive(body)
                case .malformed(let reason): server.receiveMalformed(reason)
                }
            }
            if let deadline = server.nextDeadline, deadline <= LanguageServer.now() { server.tick() }
        }
        return server.exitStatus ?? 0
    }

    /// Writes all of `bytes` to standard output (a closed pipe loses them: SIGPIPE is ignored).
    private static func writeAll(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(1, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
