import Foundation

/// Why a render ended without a video: a `renderFail` fault or a cancel.
struct RenderFailure: Sendable, Equatable {
    /// The `error` of the COMPLETED status and the `detail` of the result.
    var message: String
    /// The HTTP status the result answers with.
    var httpStatus: Int
    /// The `error_type` of the COMPLETED status and the `X-Fal-Error-Type` of the result.
    var errorType: String
    /// The `loc` of the 422 detail list: the field fal blames.
    var location: [JSON] = ["body"]

    /// The failure a cancel leaves behind.
    static let cancelled = RenderFailure(
        message: "Request was cancelled", httpStatus: 400, errorType: "request_cancelled")

    /// The form kept in a `--state-dir`.
    var json: JSON {
        [
            "message": .string(message), "http_status": .integer(httpStatus), "error_type": .string(errorType),
            "loc": .array(location),
        ]
    }

    /// Reads the form written by `json`.
    init?(json: JSON) {
        guard let message = json["message"]?.stringValue, let httpStatus = json["http_status"]?.integerValue,
            let errorType = json["error_type"]?.stringValue
        else { return nil }
        self.init(
            message: message, httpStatus: httpStatus, errorType: errorType,
            location: json["loc"]?.arrayValue ?? ["body"])
    }

    /// A failure with these parts.
    init(message: String, httpStatus: Int, errorType: String, location: [JSON] = ["body"]) {
        self.message = message
        self.httpStatus = httpStatus
        self.errorType = errorType
        self.location = location
    }
}

/// One runner log line, as fal reports it in `logs`.
struct RenderLogEntry: Sendable, Equatable {
    /// The text.
    var message: String
    /// ISO-8601 wall-clock time the line was "written".
    var timestamp: String

    /// `{"message","level":"INFO","source":"USER","timestamp"}`.
    var json: JSON {
        ["message": .string(message), "level": "INFO", "source": "USER", "timestamp": .string(timestamp)]
    }
}

/// Where a request stands at one moment.
enum RenderPhase: Sendable, Equatable {
    /// Waiting; `position` requests are ahead of it.
    case inQueue(position: Int)
    /// Running, with the log lines written so far.
    case inProgress(logs: [RenderLogEntry])
    /// Finished, with all its log lines, the seconds it ran, and the failure if it did not produce a video.
    case completed(logs: [RenderLogEntry], inferenceSeconds: Double, failure: RenderFailure?)
}

/// One submitted request and its timeline, which depends only on the time since submit:
/// `IN_QUEUE` for `queueMilliseconds` (the position counting down to 0), `IN_PROGRESS` for
/// `progressMilliseconds` (a log line at each quarter), then `COMPLETED`. A cancel ends the timeline early.
struct RenderJob: Sendable {
    /// How many requests are ahead of a newly submitted one.
    static let initialQueuePosition = 2
    /// The frame count the log lines pretend to render.
    static let frameCount = 120

    /// The request id (a lowercase UUID), also used as `gateway_request_id`.
    let id: String
    /// `owner/alias` of the endpoint id, the prefix of the status, result and cancel URLs.
    let ownerAndAlias: String
    /// The endpoint id the request was submitted to, e.g. `fal-ai/kling-video/o1/standard/reference-to-video`.
    let endpoint: String
    /// The body as accepted.
    let body: JSON
    /// When the submit arrived, on the monotonic clock the timeline runs on.
    let submittedAt: ContinuousClock.Instant
    /// When the submit arrived, on the wall clock the log timestamps use.
    let submittedDate: Date
    /// The queue phase's length.
    let queueMilliseconds: Double
    /// The progress phase's length.
    let progressMilliseconds: Double
    /// Set by a `renderFail` fault: the render ends COMPLETED with this error.
    let scheduledFailure: RenderFailure?
    /// Set by a cancel: milliseconds after submit at which the request became COMPLETED.
    private(set) var cancelledAfterMilliseconds: Double?

    /// A job submitted now.
    init(
        id: String, ownerAndAlias: String, endpoint: String? = nil, body: JSON = .null, queueMilliseconds: Int,
        progressMilliseconds: Int, failure: RenderFailure?
    ) {
        self.id = id
        self.ownerAndAlias = ownerAndAlias
        self.endpoint = endpoint ?? ownerAndAlias
        self.body = body
        self.submittedAt = ContinuousClock.now
        self.submittedDate = Date()
        self.queueMilliseconds = Double(queueMilliseconds)
        self.progressMilliseconds = Double(progressMilliseconds)
        self.scheduledFailure = failure
    }

    /// The form kept in a `--state-dir`: everything needed to go on with the same wall-clock timeline.
    var json: JSON {
        var members: [String: JSON] = [
            "id": .string(id), "owner_and_alias": .string(ownerAndAlias), "endpoint": .string(endpoint),
            "body": body, "submitted_at_ms": .integer(Int((submittedDate.timeIntervalSince1970 * 1000).rounded())),
            "queue_ms": .number(queueMilliseconds), "progress_ms": .number(progressMilliseconds),
        ]
        if let scheduledFailure { members["failure"] = scheduledFailure.json }
        if let cancelledAfterMilliseconds { members["cancelled_after_ms"] = .number(cancelledAfterMilliseconds) }
        return .object(members)
    }

