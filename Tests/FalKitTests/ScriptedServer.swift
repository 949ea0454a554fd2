import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One canned reply of ``ScriptedServer``.
struct ScriptedResponse: Sendable {
    var status: Int = 200
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    /// Seconds to wait before answering.
    var delay: Double = 0
    /// Send the full Content-Length but only this many body bytes, then close.
    var closeAfterBytes: Int?
    /// Close the connection without answering.
    var drop = false
    /// Stream these chunks (no Content-Length), pausing `chunkDelay` between them, then close.
    var chunks: [[UInt8]]?
    var chunkDelay: Double = 0.02
    /// After the body (or the chunks), send these bytes again and again (no Content-Length),
    /// pausing `repeatDelay` between them, until the client goes away: an endless reply.
    var repeating: [UInt8]?
    var repeatDelay: Double = 0

    static func json(_ status: Int, _ text: String, headers: [(String, String)] = []) -> ScriptedResponse {
        ScriptedResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
    }
}

/// A request the server received.
struct RecordedRequest: Sendable {
    var method: String
    /// Path with query.
    var target: String
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
}

/// A tiny HTTP/1.1 server on 127.0.0.1 (POSIX sockets, a thread per connection) answering from a
/// script of canned responses per `METHOD /path` (query ignored). The last response of a script
/// repeats. Every connection is closed after one reply.
final class ScriptedServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var scripts: [String: [ScriptedResponse]] = [:]
    private var received: [RecordedRequest] = []
    private var waiting = 0
    private var mostWaiting = 0

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = descriptor
        let thread = Thread { [self] in self.acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    private var stopped = false

    /// Stops accepting; safe to call twice (the descriptor is closed by the accept loop, so it is
    /// shut down only once and never after its number was reused).
    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        if first { shutdown(listener, Int32(SHUT_RDWR)) }
    }

    func script(_ method: String, _ path: String, _ responses: [ScriptedResponse]) {
        lock.withLock { scripts["\(method) \(path)"] = responses }
    }

    var requests: [RecordedRequest] { lock.withLock { received } }

    /// The most requests that were waiting out their scripted delay at the same moment: above
    /// one, the client had them in flight together.
    var mostConcurrentDelays: Int { lock.withLock { mostWaiting } }

    func requests(_ method: String, _ path: String) -> [RecordedRequest] {
        requests.filter { $0.method == method && $0.path == path }
    }

    private func nextResponse(for request: RecordedRequest) -> ScriptedResponse {
        lock.withLock {
            received.append(request)
            let key = "\(request.method) \(request.path)"
            guard var list = scripts[key], let first = list.first else {
                return .json(404, #"{"detail":"Not found"}"#)
            }
            if list.count > 1 {
                list.removeFirst()
                scripts[key] = list
            }
            return first
        }
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                close(listener)
                return
            }
            let thread = Thread { [self] in
                self.serve(connection)
                close(connection)
            }
            thread.start()
        }
    }

    private func serve(_ connection: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { return }
            buffer.append(contentsOf: chunk[0..<count])
            if buffer.count >= 4 {
                for index in 0...(buffer.count - 4) where Array(buffer[index..<index + 4]) == separator {
                    headerEnd = index
                    break
                }
            }
        }
        guard let headerEnd else { return }
        let head = String(decoding: buffer[0..<headerEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.0.lowercased() == "content-length" }?.1 ?? "0") ?? 0
        var body = Array(buffer[(headerEnd + 4)...])
        while body.count < length {
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { return }
            body.append(contentsOf: chunk[0..<count])
        }
        let request = RecordedRequest(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
        let response = nextResponse(for: request)
        if response.delay > 0 {
            lock.withLock {
                waiting += 1
                mostWaiting = max(mostWaiting, waiting)
            }
            Thread.sleep(forTimeInterval: response.delay)
            lock.withLock { waiting -= 1 }
        }
        if response.drop { return }

        var head2 = "HTTP/1.1 \(response.status) Scripted\r\n"
        for (name, value) in response.headers { head2 += "\(name): \(value)\r\n" }
        if response.chunks == nil && response.repeating == nil {
            head2 += "Content-Length: \(response.body.count)\r\n"
        }
        head2 += "Connection: close\r\n\r\n"
        guard sendAll(connection, Array(head2.utf8)) else { return }
        if let chunks = response.chunks {
            for piece in chunks {
                guard sendAll(connection, piece) else { return }
                Thread.sleep(forTimeInterval: response.chunkDelay)
            }
        } else if let limit = response.closeAfterBytes {
            _ = sendAll(connection, Array(response.body.prefix(limit)))
        } else {
            guard sendAll(connection, response.body) else { return }
        }
        if let piece = response.repeating {
            while sendAll(connection, piece) {
                if response.repeatDelay > 0 { Thread.sleep(forTimeInterval: response.repeatDelay) }
            }
        }
    }

    private func sendAll(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }
}
