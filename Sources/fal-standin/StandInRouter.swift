import Foundation
import NIOHTTP1
import Synchronization

/// A request matched to one of fal's routes.
enum Endpoint: Equatable {
    /// `POST /{owner}/{alias}/{path...}`.
    case submit(ownerAndAlias: String)
    /// `GET /{owner}/{alias}/requests/{id}/status[/]`.
    case status(requestID: String)
    /// `GET /{owner}/{alias}/requests/{id}/status/stream`.
    case stream(requestID: String)
    /// `GET /{owner}/{alias}/requests/{id}`.
    case result(requestID: String)
    /// `PUT /{owner}/{alias}/requests/{id}/cancel`.
    case cancel(requestID: String)
    /// `POST /storage/auth/token`.
    case token
    /// `POST /files/upload`.
    case upload
    /// `POST /storage/upload/initiate`.
    case initiate
    /// `PUT /upload/{id}`.
    case put(uploadID: String)
    /// `GET /files/...`.
    case file(path: String)
    /// `GET /media/{name}`.
    case media(fileName: String)

    /// The name counts and faults use.
    var routeName: RouteName {
        switch self {
        case .submit: .submit
        case .status: .status
        case .stream: .stream
        case .result: .result
        case .cancel: .cancel
        case .token: .token
        case .upload: .upload
        case .initiate: .initiate
        case .put: .put
        case .file: .file
        case .media: .media
        }
    }

    /// The request id in the path of a queue route.
    var requestID: String? {
        switch self {
        case .status(let id), .stream(let id), .result(let id), .cancel(let id): id
        default: nil
        }
    }

    /// Matches `method` and `path`; an empty segment (a trailing slash, say) is ignored.
    static func match(method: HTTPMethod, path: String) -> Endpoint? {
        let segments = path.split(separator: "/").map(String.init)
        switch (method, segments.first) {
        case (.POST, "storage"):
            if segments == ["storage", "auth", "token"] { return .token }
            if segments == ["storage", "upload", "initiate"] { return .initiate }
            return nil
        case (.POST, "files"):
            return segments == ["files", "upload"] ? .upload : nil
        case (.PUT, "upload"):
            return segments.count == 2 ? .put(uploadID: segments[1]) : nil
        case (.GET, "files"), (.HEAD, "files"):
            return segments.count >= 2 ? .file(path: "/" + segments.joined(separator: "/")) : nil
        case (.GET, "media"), (.HEAD, "media"):
            return segments.count == 2 ? .media(fileName: segments[1]) : nil
        case (_, "storage"), (_, "files"), (_, "upload"), (_, "media"), (_, "_standin"):
            return nil
        default:
            break
        }
        if segments.count >= 4, segments[2] == "requests" {
            let id = segments[3]
            switch (method, Array(segments.dropFirst(4))) {
            case (.GET, []): return .result(requestID: id)
            case (.GET, ["status"]): return .status(requestID: id)
            case (.GET, ["status", "stream"]): return .stream(requestID: id)
            case (.PUT, ["cancel"]): return .cancel(requestID: id)
            default: return nil
            }
        }
        if method == .POST, segments.count >= 2 {
            return .submit(ownerAndAlias: segments[0] + "/" + segments[1])
        }
        return nil
    }
}

/// Answers every request: fal's queue, storage and media routes, and the `/_standin/` control routes.
/// Thread-safe: all state sits behind one lock, and no call blocks.
final class StandInRouter: Sendable {
    /// The command-line settings.
    let options: StandInOptions
    private let state: Mutex<StandInState>
    /// Where requests, files and tokens are kept across restarts (`--state-dir`), if anywhere.
    private let store: StandInStore?

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