    /// A job read back from the form written by `json`, its timeline placed by wall-clock time: a request
    /// submitted before a restart is as far along as it would have been without one.
    init?(json: JSON, now: ContinuousClock.Instant = .now, nowDate: Date = Date()) {
        guard let id = json["id"]?.stringValue, let ownerAndAlias = json["owner_and_alias"]?.stringValue,
            let submittedMilliseconds = json["submitted_at_ms"]?.integerValue,
            let queueMilliseconds = json["queue_ms"]?.doubleValue,
            let progressMilliseconds = json["progress_ms"]?.doubleValue
        else { return nil }
        self.id = id
        self.ownerAndAlias = ownerAndAlias
        self.endpoint = json["endpoint"]?.stringValue ?? ownerAndAlias
        self.body = json["body"] ?? .null
        self.submittedDate = Date(timeIntervalSince1970: Double(submittedMilliseconds) / 1000)
        let age = nowDate.timeIntervalSince(submittedDate)
        self.submittedAt = now - .milliseconds(Int64((age * 1000).rounded()))
        self.queueMilliseconds = queueMilliseconds
        self.progressMilliseconds = progressMilliseconds
        self.scheduledFailure = json["failure"].flatMap(RenderFailure.init(json:))
        self.cancelledAfterMilliseconds = json["cancelled_after_ms"]?.doubleValue
    }

    /// Milliseconds since submit.
    func elapsedMilliseconds(at instant: ContinuousClock.Instant = .now) -> Double {
        let components = (instant - submittedAt).components
        return Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }

    /// The phase at `elapsed` milliseconds after submit.
    func phase(atElapsedMilliseconds elapsed: Double) -> RenderPhase {
        if let cancelledAt = cancelledAfterMilliseconds, elapsed >= cancelledAt {
            let ranFor = max(0, cancelledAt - queueMilliseconds)
            return .completed(
                logs: logs(upToElapsedMilliseconds: cancelledAt), inferenceSeconds: ranFor / 1000, failure: .cancelled)
        }
        if elapsed < queueMilliseconds {
            let remainingFraction = 1 - elapsed / queueMilliseconds
            let position = Int(remainingFraction * Double(Self.initialQueuePosition + 1))
            return .inQueue(position: min(Self.initialQueuePosition, max(0, position)))
        }
        if elapsed < queueMilliseconds + progressMilliseconds {
            return .inProgress(logs: logs(upToElapsedMilliseconds: elapsed))
        }
        return .completed(
            logs: logs(upToElapsedMilliseconds: elapsed), inferenceSeconds: progressMilliseconds / 1000,
            failure: scheduledFailure)
    }

    /// The phase now.
    var currentPhase: RenderPhase { phase(atElapsedMilliseconds: elapsedMilliseconds()) }

    /// Whether the request has reached COMPLETED.
    var isCompleted: Bool {
        if case .completed = currentPhase { return true }
        return false
    }

    /// Whether the request was cancelled (its COMPLETED status carries the cancel's error).
    var isCancelled: Bool { cancelledAfterMilliseconds != nil }

    /// Ends the timeline now with `RenderFailure.cancelled`; only call it before COMPLETED.
    mutating func cancel() {
        cancelledAfterMilliseconds = elapsedMilliseconds()
    }

    /// Every log line written by `elapsed` milliseconds after submit. Lines accumulate; fal's real
    /// window drops old lines, so clients must not rely on either behaviour.
    private func logs(upToElapsedMilliseconds elapsed: Double) -> [RenderLogEntry] {
        let progressElapsed = elapsed - queueMilliseconds
        guard progressElapsed >= 0 else { return [] }
        var script: [(fraction: Double, message: String)] = [(0, "Starting render of \(Self.frameCount) frames")]
        for quarter in 1...3 {
            script.append((Double(quarter) / 4, "Rendering frame \(Self.frameCount * quarter / 4)/\(Self.frameCount)"))
        }
        script.append((1, "Rendering frame \(Self.frameCount)/\(Self.frameCount)"))
        script.append((1, "Render complete"))
        let finished = progressElapsed >= progressMilliseconds && cancelledAfterMilliseconds == nil
        return script.compactMap { line in
            let offset = line.fraction * progressMilliseconds
            let written = line.fraction < 1 ? progressElapsed >= offset : finished
            guard written else { return nil }
            let date = submittedDate.addingTimeInterval((queueMilliseconds + offset) / 1000)
            return RenderLogEntry(message: line.message, timestamp: ISO8601Timestamp.string(from: date))
        }
    }
}

/// ISO-8601 timestamps in UTC with milliseconds, as fal writes them.
enum ISO8601Timestamp {
    /// `2026-01-02T03:04:05.678Z`.
    static func string(from date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }
}
