import Foundation
import ShotJSON

extension FalClient {
    /// Submits a request: `POST {queue}/{endpointID}` with the JSON `body`.
    ///
    /// Retried only when fal cannot have accepted it (connect failures, 408, 429, 5xx).
    public func submit(endpointID: String, body: [UInt8]) async throws -> QueueHandle {
        let path = endpointID.split(separator: "/").joined(separator: "/")
        guard !path.isEmpty else { throw FalError.invalidConfiguration("the endpoint id is empty") }
        var request = HTTPRequest(
            method: .post, url: "\(endpoints.queue)/\(path)", headers: apiHeaders(contentType: "application/json"),
            body: body, timeout: 120)
        request.freshConnection = true
        let response = try await call("submit", request, mode: .submit)
        return try QueueHandle.parse(response.body)
    }

    /// The request's status now: `GET {status_url}?logs=1` (or `logs=0`).
    public func status(_ handle: QueueHandle, logs: Bool = true) async throws -> QueueStatus {
        let request = HTTPRequest(
            url: Self.appendingQuery(handle.statusURL, logs ? "logs=1" : "logs=0"), headers: apiHeaders(), timeout: 60)
        let response = try await call("status", request)
        return try QueueStatus.parse(response.body)
    }

    /// Follows a request until it completes, delivering each change once; every log line is delivered
    /// once even though fal repeats them in a moving window.
    ///
    /// Uses the status stream (`{status_url}/stream?logs=1`); when that fails, ends early or stays
    /// silent for ``PollingPolicy/streamIdleTimeout``, falls back to polling that backs off. The
    /// sequence ends after the completed status. Ending the iteration stops following.
    public func statusUpdates(_ handle: QueueHandle) -> AsyncThrowingStream<QueueStatus, Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var follower = StatusFollower(continuation: continuation)
                do {
                    if try await self.followStream(handle, &follower) { return }
                    try await self.followByPolling(handle, &follower)
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Delivers statuses to the caller, dropping repeats and log lines already delivered.
    struct StatusFollower {
        let continuation: AsyncThrowingStream<QueueStatus, Error>.Continuation
        /// Log lines delivered, the newest ``maxRemembered``: fal repeats a moving window of recent
        /// lines, so older ones need not be remembered, and a hostile stream cannot grow this.
        var seenLogs: Set<RequestLog> = []
        var seenOrder: [RequestLog] = []
        static let maxRemembered = 4096
        var lastDelivered: QueueStatus?

        /// Delivers `status` if it says something new; returns true once it was the completed status.
        mutating func deliver(_ status: QueueStatus) -> Bool {
            let fresh = status.logs.filter { seenLogs.insert($0).inserted }
            seenOrder += fresh
            if seenOrder.count > Self.maxRemembered {
                let dropped = seenOrder.count - Self.maxRemembered
                for log in seenOrder[..<dropped] { seenLogs.remove(log) }
                seenOrder.removeFirst(dropped)
            }
            let trimmed = status.replacingLogs(fresh)
            var repeatsRunning = false
            if case .inProgress(let logs) = trimmed, logs.isEmpty, case .inProgress? = lastDelivered {
                repeatsRunning = true
            }
            if trimmed != lastDelivered && !repeatsRunning {
                continuation.yield(trimmed)
                lastDelivered = trimmed
            }
            if status.isCompleted {
                continuation.finish()
                return true
            }
            return false
        }
    }

    /// Follows the SSE stream; returns true when the request completed, false to fall back to polling.
    private func followStream(_ handle: QueueHandle, _ follower: inout StatusFollower) async throws -> Bool {
        let base: String
        let query: String
        if let mark = handle.statusURL.firstIndex(of: "?") {
            base = String(handle.statusURL[..<mark])
            query = String(handle.statusURL[handle.statusURL.index(after: mark)...]) + "&"
        } else {
            base = handle.statusURL
            query = ""
        }
        var trimmedBase = base
        while trimmedBase.hasSuffix("/") { trimmedBase.removeLast() }
        let request = HTTPRequest(
            url: "\(trimmedBase)/stream?\(query)logs=1", headers: apiHeaders(accept: "text/event-stream"), timeout: nil,
            idleTimeout: polling.streamIdleTimeout)
        try checkDestination(request)
        var parser = SSEParser(eventTimeout: polling.streamEventTimeout)
        do {
            for try await chunk in http.stream(request) {
                for event in try parser.feed(chunk) {
                    let status = try QueueStatus.parse(Array(event.data.utf8))
                    if follower.deliver(status) { return true }
                }
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            try Task.checkCancellation()
            return false
        }
        try Task.checkCancellation()
        return false
    }

    /// Polls the status with growing pauses until the request completes.
    private func followByPolling(_ handle: QueueHandle, _ follower: inout StatusFollower) async throws {
        var interval = polling.initialInterval
        while true {
            let status = try await self.status(handle, logs: true)
            if follower.deliver(status) { return }
            try await retryPolicy.sleep(interval)
            interval = min(polling.maxInterval, interval * polling.factor)
        }
    }

    /// Fetches the output: `GET {response_url}`. An error reply becomes the ``FalError`` fal's
    /// body describes (a 422 ``FalError/validation(_:)`` with fal's `loc` list, or
    /// ``FalError/http(status:detail:errorType:requestID:)``); whether that means the render failed
    /// is the caller's to decide from the status. `retrying` false makes one attempt only (to read
    /// the detail of a render fal already declared failed).
    public func result(_ handle: QueueHandle, retrying: Bool = true) async throws -> FalResult {
        let request = HTTPRequest(url: handle.responseURL, headers: apiHeaders(), timeout: 120)
        let response: HTTPResponse
        if retrying {
            response = try await call("result", request)
        } else {
            try checkDestination(request)
            response = try await http.send(request)
            guard response.isSuccess else { throw FalError.from(response: response) }
        }
        return try FalResult.parse(response.body, requestID: response.headers["x-fal-request-id"])
    }

    /// Whether a public file URL (an upload) is still served: `HEAD url`, no credentials. True
    /// for 2xx, false for 404 and 410 (and 403, which storage answers for expired objects), nil
    /// when it cannot tell (no answer, another status).
    public func isServed(url: String) async -> Bool? {
        let request = HTTPRequest(
            method: .head, url: url, headers: ["User-Agent": Self.userAgent], timeout: 30, followRedirects: true)
        guard let response = try? await http.send(request) else { return nil }
        if response.isSuccess { return true }
        if [403, 404, 410].contains(response.status) { return false }
        return nil
    }

    /// Cancels a request: `PUT {cancel_url}` without a body.
    public func cancel(_ handle: QueueHandle) async throws -> CancelOutcome {
        let request = HTTPRequest(method: .put, url: handle.cancelURL, headers: apiHeaders(), timeout: 60)
        let response = try await call(
            "cancel", request, accept: { $0.isSuccess || $0.status == 400 || $0.status == 404 })
        let object = try? JSONObject.parse(response.body, what: "the cancel reply")
        switch (object?["status"]?.stringValue, response.status) {
        case ("CANCELLATION_REQUESTED", _): return .cancellationRequested
        case ("OK", _): return .cancelled
        case ("ALREADY_COMPLETED", _): return .alreadyCompleted
        case ("NOT_FOUND", _), (nil, 404): return .notFound
        case (_, 400): throw FalError.from(response: response)
        case (_, 404): return .notFound
        default: return .cancellationRequested
        }
    }
}
