import Foundation
import NIOHTTP1

/// fal's queue routes: submit, status (polled or streamed), result and cancel, and the
/// status bodies and request URLs they answer with.
extension StandInRouter {
    /// `POST /{owner}/{alias}/...`: checks the body, keeps the request (before answering) and accepts it.
    func submit(_ request: StandInRequest, ownerAndAlias: String) -> StandInResponse {
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

    /// `GET .../requests/{id}/status`: the status now (200 when COMPLETED, else 202).
    func status(_ request: StandInRequest, requestID: String) -> HTTPReply {
        guard let job = state.withLock({ $0.jobs[requestID] }) else {
            return .json(404, ["detail": "Request not found"], requestID: requestID)
        }
        let (body, isFinal) = Self.statusBody(
            of: job, includeLogs: Self.wantsLogs(request.query["logs"]), baseURL: request.baseURL)
        return .json(isFinal ? 200 : 202, body, requestID: requestID)
    }

    /// `GET .../requests/{id}/status/stream`: the status as a stream of events.
    func stream(_ request: StandInRequest, requestID: String) -> StandInResponse {
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

    /// `GET .../requests/{id}`: the video, or why the render failed; 400 while it is still going.
    func result(_ request: StandInRequest, requestID: String) -> HTTPReply {
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

    /// `PUT .../requests/{id}/cancel`: cancels a request that is not completed.
    func cancel(requestID: String) -> HTTPReply {
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
}
