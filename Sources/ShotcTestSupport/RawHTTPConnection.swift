// A minimal HTTP/1.1 client over a loopback socket, shared by the test targets that talk to
// the stand-in (the ShotcTestSupport target). Raw sockets rather than URLSession, which could
// pick up proxy settings from the environment.
import Foundation
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a raw request got no usable response.
public enum RawHTTPError: Error, Equatable {
    case socket(Int32)
    case connect(Int32)
    case timedOut
    case closedWithoutResponse
    case malformedResponse
    case notJSONObject
}

/// One parsed response.
public struct RawHTTPResponse {
    /// The status code.
    public var status: Int
    /// Header names lowercased.
    public var headers: [String: String]
    /// The body as received.
    public var body: [UInt8]
    /// False when the body stopped short of its content-length or its chunked framing.
    public var isComplete: Bool

    /// The body as a JSON object.
    public func object() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw RawHTTPError.notJSONObject
        }
        return object
    }
}

/// One TCP connection to 127.0.0.1 with a 5-second read timeout.
public final class RawHTTPConnection {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var closedByPeer = false

    /// Connects to 127.0.0.1 on `port`.
    public init(port: Int) throws {
        #if os(Linux)
            descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw RawHTTPError.socket(errno) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let error = errno
            close(descriptor)
            throw RawHTTPError.connect(error)
        }
    }

    deinit { close(descriptor) }

    /// Sends one request and reads one response.
    public func send(
        _ method: String, _ target: String, headers: [String: String], body: [UInt8], keepAlive: Bool
    ) throws
        -> RawHTTPResponse
    {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n"
        head += keepAlive ? "" : "Connection: close\r\n"
        head += "\r\n"
        let request = Array(head.utf8) + body
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { raw -> Int in
                #if os(Linux)
                    Glibc.send(descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
                #else
                    Darwin.send(descriptor, raw.baseAddress, raw.count, 0)
                #endif
            }
            if count <= 0 { throw RawHTTPError.closedWithoutResponse }
            sent += count
        }
        return try readResponse()
    }

    private func fill() throws -> Bool {
        if closedByPeer { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count == 0 {
                closedByPeer = true
                return false
            }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw RawHTTPError.timedOut }
            closedByPeer = true  // ECONNRESET and friends
            return false
        }
    }

    /// Reads the next response on the connection, an interim `100 Continue` included.
    public func readResponse() throws -> RawHTTPResponse {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find(separator, in: buffer)
            if headEnd == nil, try !fill() {
                if buffer.isEmpty { throw RawHTTPError.closedWithoutResponse }
                throw RawHTTPError.malformedResponse
            }
        }
        guard let headEnd else { throw RawHTTPError.malformedResponse }
        let headText = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + separator.count)
        var lines = headText.components(separatedBy: "\r\n")
        let statusParts = lines.removeFirst().split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw RawHTTPError.malformedResponse }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        if (100..<200).contains(status) {
            return RawHTTPResponse(status: status, headers: headers, body: [], isComplete: true)
        }
        if let lengthText = headers["content-length"], let length = Int(lengthText) {
            while buffer.count < length, try fill() {}
            let body = Array(buffer.prefix(length))
            buffer.removeFirst(body.count)
            return RawHTTPResponse(status: status, headers: headers, body: body, isComplete: body.count == length)
        }
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            var body: [UInt8] = []
            while true {
                let lineEnd: Int
                if let found = Self.find(Array("\r\n".utf8), in: buffer) {
                    lineEnd = found
                } else if try fill() {
                    continue
                } else {
                    return RawHTTPResponse(status: status, headers: headers, body: body, isComplete: false)
                }
                let sizeText = String(decoding: buffer[0..<lineEnd], as: UTF8.self)
                guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else {
                    throw RawHTTPError.malformedResponse
                }
                while buffer.count < lineEnd + 2 + size + 2, try fill() {}
                guard buffer.count >= lineEnd + 2 + size + 2 else {
                    body += buffer.dropFirst(lineEnd + 2).prefix(size)
                    return RawHTTPResponse(status: status, headers: headers, body: body, isComplete: false)
                }
                body += buffer[(lineEnd + 2)..<(lineEnd + 2 + size)]
                buffer.removeFirst(lineEnd + 2 + size + 2)
                if size == 0 { return RawHTTPResponse(status: status, headers: headers, body: body, isComplete: true) }
            }
        }
        while try fill() {}
        let body = buffer
        buffer = []
        return RawHTTPResponse(status: status, headers: headers, body: body, isComplete: true)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
