import Foundation

/// The three fal base URLs: queue, REST (storage tokens) and CDN (uploads).
public struct FalEndpoints: Sendable, Equatable {
    /// Queue API, default `https://queue.fal.run`.
    public var queue: String
    /// REST API, default `https://rest.fal.ai`.
    public var rest: String
    /// CDN upload host, default `https://v3.fal.media`.
    public var cdn: String
    /// Whether plain `http://` may be used to hosts that are not loopback (`SHOTC_ALLOW_HTTP=1`).
    public var allowsInsecureHTTP: Bool

    /// fal's production hosts.
    public static let production = FalEndpoints(
        queue: "https://queue.fal.run", rest: "https://rest.fal.ai", cdn: "https://v3.fal.media")

    /// Creates endpoints; a trailing slash is dropped. Use ``fromEnvironment(_:)`` or
    /// ``validate(_:name:allowsInsecureHTTP:)`` to check them.
    public init(queue: String, rest: String, cdn: String, allowsInsecureHTTP: Bool = false) {
        self.queue = Self.trimmed(queue)
        self.rest = Self.trimmed(rest)
        self.cdn = Self.trimmed(cdn)
        self.allowsInsecureHTTP = allowsInsecureHTTP
    }

    /// Reads `FAL_QUEUE_URL`, `FAL_REST_URL` and `FAL_CDN_URL` (each optional, empty means default)
    /// and checks that each is a full `http://` or `https://` URL with a host, plain `http://`
    /// only to a loopback host unless `SHOTC_ALLOW_HTTP=1`.
    public static func fromEnvironment(_ environment: [String: String]) throws -> FalEndpoints {
        let allowsHTTP = environment["SHOTC_ALLOW_HTTP"] == "1"
        func value(_ name: String, _ fallback: String) throws -> String {
            guard let raw = environment[name], !raw.isEmpty else { return fallback }
            try validate(raw, name: name, allowsInsecureHTTP: allowsHTTP)
            return raw
        }
        return FalEndpoints(
            queue: try value("FAL_QUEUE_URL", production.queue),
            rest: try value("FAL_REST_URL", production.rest),
            cdn: try value("FAL_CDN_URL", production.cdn),
            allowsInsecureHTTP: allowsHTTP)
    }

    /// Throws ``FalError/invalidConfiguration(_:)`` unless `url` is an absolute http(s) URL with a
    /// host (no user info, query or fragment), and plain `http://` only to a loopback host
    /// (127.0.0.0/8, `::1`, `localhost`) unless `allowsInsecureHTTP`.
    public static func validate(_ url: String, name: String, allowsInsecureHTTP: Bool = false) throws {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil,
            let origin = URLOrigin(url)
        else {
            throw FalError.invalidConfiguration(
                "\(name) must be a full URL such as https://queue.fal.run or http://127.0.0.1:8080, "
                    + "got '\(FalError.printable(url))'")
        }
        if origin.scheme == "http" && !origin.isLoopback && !allowsInsecureHTTP {
            let carried = name == "FAL_CDN_URL" ? "the upload token" : "the fal key"
            throw FalError.invalidConfiguration(
                HostPolicy.insecureHTTPMessage(origin: origin, carrying: carried, name: name))
        }
    }

    private static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

/// The fal API key. Its `description` is `Key ***`, so printing it by mistake reveals nothing.
public struct FalKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret; only ever placed in an `Authorization` header.
    let secret: String

    /// Wraps a key; throws ``FalError/missingKey`` when it is empty or blank.
    public init(_ secret: String) throws {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw FalError.missingKey }
        self.secret = trimmed
    }

    /// Reads `FAL_KEY`; a missing or empty value throws ``FalError/missingKey``.
    public static func fromEnvironment(_ environment: [String: String]) throws -> FalKey {
        try FalKey(environment["FAL_KEY"] ?? "")
    }

    /// The `Authorization` header value.
    var authorization: String { "Key \(secret)" }

    /// Always `Key ***`.
    public var description: String { "Key ***" }
    /// Always `Key ***`.
    public var debugDescription: String { "Key ***" }
}
