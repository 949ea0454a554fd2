import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The scheme, host and port of an `http` or `https` URL: what decides where a request goes.
///
/// Parsing is deliberately strict so that it can never disagree with libcurl about the host:
/// printable ASCII only, no backslash, no user info (`user@`), a host of letters, digits, `.`,
/// `-` and `_` (or a bracketed IPv6 address), and a decimal port. Anything else is nil.
public struct URLOrigin: Hashable, Sendable, CustomStringConvertible {
    /// `http` or `https`, lowercased.
    public let scheme: String
    /// The host, lowercased; an IPv6 address without its brackets.
    public let host: String
    /// The port, the scheme's default (80, 443) when the URL names none.
    public let port: Int

    /// Reads the origin of `url`, or nil when it is not an unambiguous absolute http(s) URL.
    public init?(_ url: String) {
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\\") }),
            let separator = url.range(of: "://")
        else { return nil }
        let scheme = url[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = url[separator.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
            guard Self.ipv6Bytes(String(host)) != nil else { return nil }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                portText = authority[authority.index(after: colon)...]
            } else {
                host = authority
            }
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
            guard !host.isEmpty, host.allSatisfy({ allowed.contains($0) }) else { return nil }
        }
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                let number = Int(portText), (1...65535).contains(number)
            else { return nil }
            port = number
        }
        self.scheme = scheme
        self.host = host.lowercased()
        self.port = port
    }

    /// Whether the host is this machine: `localhost`, 127.0.0.0/8, `::1` (or `::ffff:127.x.y.z`).
    public var isLoopback: Bool {
        if host == "localhost" { return true }
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127
        }
        guard let bytes = Self.ipv6Bytes(host) else { return false }
        if bytes == [UInt8](repeating: 0, count: 15) + [1] { return true }
        return bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff && bytes[12] == 127
    }

    /// `host` or `host:port` when the port is not the scheme's default; IPv6 in brackets.
    public var hostAndPort: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        let defaultPort = scheme == "https" ? 443 : 80
        return port == defaultPort ? shown : "\(shown):\(port)"
    }

    /// `scheme://host[:port]`.
    public var description: String { "\(scheme)://\(hostAndPort)" }

    private static func ipv6Bytes(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}

/// Where credentials may go and which URLs may be fetched at all.
///
/// - The fal key goes only to the origins (scheme, host, port) of the queue and REST base URLs,
///   and, when either is fal's default, to fal's own domains over https (`fal.run`, `fal.ai`,
///   `falrun.com` and their subdomains, which is where fal's `status_url`, `response_url` and
///   `cancel_url` point).
/// - The CDN upload token goes only to the CDN base URL's origin.
/// - Plain `http://` is allowed for loopback hosts only, unless ``allowsInsecureHTTP`` (set by
///   `SHOTC_ALLOW_HTTP=1`). Downloads, which carry no credentials, may go to any https host.
public struct HostPolicy: Sendable {
    /// The origins that may receive the key.
    public let keyOrigins: Set<URLOrigin>
    /// The origin that may receive the CDN upload token.
    public let tokenOrigin: URLOrigin?
    /// Whether fal's own domains (over https) may receive the key.
    public let trustsFalDomains: Bool
    /// Whether plain `http://` may be used to hosts other than loopback ones.
    public let allowsInsecureHTTP: Bool

    /// fal's registrable domains: a host equal to one of these, or below one, is fal's.
    public static let falDomains = ["fal.run", "fal.ai", "falrun.com"]

    /// The policy for a client configured with `endpoints`.
    public init(endpoints: FalEndpoints) {
        let queue = URLOrigin(endpoints.queue)
        let rest = URLOrigin(endpoints.rest)
        keyOrigins = Set([queue, rest].compactMap { $0 })
        tokenOrigin = URLOrigin(endpoints.cdn)
        trustsFalDomains =
            (queue != nil && queue == URLOrigin(FalEndpoints.production.queue))
            || (rest != nil && rest == URLOrigin(FalEndpoints.production.rest))
        allowsInsecureHTTP = endpoints.allowsInsecureHTTP
    }

    /// Whether `origin` is one of fal's domains reached over https on the standard port.
    public static func isFalDomain(_ origin: URLOrigin) -> Bool {
        guard origin.scheme == "https", origin.port == 443 else { return false }
        return falDomains.contains { origin.host == $0 || origin.host.hasSuffix("." + $0) }
    }

    /// Throws unless a request carrying the fal key may be sent to `url`:
    /// ``FalError/untrustedHost(url:)`` for another host, ``FalError/invalidConfiguration(_:)``
    /// for plain http to a host that is not loopback without the override.
    public func checkKeyDestination(_ url: String) throws {
        guard let origin = URLOrigin(url), keyOrigins.contains(origin) || (trustsFalDomains && Self.isFalDomain(origin))
        else { throw FalError.untrustedHost(url: url) }
        try checkTransport(origin, what: "the fal key")
    }

    /// Throws unless a request carrying the CDN upload token may be sent to `url`.
    public func checkTokenDestination(_ url: String) throws {
        guard let origin = URLOrigin(url), origin == tokenOrigin else { throw FalError.untrustedHost(url: url) }
        try checkTransport(origin, what: "the upload token")
    }

    /// Throws unless `url` may be downloaded from (no credentials): any https host; plain http
    /// only to a loopback host or with the override.
    public func checkDownload(_ url: String) throws {
        guard let origin = URLOrigin(url) else {
            throw FalError.protocolViolation(
                "the video URL '\(FalError.printable(url))' is not a plain absolute http(s) URL; it was not downloaded")
        }
        if origin.scheme == "http" && !origin.isLoopback && !allowsInsecureHTTP {
            throw FalError.protocolViolation(
                "the video URL '\(FalError.printable(url))' uses plain http:// to \(origin.hostAndPort), which is not "
                    + "this machine; it was not downloaded (set SHOTC_ALLOW_HTTP=1 to allow plain http)")
        }
    }

    private func checkTransport(_ origin: URLOrigin, what: String) throws {
        if origin.scheme == "http" && !origin.isLoopback && !allowsInsecureHTTP {
            throw FalError.invalidConfiguration(Self.insecureHTTPMessage(origin: origin, carrying: what, name: nil))
        }
    }

    /// The text for plain http to a host that is not loopback.
    static func insecureHTTPMessage(origin: URLOrigin, carrying what: String, name: String?) -> String {
        let subject = name.map { "\($0) uses" } ?? "the request would use"
        return "\(subject) plain http:// to \(origin.hostAndPort), which is not this machine: \(what) would cross "
            + "the network unencrypted; use https://, or set SHOTC_ALLOW_HTTP=1 to allow plain http"
    }
}

extension FalClient {
    /// Where this client's credentials may go, from its ``endpoints``.
    public var hostPolicy: HostPolicy { HostPolicy(endpoints: endpoints) }

    /// Throws unless `request` may be sent: one carrying the key must go to a host the key may go
    /// to (``HostPolicy/checkKeyDestination(_:)``), one carrying another credential (the CDN
    /// token) only to the CDN. Nothing is sent when this throws.
    func checkDestination(_ request: HTTPRequest) throws {
        let credentials = request.headers.values(for: "Authorization")
        guard !credentials.isEmpty else { return }
        if credentials.contains(key.authorization) {
            try hostPolicy.checkKeyDestination(request.url)
        } else {
            try hostPolicy.checkTokenDestination(request.url)
        }
    }
}
