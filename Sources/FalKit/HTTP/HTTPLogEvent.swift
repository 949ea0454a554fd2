import Foundation

/// What ``HTTPClient`` reports about each finished transfer to its verbose hook.
///
/// Credentials never appear: ``requestHeaders`` is redacted (`Authorization: Key ***`).
public struct HTTPLogEvent: Sendable, CustomStringConvertible {
    /// The request method.
    public var method: HTTPMethod
    /// The request URL.
    public var url: String
    /// The request header fields, with credentials replaced by `***`.
    public var requestHeaders: HTTPHeaders
    /// The response status, or nil when no response arrived.
    public var status: Int?
    /// Seconds from start to finish.
    public var elapsed: Double
    /// Bytes sent in the request body.
    public var bytesSent: Int
    /// Body bytes received.
    public var bytesReceived: Int
    /// The transport error text when the transfer failed, nil otherwise.
    public var error: String?

    /// Creates an event.
    public init(
        method: HTTPMethod, url: String, requestHeaders: HTTPHeaders, status: Int?, elapsed: Double,
        bytesSent: Int, bytesReceived: Int, error: String?
    ) {
        self.method = method
        self.url = url
        self.requestHeaders = requestHeaders.redacted
        self.status = status
        self.elapsed = elapsed
        self.bytesSent = bytesSent
        self.bytesReceived = bytesReceived
        self.error = error
    }

    /// One line such as `POST https://queue.fal.run/fal-ai/x -> 200 (0.41s, 120 B sent, 310 B received)`.
    public var description: String {
        let outcome = status.map { "\($0)" } ?? "no response"
        var line = "\(method) \(url) -> \(outcome) ("
        line += String(format: "%.2fs", elapsed)
        line += ", \(bytesSent) B sent, \(bytesReceived) B received)"
        if let error { line += ": \(error)" }
        return line
    }
}