    private func submit(_ request: StandInRequest, ownerAndAlias: String) -> StandInResponse {
        let requestID = Self.newID()
        guard let body = JSON.parse(request.body) else {
            let problem = SubmitBodyValidator.problem(
                ["body"], "Invalid JSON: the body could not be parsed", "json_invalid")
            return .reply(.json(422, ["detail": [problem]], requestID: requestID))
        }
        let validator = SubmitBodyValidator(ownFilesPrefix: request.baseURL + "/files/") { [self] path in
            state.withLock { $0.files[path] != nil }
        }
        let problems = validator.problems(in: body)
        guard problems.isEmpty else {
            return .reply(.json(422, ["detail": .array(problems)], requestID: requestID))
        }
        let endpoint = String(request.path.split(separator: "/").joined(separator: "/"))
        let (job, answerFault) = state.withLock { state -> (RenderJob, Fault.Kind?) in
            var failure: RenderFailure?
            let renderFault = state.faults.take(for: .submit) { kind in
                if case .renderFail = kind { return true }
                return false
            }
            if case .renderFail(let message, let httpStatus, let errorType, let location) = renderFault {
                failure = RenderFailure(
                    message: message, httpStatus: httpStatus, errorType: errorType, location: location)
            }
            let answerFault = state.faults.take(for: .submit) { kind in
                switch kind {
                case .acceptThenStatus, .acceptThenDrop: true
                default: false
                }
            }
            let job = RenderJob(
                id: requestID, ownerAndAlias: ownerAndAlias, endpoint: endpoint, body: body,
                queueMilliseconds: options.queueMilliseconds, progressMilliseconds: options.progressMilliseconds,
                failure: failure)
            state.jobs[requestID] = job
            // Kept before anything is answered: an accepted request survives a restart.
            store?.save(job)
            return (job, answerFault)
        }
        switch answerFault {
        case .acceptThenDrop?:
            return .drop
        case .acceptThenStatus(let code, let omitRequestID, let faultBody)?:
            return .reply(
                Self.faultReply(
                    code: code, retryAfterSeconds: nil, requestID: omitRequestID ? nil : requestID,
                    body: faultBody ?? ["detail": "Internal Server Error"], errorType: nil))
        default:
            break
        }
        let requestURL = Self.requestURL(of: job, baseURL: request.baseURL)
        var position = 0
        if case .inQueue(let current) = job.currentPhase { position = current }
        let accepted: JSON = [
            "request_id": .string(requestID),
            "gateway_request_id": .string(requestID),
            "status": "IN_QUEUE",
            "queue_position": .integer(position),
            "status_url": .string(requestURL + "/status"),
            "response_url": .string(requestURL),
            "cancel_url": .string(requestURL + "/cancel"),
        ]
        return .reply(.json(200, accepted, requestID: requestID))
    }

    private func status(_ request: StandInRequest, requestID: String) -> HTTPReply {
        guard let job = state.withLock({ $0.jobs[requestID] }) else {
            return .json(404, ["detail": "Request not found"], requestID: requestID)
        }
        let (body, isFinal) = Self.statusBody(
            of: job, includeLogs: Self.wantsLogs(request.query["logs"]), baseURL: request.baseURL)
        return .json(isFinal ? 200 : 202, body, requestID: requestID)
    }

    private func stream(_ request: StandInRequest, requestID: String) -> StandInResponse {
        guard state.withLock({ $0.jobs[requestID] != nil }) else {
            return .reply(.json(404, ["detail": "Request not found"], requestID: requestID))
        }
        let includeLogs = Self.wantsLogs(request.query["logs"])
        let baseURL = request.baseURL
        return .eventStream(
            StatusEventStream(headers: HTTPHeaders([("x-fal-request-id", requestID)])) { [self] in
                guard let job = state.withLock({ $0.jobs[requestID] }) else { return nil }
                return Self.statusBody(of: job, includeLogs: includeLogs, baseURL: baseURL)
            })
    }

    private func result(_ request: StandInRequest, requestID: String) -> HTTPReply {
        guard let job = state.withLock({ $0.jobs[requestID] }) else {
            return .json(404, ["detail": "Request not found"], requestID: requestID)
        }
        guard case .completed(_, _, let failure) = job.currentPhase else {
            return .json(400, ["detail": "Request is still in progress"], requestID: requestID)
        }
        if let failure {
            let detail: JSON =
                failure.httpStatus == 422
                ? [SubmitBodyValidator.problem(failure.location, failure.message, failure.errorType)]
                : .string(failure.message)
            var reply = HTTPReply.json(
                failure.httpStatus, ["detail": detail, "error_type": .string(failure.errorType)], requestID: requestID)
            reply.headers.add(name: "x-fal-error-type", value: failure.errorType)
            return reply
        }
        let fileName = "\(requestID).mp4"
        return .json(
            200,
            [
                "video": [
                    "url": .string("\(request.baseURL)/media/\(fileName)"),
                    "content_type": .string(SampleVideo.contentType),
                    "file_name": .string(fileName),
                    "file_size": .integer(SampleVideo.bytes.count),
                ]
            ],
            requestID: requestID)
    }

    private func cancel(requestID: String) -> HTTPReply {
        let outcome = state.withLock { state -> (Int, String) in
            guard var job = state.jobs[requestID] else { return (404, "NOT_FOUND") }
            if job.isCompleted { return (400, "ALREADY_COMPLETED") }
            job.cancel()
            state.jobs[requestID] = job
            store?.save(job)
            return (202, "CANCELLATION_REQUESTED")
        }
        return .json(outcome.0, ["status": .string(outcome.1)], requestID: requestID)
    }

