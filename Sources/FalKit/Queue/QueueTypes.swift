import Foundation
import ShotJSON

/// What fal's submit returned: the request id and the URLs to follow it with.
///
/// The URLs are used as given, never rebuilt (fal shortens the endpoint id to owner/alias in them).
public struct QueueHandle: Sendable, Equatable, Codable {
    /// fal's request id.
    public var requestID: String
    /// `GET` for the status.
    public var statusURL: String
    /// `GET` for the result.
    public var responseURL: String
    /// `PUT` to cancel.
    public var cancelURL: String
    /// Requests ahead of this one at submit time, when fal said.
    public var queuePosition: Int?

    /// Creates a handle, e.g. from a run record to resume following a request.
    public init(requestID: String, statusURL: String, responseURL: String, cancelURL: String, queuePosition: Int? = nil)
    {
        self.requestID = requestID
        self.statusURL = statusURL
        self.responseURL = responseURL
        self.cancelURL = cancelURL
        self.queuePosition = queuePosition
    }

    /// The handle of request `requestID` to `endpointID`, its URLs built the way fal's clients build
    /// them from an id (`{queue}/{owner}/{alias}/requests/{id}`, fal-protocol.md 1.2): for a submit
    /// whose error reply carried an id but no URLs. Nil for an endpoint id without owner and alias.
    public static func forRequest(_ requestID: String, endpointID: String, queue: String) -> QueueHandle? {
        var segments = endpointID.split(separator: "/").map(String.init)
        var prefix = ""
        if let first = segments.first, first == "workflows" || first == "comfy" {
            prefix = first + "/"
            segments.removeFirst()
        }
        guard segments.count >= 2, !requestID.isEmpty,
            requestID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        else { return nil }
        let base = "\(queue)/\(prefix)\(segments[0])/\(segments[1])/requests/\(requestID)"
        return QueueHandle(
            requestID: requestID, statusURL: base + "/status", responseURL: base, cancelURL: base + "/cancel")
    }

    /// Parses a submit reply; every one of `request_id`, `status_url`, `response_url` and `cancel_url`
    /// must be present, and the URLs must be http(s).
    public static func parse(_ body: [UInt8]) throws -> QueueHandle {
        let object = try JSONObject.parse(body, what: "the submit reply")
        func required(_ key: String) throws -> String {
            guard let value = object[key]?.stringValue, !value.isEmpty else {
                throw FalError.protocolViolation("the submit reply has no '\(key)'")
            }
            return value
        }
        let handle = QueueHandle(
            requestID: try required("request_id"), statusURL: try required("status_url"),
            responseURL: try required("response_url"), cancelURL: try required("cancel_url"),
            queuePosition: object["queue_position"]?.intValue)
        for (name, url) in [
            ("status_url", handle.statusURL), ("response_url", handle.responseURL), ("cancel_url", handle.cancelURL),
        ] {
            let lower = url.lowercased()
            guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
                throw FalError.protocolViolation("the submit reply's '\(name)' is not an http(s) URL: '\(url)'")
            }
        }
        return handle
    }
}

/// One log line of a running request.
public struct RequestLog: Sendable, Hashable {
    /// The text.
    public var message: String
    /// `INFO`, `ERROR`, `STDOUT`, ...
    public var level: String
    /// fal's timestamp as sent (ISO-8601).
    public var timestamp: String

    /// Creates a log line.
    public init(message: String, level: String, timestamp: String) {
        self.message = message
        self.level = level
        self.timestamp = timestamp
    }
}

/// Where a queued request stands.
public enum QueueStatus: Sendable, Equatable {
    /// Waiting; `position` requests are ahead.
    case inQueue(position: Int?)
    /// Running, with log lines (for ``FalClient/statusUpdates(_:)``: only lines not delivered before).
    case inProgress(logs: [RequestLog])
    /// Finished; `error` is set when the render failed.
    case completed(logs: [RequestLog], error: String?, errorType: String?, inferenceTime: Double?)

    /// Whether this is ``completed(logs:error:errorType:inferenceTime:)``.
    public var isCompleted: Bool {
        if case .completed = self { return true }
        return false
    }

    /// The log lines carried, if any.
    public var logs: [RequestLog] {
        switch self {
        case .inQueue: return []
        case .inProgress(let logs), .completed(let logs, _, _, _): return logs
        }
    }

