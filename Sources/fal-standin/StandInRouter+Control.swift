import Foundation
import NIOHTTP1

/// The `/_standin/` control routes that tests drive: faults, the requests, the counts, a reset.
extension StandInRouter {
    /// The `/_standin/` control routes: faults, the requests, the counts and a reset.
    func respondToControl(_ request: StandInRequest) -> HTTPReply {
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
}
