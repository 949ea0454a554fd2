/// An HTTP method as sent on the request line.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The method token, e.g. `GET`.
    public let rawValue: String
    /// Wraps a method token.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// `GET`.
    public static let get = HTTPMethod(rawValue: "GET")
    /// `POST`.
    public static let post = HTTPMethod(rawValue: "POST")
    /// `PUT`.
    public static let put = HTTPMethod(rawValue: "PUT")
    /// `HEAD`.
    public static let head = HTTPMethod(rawValue: "HEAD")
    /// `DELETE`.
    public static let delete = HTTPMethod(rawValue: "DELETE")
    /// The method token.
    public var description: String { rawValue }
}

/// An ordered list of header fields with case-insensitive lookup.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// The fields in the order they were added or received.
    public private(set) var fields: [(name: String, value: String)]

    /// Creates a header list from name/value pairs, keeping their order.
    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    /// Creates a header list from a literal.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The first value of the named field, compared case-insensitively.
    public subscript(name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    /// Every value of the named field, compared case-insensitively.
    public func values(for name: String) -> [String] {
        let wanted = name.lowercased()
        return fields.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// Appends a field, keeping any existing field of the same name.
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field of that name with one field.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Removes every field of that name.
    public mutating func remove(_ name: String) {
        let wanted = name.lowercased()
        fields.removeAll { $0.name.lowercased() == wanted }
    }

    /// Whether there is no field.
    public var isEmpty: Bool { fields.isEmpty }

    /// Iterates the fields in order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    /// Field-by-field equality, names compared case-insensitively.
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy {
                $0.name.lowercased() == $1.name.lowercased() && $0.value == $1.value
            }
    }

    /// A copy with credentials hidden: `Authorization: Key abc` becomes `Authorization: Key ***`.
    public var redacted: HTTPHeaders {
        var copy = self
        copy.fields = fields.map { field in
            let lower = field.name.lowercased()
            guard lower == "authorization" || lower == "proxy-authorization" || lower == "x-fal-cdn-token"
            else { return field }
            let scheme = field.value.split(separator: " ", maxSplits: 1).first.map(String.init)
            if let scheme, field.value.contains(" ") { return (name: field.name, value: "\(scheme) ***") }
            return (name: field.name, value: "***")
        }
        return copy
    }
}

/// One HTTP request for ``HTTPClient``.
public struct HTTPRequest: Sendable {
    /// The method.
    public var method: HTTPMethod
    /// The absolute `http` or `https` URL.
    public var url: String
    /// Request header fields. libcurl's default `Accept: */*` is replaced when one is given here.
    public var headers: HTTPHeaders
    /// The body, or nil for none. A `PUT` or `POST` without a body sends `Content-Length: 0`.
    public var body: [UInt8]?
    /// The whole-transfer deadline in seconds, or nil for none (downloads and streams rely on
    /// ``idleTimeout`` instead).
    public var timeout: Double?
    /// Seconds without a single received byte after which the transfer is abandoned.
    public var idleTimeout: Double
    /// Seconds allowed for the connection (TCP and TLS) to be set up.
    public var connectTimeout: Double
    /// Whether redirects are followed (http and https only, at most 10).
    public var followRedirects: Bool
    /// Whether the request must go on a new connection. libcurl silently sends a request again
    /// when a reused keep-alive connection turns out to be dead; for a request that must never be
    /// sent twice (a paid submit) that is a second bill, so it gets a connection of its own.
    public var freshConnection = false
    /// The most bytes a successful reply body may have, in memory or written to a file; more
    /// abandons the transfer with ``FalError/replyTooLarge(what:limit:)``. Streamed bodies
    /// (``HTTPClient/stream(_:)``) are not counted: their reader caps what it keeps.
    public var maxBodyBytes: Int

    /// Creates a request; by default 120 s overall, 30 s idle, 10 s to connect, no redirects,
    /// a body of at most ``HTTPLimits/maxReplyBytes``.
    public init(
        method: HTTPMethod = .get, url: String, headers: HTTPHeaders = [:], body: [UInt8]? = nil,
        timeout: Double? = 120, idleTimeout: Double = 30, connectTimeout: Double = 10,
        followRedirects: Bool = false, maxBodyBytes: Int = HTTPLimits.maxReplyBytes
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.idleTimeout = idleTimeout
        self.connectTimeout = connectTimeout
        self.followRedirects = followRedirects
        self.maxBodyBytes = maxBodyBytes
    }
}

/// A complete HTTP response.
public struct HTTPResponse: Sendable {
    /// The status code of the final response (after redirects).
    public var status: Int
    /// The header fields of the final response.
    public var headers: HTTPHeaders
    /// The body; empty for a successful download, which went to its file instead.
    public var body: [UInt8]
    /// The URL that answered, after redirects.
    public var effectiveURL: String
    /// Body bytes received (for downloads, the bytes written to the file).
    public var bytesReceived: Int

    /// Creates a response value.
    public init(
        status: Int, headers: HTTPHeaders, body: [UInt8], effectiveURL: String = "", bytesReceived: Int? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.effectiveURL = effectiveURL
        self.bytesReceived = bytesReceived ?? body.count
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body decoded as UTF-8, with invalid sequences repaired.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