    /// The same status carrying other log lines.
    func replacingLogs(_ logs: [RequestLog]) -> QueueStatus {
        switch self {
        case .inQueue: return self
        case .inProgress: return .inProgress(logs: logs)
        case .completed(_, let error, let errorType, let time):
            return .completed(logs: logs, error: error, errorType: errorType, inferenceTime: time)
        }
    }

    /// Parses a status body (from the status endpoint or one stream event).
    public static func parse(_ body: [UInt8]) throws -> QueueStatus {
        try parse(object: JSONObject.parse(body, what: "the status reply"))
    }

    static func parse(object: JSONValue) throws -> QueueStatus {
        let logs = (object["logs"]?.arrayValue ?? []).compactMap { entry -> RequestLog? in
            guard entry.objectFields != nil else { return nil }
            return RequestLog(
                message: entry["message"]?.stringValue ?? "",
                level: entry["level"]?.stringValue ?? "INFO",
                timestamp: entry["timestamp"]?.textValue ?? "")
        }
        switch object["status"]?.stringValue {
        case "IN_QUEUE":
            return .inQueue(position: object["queue_position"]?.intValue)
        case "IN_PROGRESS":
            return .inProgress(logs: logs)
        case "COMPLETED":
            let error = object["error"]?.textValue
            return .completed(
                logs: logs, error: error, errorType: object["error_type"]?.stringValue,
                inferenceTime: object["metrics"]?["inference_time"]?.doubleValue)
        case let other:
            throw FalError.protocolViolation("unknown request status '\(other ?? "none")'")
        }
    }
}

/// A file produced by a model (`video` in Kling's output).
public struct FalFile: Sendable, Equatable {
    /// Where to download it.
    public var url: String
    /// The MIME type, when given.
    public var contentType: String?
    /// The file name, when given.
    public var fileName: String?
    /// The size in bytes, when given.
    public var fileSize: Int?

    /// Creates a file reference.
    public init(url: String, contentType: String? = nil, fileName: String? = nil, fileSize: Int? = nil) {
        self.url = url
        self.contentType = contentType
        self.fileName = fileName
        self.fileSize = fileSize
    }
}

/// The output of a completed request.
public struct FalResult: Sendable {
    /// The video.
    public var video: FalFile
    /// The reply exactly as received, for the run record.
    public var rawJSON: [UInt8]
    /// The `x-fal-request-id` header, when sent.
    public var requestID: String?

    /// Creates a result.
    public init(video: FalFile, rawJSON: [UInt8], requestID: String?) {
        self.video = video
        self.rawJSON = rawJSON
        self.requestID = requestID
    }

    /// Parses `{"video":{"url","content_type","file_name","file_size"}}`.
    public static func parse(_ body: [UInt8], requestID: String? = nil) throws -> FalResult {
        let object = try JSONObject.parse(body, what: "the result")
        guard let video = object["video"], video.objectFields != nil else {
            throw FalError.protocolViolation("the result has no 'video' object")
        }
        guard let url = video["url"]?.stringValue, !url.isEmpty else {
            throw FalError.protocolViolation("the result's video has no 'url'")
        }
        return FalResult(
            video: FalFile(
                url: url, contentType: video["content_type"]?.stringValue, fileName: video["file_name"]?.stringValue,
                fileSize: video["file_size"]?.intValue),
            rawJSON: body, requestID: requestID)
    }
}

/// What fal said to a cancel.
public enum CancelOutcome: Sendable, Equatable {
    /// The request was running; fal asked the runner to stop (`CANCELLATION_REQUESTED`).
    case cancellationRequested
    /// The request was removed (`OK`).
    case cancelled
    /// Too late: the request had already finished (`ALREADY_COMPLETED`).
    case alreadyCompleted
    /// fal does not know the request (`NOT_FOUND`).
    case notFound
}

/// Reading fal's replies with the project's one JSON model.
enum JSONObject {
    /// Parses bytes that must hold a JSON object.
    static func parse(_ body: [UInt8], what: String) throws -> JSONValue {
        guard let value = try? JSONValue.parse(body), value.objectFields != nil else {
            let preview = String(decoding: body.prefix(200), as: UTF8.self)
            throw FalError.protocolViolation("\(what) is not a JSON object: '\(preview)'")
        }
        return value
    }
}
