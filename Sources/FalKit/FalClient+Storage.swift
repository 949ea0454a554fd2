import Foundation
import ShotJSON

/// A fal CDN upload token (`POST {rest}/storage/auth/token?storage_type=fal-cdn-v3`).
struct CDNToken: Sendable {
    /// The token.
    let token: String
    /// `Bearer`, usually.
    let tokenType: String
    /// The CDN base URL fal suggests.
    let baseURL: String?
    /// When it stops working.
    let expiresAt: Date
}

/// Caches the CDN token until shortly before it expires; concurrent callers share one request.
actor CDNTokenCache {
    private var current: CDNToken?
    private var inFlight: Task<CDNToken, Error>?

    /// A valid token, fetching one with `fetch` only when none is cached or being fetched.
    func token(now: Date, fetch: @escaping @Sendable () async throws -> CDNToken) async throws -> CDNToken {
        if let current, current.expiresAt.timeIntervalSince(now) > 60 { return current }
        if let inFlight { return try await inFlight.value }
        let task = Task { try await fetch() }
        inFlight = task
        do {
            let token = try await task.value
            current = token
            inFlight = nil
            return token
        } catch {
            inFlight = nil
            throw error
        }
    }

    /// Forgets a token the CDN refused.
    func invalidate() {
        current = nil
    }
}

extension FalClient {
    /// Uploads bytes to fal's CDN (v3 flow) and returns the file's URL (`access_url`).
    ///
    /// One token request serves many uploads, concurrent ones included; a refused token is fetched
    /// again once.
    public func upload(data: [UInt8], contentType: String, fileName: String) async throws -> String {
        var refreshed = false
        while true {
            let token = try await tokens.token(now: retryPolicy.now()) { [self] in try await self.fetchCDNToken() }
            var headers: HTTPHeaders = [
                "Authorization": "\(token.tokenType) \(token.token)", "Content-Type": contentType,
                "Accept": "application/json", "User-Agent": Self.userAgent,
            ]
            if let safeName = Self.headerSafe(fileName) { headers.add("X-Fal-File-Name", safeName) }
            let request = HTTPRequest(
                method: .post, url: "\(endpoints.cdn)/files/upload", headers: headers, body: data, timeout: 600,
                idleTimeout: 60)
            do {
                let response = try await call("upload", request)
                let object = try JSONObject.parse(response.body, what: "the upload reply")
                guard let url = object["access_url"]?.stringValue, !url.isEmpty else {
                    throw FalError.protocolViolation("the upload reply has no 'access_url'")
                }
                return url
            } catch FalError.http(let status, _, _, _) where (status == 401 || status == 403) && !refreshed {
                refreshed = true
                await tokens.invalidate()
            }
        }
    }

    /// `POST {rest}/storage/auth/token?storage_type=fal-cdn-v3` with body `{}`.
    func fetchCDNToken() async throws -> CDNToken {
        let request = HTTPRequest(
            method: .post, url: "\(endpoints.rest)/storage/auth/token?storage_type=fal-cdn-v3",
            headers: apiHeaders(contentType: "application/json"), body: Array("{}".utf8), timeout: 60)
        let response = try await call("upload token", request)
        let object = try JSONObject.parse(response.body, what: "the CDN token reply")
        guard let token = object["token"]?.stringValue, !token.isEmpty else {
            throw FalError.protocolViolation("the CDN token reply has no 'token'")
        }
        let now = retryPolicy.now()
        let expiry = object["expires_at"]?.stringValue.flatMap(Self.parseISO8601) ?? now.addingTimeInterval(300)
        return CDNToken(
            token: token, tokenType: object["token_type"]?.stringValue ?? "Bearer",
            baseURL: object["base_url"]?.stringValue, expiresAt: expiry)
    }

    /// Reads fal's `expires_at`: ISO-8601 with or without fractional seconds or a zone (UTC assumed).
    static func parseISO8601(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        // Python's isoformat() without a zone: read as UTC.
        formatter.formatOptions = [.withFullDate, .withTime, .withDashSeparatorInDate, .withColonSeparatorInTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.date(from: String(text.prefix(19)))
    }

    /// A file name usable in a header: printable ASCII only, else nil.
    static func headerSafe(_ name: String) -> String? {
        let cleaned = String(name.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7f }.map(Character.init))
        return cleaned.isEmpty ? nil : cleaned
    }
}
