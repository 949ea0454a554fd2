import Foundation
import NIOHTTP1
import Synchronization

/// Answers every request: fal's queue, storage and media routes, and the `/_standin/` control routes.
/// Thread-safe: all state sits behind one lock, and no call blocks.
///
/// Routing and faults are here; the routes are answered in StandInRouter+Queue.swift,
/// StandInRouter+Storage.swift and StandInRouter+Control.swift, matched by ``Endpoint``.
final class StandInRouter: Sendable {
    /// The command-line settings.
    let options: StandInOptions
    /// The requests, files, tokens, counts and faults, behind one lock.
    let state: Mutex<StandInState>
    /// Where requests, files and tokens are kept across restarts (`--state-dir`), if anywhere.
    let store: StandInStore?

    /// A router starting from `initialState` (empty unless reloaded from `store`), keeping changes in `store`.
    init(options: StandInOptions, store: StandInStore? = nil, initialState: StandInState = StandInState()) {
        self.options = options
        self.store = store
        self.state = Mutex(initialState)
    }

    /// The response to `request`.
    func respond(to request: StandInRequest) -> StandInResponse {
        if request.path == "/_standin" || request.path.hasPrefix("/_standin/") {
            return .reply(respondToControl(request))
        }
        guard let endpoint = Endpoint.match(method: request.method, path: request.path) else {
            return .reply(.json(404, ["detail": "Not found"], requestID: Self.newID()))
        }
        let (outage, fault) = state.withLock { state -> (Outage?, Fault.Kind?) in
            state.counters.count(endpoint.routeName)
            if let authorization = request.headers.first(name: "authorization") {
                state.counters.recordAuthorization(authorization)
            }
            if endpoint.routeName == .submit { state.counters.recordSubmitBody(request.body) }
            if let outage = state.faults.outage(for: endpoint.routeName) { return (outage, nil) }
            return (nil, state.faults.take(for: endpoint.routeName) { !$0.appliesOnAcceptance })
        }
        if let outage {
            if outage.drops { return .drop }
            // An outage is the ingress failing: no request reached fal's queue, so no x-fal-request-id.
            return .reply(
                Self.faultReply(
                    code: outage.status, retryAfterSeconds: outage.retryAfterSeconds, requestID: nil,
                    body: ["detail": .string(HTTPResponseStatus(statusCode: outage.status).reasonPhrase)],
                    errorType: nil))
        }
        let requestID = endpoint.requestID ?? Self.newID()
        switch fault {
        case nil:
            return respondNormally(to: request, endpoint: endpoint, requestID: requestID)
        case .status(let code, let retryAfterSeconds, let omitRequestID, let body, let errorType):
            return .reply(
                Self.faultReply(
                    code: code, retryAfterSeconds: retryAfterSeconds, requestID: omitRequestID ? nil : requestID,
                    body: body, errorType: errorType))
        case .drop:
            return .drop
        case .delay(let milliseconds):
            return .delayed(milliseconds: milliseconds) { [self] in
                respondNormally(to: request, endpoint: endpoint, requestID: requestID)
            }
        case .truncate(let bytes):
            let normal = respondNormally(to: request, endpoint: endpoint, requestID: requestID)
            if case .reply(let reply) = normal { return .truncated(reply, keptBytes: bytes) }
            return normal
        case .renderFail, .acceptThenStatus, .acceptThenDrop:
            // Excluded by the predicate above; taken when a submit is accepted.
            return respondNormally(to: request, endpoint: endpoint, requestID: requestID)
        }
    }

    // MARK: - fal routes

    private func respondNormally(to request: StandInRequest, endpoint: Endpoint, requestID: String) -> StandInResponse {
        if let denied = checkAuthorization(request, endpoint: endpoint, requestID: requestID) {
            return .reply(denied)
        }
        switch endpoint {
        case .submit(let ownerAndAlias): return submit(request, ownerAndAlias: ownerAndAlias)
        case .status(let id): return .reply(status(request, requestID: id))
        case .stream(let id): return stream(request, requestID: id)
        case .result(let id): return .reply(result(request, requestID: id))
        case .cancel(let id): return .reply(cancel(requestID: id))
        case .token: return .reply(token(request, requestID: requestID))
        case .upload: return .reply(upload(request, requestID: requestID))
        case .initiate: return .reply(initiate(request, requestID: requestID))
        case .put(let uploadID): return .reply(put(request, uploadID: uploadID, requestID: requestID))
        case .file(let path): return .reply(file(request, path: path, requestID: requestID))
        case .media(let fileName): return .reply(media(request, fileName: fileName, requestID: requestID))
        }
    }

    /// `nil` when the request may proceed, otherwise the 401 reply (counted).
    private func checkAuthorization(_ request: StandInRequest, endpoint: Endpoint, requestID: String) -> HTTPReply? {
        let authorization = request.headers.first(name: "authorization") ?? ""
        let allowed: Bool
        switch endpoint {
        case .put, .file, .media:
            // Signed upload URLs and public CDN URLs: no credentials, as on fal.
            allowed = true
        case .upload:
            let token = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst("Bearer ".count)) : ""
            allowed = state.withLock { $0.cdnTokens.contains(token) }
        default:
            allowed = authorization == "Key \(options.key)"
        }
        if allowed { return nil }
        state.withLock { $0.counters.countUnauthorized() }
        return .json(401, ["detail": "Invalid authentication"], requestID: requestID)
    }

    // MARK: - Helpers

    /// A fresh lowercase UUID.
    static func newID() -> String { UUID().uuidString.lowercased() }

    /// The reply of a `status` fault.
    static func faultReply(
        code: Int, retryAfterSeconds: Int?, requestID: String?, body: JSON?, errorType: String?
    )
        -> HTTPReply
    {
        var reply: HTTPReply
        switch body {
        case .string(let text)?:
            // A string body is sent as raw text, e.g. an nginx error page.
            reply = HTTPReply(
                status: code, headers: HTTPHeaders([("content-type", "text/html")]), body: Array(text.utf8))
            if let requestID { reply.headers.add(name: "x-fal-request-id", value: requestID) }
        case let body?:
            reply = .json(code, body, requestID: requestID)
        case nil:
            let reason = HTTPResponseStatus(statusCode: code).reasonPhrase
            var members: [String: JSON] = ["detail": .string("Injected fault: \(code) \(reason)")]
            if let errorType { members["error_type"] = .string(errorType) }
            reply = .json(code, .object(members), requestID: requestID)
        }
        if let retryAfterSeconds { reply.headers.add(name: "retry-after", value: String(retryAfterSeconds)) }
        if let errorType { reply.headers.add(name: "x-fal-error-type", value: errorType) }
        return reply
    }
}