    private func token(_ request: StandInRequest, requestID: String) -> HTTPReply {
        let token = "standin-cdn-" + Self.newID()
        state.withLock { state in
            state.cdnTokens.insert(token)
            store?.saveCounters(of: state)
        }
        let expiry = Date().addingTimeInterval(3600)
        return .json(
            200,
            [
                "token": .string(token),
                "token_type": "Bearer",
                "base_url": .string(request.baseURL),
                "expires_at": .string(expiry.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))),
            ],
            requestID: requestID)
    }

    private func upload(_ request: StandInRequest, requestID: String) -> HTTPReply {
        let contentType = request.headers.first(name: "content-type") ?? "application/octet-stream"
        let fileName = Self.safeFileName(request.headers.first(name: "x-fal-file-name"))
        let path = state.withLock { state -> String in
            let path = "/files/\(state.takeUploadNumber())/\(fileName)"
            let file = StoredFile(bytes: request.body, contentType: contentType)
            state.files[path] = file
            store?.save(file: file, at: path)
            store?.saveCounters(of: state)
            return path
        }
        return .json(
            200, ["access_url": .string(request.baseURL + path), "content_type": .string(contentType)],
            requestID: requestID)
    }

    private func initiate(_ request: StandInRequest, requestID: String) -> HTTPReply {
        guard let body = JSON.parse(request.body), body.objectValue != nil else {
            let problem = SubmitBodyValidator.problem(["body"], "Invalid JSON: expected an object", "json_invalid")
            return .json(422, ["detail": [problem]], requestID: requestID)
        }
        let fileName = Self.safeFileName(body["file_name"]?.stringValue)
        let contentType = body["content_type"]?.stringValue ?? "application/octet-stream"
        let (uploadID, filePath) = state.withLock { state -> (String, String) in
            let uploadID = "u\(state.takeUploadNumber())"
            let filePath = "/files/\(uploadID)/\(fileName)"
            state.pendingUploads[uploadID] = PendingUpload(filePath: filePath, contentType: contentType)
            store?.saveCounters(of: state)
            return (uploadID, filePath)
        }
        return .json(
            200,
            [
                "upload_url": .string("\(request.baseURL)/upload/\(uploadID)"),
                "file_url": .string(request.baseURL + filePath),
            ],
            requestID: requestID)
    }

    private func put(_ request: StandInRequest, uploadID: String, requestID: String) -> HTTPReply {
        let stored = state.withLock { state -> Bool in
            guard let pending = state.pendingUploads[uploadID] else { return false }
            let contentType = request.headers.first(name: "content-type") ?? pending.contentType
            let file = StoredFile(bytes: request.body, contentType: contentType)
            state.files[pending.filePath] = file
            store?.save(file: file, at: pending.filePath)
            return true
        }
        guard stored else { return .json(404, ["detail": "Upload not found"], requestID: requestID) }
        return HTTPReply(status: 200, headers: HTTPHeaders([("x-fal-request-id", requestID)]), body: [])
    }

    private func file(_ request: StandInRequest, path: String, requestID: String) -> HTTPReply {
        guard let stored = state.withLock({ $0.files[path] }) else {
            return .json(404, ["detail": "File not found"], requestID: requestID)
        }
        return Self.bytesReply(
            stored.bytes, contentType: stored.contentType, method: request.method, requestID: requestID)
    }

    private func media(_ request: StandInRequest, fileName: String, requestID: String) -> HTTPReply {
        let known =
            fileName == "sample.mp4"
            || (fileName.hasSuffix(".mp4")
                && state.withLock { $0.jobs[String(fileName.dropLast(".mp4".count))] != nil })
        guard known else { return .json(404, ["detail": "File not found"], requestID: requestID) }
        return Self.bytesReply(
            SampleVideo.bytes, contentType: SampleVideo.contentType, method: request.method, requestID: requestID)
    }

    // MARK: - Control routes

    private func respondToControl(_ request: StandInRequest) -> HTTPReply {
        let requestID = Self.newID()
        switch (request.method, request.path) {
        case (.POST, "/_standin/faults"):
            guard let body = JSON.parse(request.body) else {
                return .json(400, ["detail": "The body must be a JSON array of faults"], requestID: requestID)
            }
            var specifications: [FaultSpecification] = []
            for item in body.arrayValue ?? [body] {
                switch Fault.parse(item) {
                case .success(let specification): specifications.append(specification)
                case .failure(let error): return .json(400, ["detail": .string(error.message)], requestID: requestID)
                }
            }
            state.withLock { state in
                for specification in specifications {
                    switch specification {
                    case .counted(let fault): state.faults.append(contentsOf: [fault])
                    case .outage(let outage): state.faults.start(outage)
                    }
                }
            }
            return .json(200, ["added": .integer(specifications.count)], requestID: requestID)
        case (.POST, "/_standin/faults/clear"):
            state.withLock { $0.faults.removeAll() }
            return .json(200, ["status": "OK"], requestID: requestID)
        case (.GET, "/_standin/requests"):
            let jobs = state.withLock { Array($0.jobs.values) }
            return .json(200, ["requests": .array(Self.requestList(jobs))], requestID: requestID)
        case (.GET, "/_standin/counts"):
            return .json(200, state.withLock { $0.counters.json }, requestID: requestID)
        case (.POST, "/_standin/reset"):
            state.withLock { state in
                state.reset()
                store?.removeAllRequests()
            }
            return .json(200, ["status": "OK"], requestID: requestID)
        default:
            return .json(404, ["detail": "Not found"], requestID: requestID)
        }
    }

    // MARK: - Helpers

    /// The entries of `GET /_standin/requests`, oldest submit first: id, endpoint, body as accepted, state now,
    /// `failed` (COMPLETED with an error: fal declared the render failed, a cancel included) and `cancelled`.
    static func requestList(_ jobs: [RenderJob]) -> [JSON] {
        let now = ContinuousClock.now
        return jobs.sorted { ($0.submittedAt, $0.id) < ($1.submittedAt, $1.id) }.map { job in
            let phase = job.phase(atElapsedMilliseconds: job.elapsedMilliseconds(at: now))
            var stateName = "IN_QUEUE"
            var failed = false
            var error: JSON = .null
            switch phase {
            case .inQueue: stateName = "IN_QUEUE"
            case .inProgress: stateName = "IN_PROGRESS"
            case .completed(_, _, let failure):
                stateName = "COMPLETED"
                failed = failure != nil
                error = failure.map { .string($0.message) } ?? .null
            }
            return [
                "id": .string(job.id), "endpoint": .string(job.endpoint), "body": job.body,
                "state": .string(stateName), "failed": .bool(failed), "cancelled": .bool(job.isCancelled),
                "error": error, "submitted_at": .string(ISO8601Timestamp.string(from: job.submittedDate)),
            ]
        }
    }

    /// A fresh lowercase UUID.
    static func newID() -> String { UUID().uuidString.lowercased() }

    /// `http://HOST:PORT/{owner}/{alias}/requests/{id}`.
    static func requestURL(of job: RenderJob, baseURL: String) -> String {
        "\(baseURL)/\(job.ownerAndAlias)/requests/\(job.id)"
    }

    /// Whether a `logs` query value asks for logs: `1` and `true` do; `0`, `false` and anything else do not.
    static func wantsLogs(_ value: String?) -> Bool {
        guard let value = value?.lowercased() else { return false }
        return value == "1" || value == "true"
    }

    /// The status body of `job` now, and whether it is COMPLETED.
    static func statusBody(of job: RenderJob, includeLogs: Bool, baseURL: String) -> (body: JSON, isFinal: Bool) {
        let responseURL = JSON.string(requestURL(of: job, baseURL: baseURL))
        switch job.currentPhase {
        case .inQueue(let position):
            return (["status": "IN_QUEUE", "queue_position": .integer(position), "response_url": responseURL], false)
        case .inProgress(let logs):
            let logsJSON: JSON = includeLogs ? .array(logs.map(\.json)) : .null
            return (["status": "IN_PROGRESS", "logs": logsJSON, "response_url": responseURL], false)
        case .completed(let logs, let inferenceSeconds, let failure):
            var members: [String: JSON] = [
                "status": "COMPLETED",
                "logs": includeLogs ? .array(logs.map(\.json)) : .null,
                "metrics": ["inference_time": .number(inferenceSeconds)],
                "response_url": responseURL,
            ]
            if let failure {
                members["error"] = .string(failure.message)
                members["error_type"] = .string(failure.errorType)
            }
            return (.object(members), true)
        }
    }

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

    /// A file reply; `HEAD` gets the headers only (the handler keeps `content-length` from `body`).
    static func bytesReply(_ bytes: [UInt8], contentType: String, method: HTTPMethod, requestID: String) -> HTTPReply {
        HTTPReply(
            status: 200, headers: HTTPHeaders([("content-type", contentType), ("x-fal-request-id", requestID)]),
            body: bytes)
    }

    /// The last path component of `name` with anything but letters, digits, `.`, `-` and `_` replaced by `_`;
    /// `upload.bin` when nothing is left.
    static func safeFileName(_ name: String?) -> String {
        let lastComponent = name?.split(separator: "/").last.map(String.init) ?? ""
        let safe = String(
            lastComponent.unicodeScalars.map { scalar -> Character in
                let allowed =
                    scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || ".-_".unicodeScalars.contains(scalar))
                return allowed ? Character(scalar) : "_"
            })
        return safe.isEmpty || safe.allSatisfy({ $0 == "." }) ? "upload.bin" : safe
    }
}
