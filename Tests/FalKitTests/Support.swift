import Foundation
import Synchronization
@testable import FalKit

/// The key used in tests; it must never show up in any log event.
let testKey = "sk-test-0123456789-secret"

/// Collects values from concurrent callbacks.
final class Collector<Value: Sendable>: Sendable {
    private let storage = Mutex<[Value]>([])
    func append(_ value: Value) { storage.withLock { $0.append(value) } }
    var values: [Value] { storage.withLock { $0 } }
}

/// A client against `server` whose retries and polling never really sleep; the requested sleeps
/// are recorded in `sleeps`.
struct Harness {
    let server: ScriptedServer
    let client: FalClient
    let sleeps: Collector<Double>
    let retries: Collector<RetryEvent>
    let logs: Collector<HTTPLogEvent>

    init(maxAttempts: Int = 6, streamIdleTimeout: Double = 20, streamEventTimeout: Double = 60) throws {
        server = try ScriptedServer()
        let sleeps = Collector<Double>()
        let retries = Collector<RetryEvent>()
        let logs = Collector<HTTPLogEvent>()
        self.sleeps = sleeps
        self.retries = retries
        self.logs = logs
        let policy = RetryPolicy(
            maxAttempts: maxAttempts, jitter: .none, sleep: { sleeps.append($0) }, random: { 0.5 })
        let http = try HTTPClient(log: { logs.append($0) })
        let base = server.baseURL
        client = FalClient(
            key: try FalKey(testKey), endpoints: FalEndpoints(queue: base, rest: base, cdn: base), http: http,
            retryPolicy: policy,
            polling: PollingPolicy(streamIdleTimeout: streamIdleTimeout, streamEventTimeout: streamEventTimeout),
            onRetry: { retries.append($0) })
    }

    var base: String { server.baseURL }

    /// A handle whose URLs point at the scripted server.
    var handle: QueueHandle {
        QueueHandle(
            requestID: "req-1", statusURL: "\(base)/fal-ai/kling-video/requests/req-1/status",
            responseURL: "\(base)/fal-ai/kling-video/requests/req-1",
            cancelURL: "\(base)/fal-ai/kling-video/requests/req-1/cancel")
    }

    func submitReply(position: Int = 3) -> ScriptedResponse {
        .json(
            200,
            """
            {"request_id":"req-1","status":"IN_QUEUE","queue_position":\(position),
             "status_url":"\(base)/fal-ai/kling-video/requests/req-1/status",
             "response_url":"\(base)/fal-ai/kling-video/requests/req-1",
             "cancel_url":"\(base)/fal-ai/kling-video/requests/req-1/cancel"}
            """, headers: [("x-fal-request-id", "req-1")])
    }
}

extension Harness {
    /// Every status ``FalClient/statusUpdates(_:)`` reports for ``handle``, in order.
    func statusUpdates() async throws -> [QueueStatus] {
        var seen: [QueueStatus] = []
        for try await status in client.statusUpdates(handle) { seen.append(status) }
        return seen
    }

    /// Scripts `stream` as the reply to the status stream and `COMPLETED` as the reply to
    /// polling, then follows ``handle``: what it reported, and how many seconds that took.
    func followStreamThenPoll(_ stream: ScriptedResponse) async throws -> (seen: [QueueStatus], seconds: Double) {
        server.script("GET", "/fal-ai/kling-video/requests/req-1/status/stream", [stream])
        server.script(
            "GET", "/fal-ai/kling-video/requests/req-1/status", [.json(200, #"{"status":"COMPLETED","logs":null}"#)])
        let started = Date()
        let seen = try await statusUpdates()
        return (seen, Date().timeIntervalSince(started))
    }
}

/// A unique path in the temporary folder.
func temporaryPath(_ name: String) -> String {
    let folder = NSTemporaryDirectory() + "falkit-tests-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    return folder + "/" + name
}
