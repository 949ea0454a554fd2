import Foundation

/// fal's queue, storage and CDN over ``HTTPClient``, with retries.
///
/// Every call sends `Authorization: Key …` (uploads send the CDN token instead), retries transient
/// failures according to ``retryPolicy`` and reports each retry to `onRetry`.
public final class FalClient: Sendable {
    /// The base URLs.
    public let endpoints: FalEndpoints
    /// When failed calls are retried.
    public let retryPolicy: RetryPolicy
    /// How requests are followed when the status stream is unavailable.
    public let polling: PollingPolicy
    /// The `User-Agent` sent with every request.
    public static let userAgent = "shotc/0.1"

    /// The API key; only ever placed in `Authorization` headers.
    let key: FalKey
    /// The transport.
    let http: HTTPClient
    /// Told about every retry.
    let onRetry: (@Sendable (RetryEvent) -> Void)?
    /// The CDN upload token, shared by concurrent uploads.
    let tokens = CDNTokenCache()

    /// Creates a client. `onRetry` is told about every retry, e.g. to show "retrying in 2s (HTTP 429)".
    public init(
        key: FalKey, endpoints: FalEndpoints = .production, http: HTTPClient, retryPolicy: RetryPolicy = .standard,
        polling: PollingPolicy = .standard, onRetry: (@Sendable (RetryEvent) -> Void)? = nil
    ) {
        self.key = key
        self.endpoints = endpoints
        self.http = http
        self.retryPolicy = retryPolicy
        self.polling = polling
        self.onRetry = onRetry
    }

    // MARK: Requests

    /// The headers of a fal API call: key, JSON accept, user agent.
    func apiHeaders(contentType: String? = nil, accept: String = "application/json") -> HTTPHeaders {
        var headers: HTTPHeaders = [
            "Authorization": key.authorization, "Accept": accept, "User-Agent": Self.userAgent,
        ]
        if let contentType { headers.add("Content-Type", contentType) }
        return headers
    }

    /// How aggressively a call may be repeated.
    enum RetryMode {
        /// Safe to repeat: any transient failure is retried.
        case idempotent
        /// A submit: repeated only where fal cannot have accepted it (no connection made; 408,
        /// 409, 429; 502/503/504 without `x-fal-request-id`), as fal's own clients do, so a
        /// request is never billed twice.
        case submit
    }

    /// Thrown inside an attempt for a response the caller does not accept; mapped to ``FalError`` at the end.
    struct UnacceptedResponse: Error {
        let response: HTTPResponse
    }

    /// Sends `request` with retries. Responses for which `accept` is true are returned; others are
    /// retried when transient and finally turned into an error by `failure`.
    func call(
        _ operation: String, _ request: HTTPRequest, mode: RetryMode = .idempotent,
        accept: @Sendable (HTTPResponse) -> Bool = { $0.isSuccess },
        failure: (HTTPResponse) -> FalError = FalError.from(response:)
    ) async throws -> HTTPResponse {
        try checkDestination(request)
        do {
            return try await retrying(operation, mode: mode) {
                let response = try await self.http.send(request)
                guard accept(response) else { throw UnacceptedResponse(response: response) }
                return response
            }
        } catch let unaccepted as UnacceptedResponse {
            throw failure(unaccepted.response)
        }
    }

    /// Runs `attempt` until it succeeds, fails for good, or the attempts run out.
    func retrying<T>(_ operation: String, mode: RetryMode, _ attempt: () async throws -> T) async throws -> T {
        var number = 1
        while true {
            do {
                return try await attempt()
            } catch {
                guard number < retryPolicy.maxAttempts, let decision = Self.retryDecision(for: error, mode: mode)
                else { throw error }
                let delay = retryPolicy.delay(beforeRetry: number, retryAfter: decision.retryAfter)
                onRetry?(
                    RetryEvent(
                        operation: operation, attempt: number, maxAttempts: retryPolicy.maxAttempts, delay: delay,
                        reason: decision.reason))
                try await retryPolicy.sleep(delay)
                number += 1
            }
        }
    }

    /// Whether an error is worth another attempt; the reason to show and a `Retry-After` value.
    static func retryDecision(for error: Error, mode: RetryMode) -> (reason: String, retryAfter: String?)? {
        if let unaccepted = error as? UnacceptedResponse {
            let response = unaccepted.response
            let status = response.status
            let reason = ("HTTP \(status)", response.headers["Retry-After"])
            switch (mode, status) {
            case (_, 408), (_, 409), (_, 429):
                return reason
            case (.submit, 502), (.submit, 503), (.submit, 504):
                // The ingress answered without reaching the app only when it gave no request id
                // (a 504 that says the app's own time ran out reached the app).
                let reachedApp =
                    response.headers["x-fal-request-id"] != nil
                    || response.headers["X-Fal-Request-Timeout-Type"]?.lowercased() == "user"
                return reachedApp ? nil : reason
            case (.submit, _):
                // A 500 (or any other answer) may come from the app after it accepted the request.
                return nil
            case (.idempotent, 500), (.idempotent, 502), (.idempotent, 503):
                return reason
            case (.idempotent, 504):
                return response.headers["X-Fal-Request-Timeout-Type"]?.lowercased() == "user" ? nil : reason
            default:
                return nil
            }
        }
        guard case FalError.transport(let code, let message)? = error as? FalError else { return nil }
        let reason = message.split(separator: ":").first.map(String.init) ?? message
        switch (mode, TransportFailure(curlCode: code)) {
        case (_, .notSent): return (reason, nil)
        // A submit that may have reached fal is never repeated (a second bill).
        case (.submit, _), (_, .permanent): return nil
        case (.idempotent, .interrupted): return (reason, nil)
        }
    }

    /// `url` with `name=value` added to its query.
    static func appendingQuery(_ url: String, _ item: String) -> String {
        url + (url.contains("?") ? "&" : "?") + item
    }
}
