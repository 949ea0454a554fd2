// A submit is sent once: not by shotc's retries (FalKitTests), and not by libcurl either, which
// silently sends a request again when a reused keep-alive connection turns out to be closed.
@testable import FalKit
import Foundation
import ShotcTestSupport
import Testing

@Suite struct SubmitOnceTests {
    @Test("a submit on a connection that closes after fal accepted it is not sent again by libcurl")
    func keepAliveRetryNeverResendsASubmit() async throws {
        let standIn = try StandInProcess(arguments: ["--queue-ms", "0", "--progress-ms", "0"])
        defer { standIn.stop() }
        let control = StandInClient(port: standIn.port)
        let endpoints = FalEndpoints(queue: standIn.baseURL, rest: standIn.baseURL, cdn: standIn.baseURL)
        let client = FalClient(
            key: try FalKey("test-key"), endpoints: endpoints, http: try HTTPClient(),
            retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: 0.01))
        let body = Array(#"{"prompt":"once","duration":"5","aspect_ratio":"16:9"}"#.utf8)
        let path = "fal-ai/kling-video/o1/standard/reference-to-video"
        // A first submit leaves a kept-alive connection that the next one could reuse.
        _ = try await client.submit(endpointID: path, body: body)
        try control.addFaults([["route": "submit", "kind": "acceptThenDrop"]])
        do {
            _ = try await client.submit(endpointID: path, body: body)
            Issue.record("expected the dropped connection to be reported")
        } catch let error as FalError {
            #expect(error.submitMayHaveBeenAccepted, "\(error)")
        }
        #expect(try control.requests().count == 2, "fal accepted the dropped submit more than once")
    }
}

@Suite struct StatusFollowerTests {
    @Test("the log lines remembered for de-duplication are bounded")
    func rememberedLogsAreBounded() {
        let (stream, continuation) = AsyncThrowingStream<QueueStatus, Error>.makeStream()
        _ = stream
        var follower = FalClient.StatusFollower(continuation: continuation)
        let limit = FalClient.StatusFollower.maxRemembered
        let logs = (0..<(limit + 100)).map { RequestLog(message: "frame \($0)", level: "INFO", timestamp: "t\($0)") }
        _ = follower.deliver(.inProgress(logs: logs))
        #expect(follower.seenLogs.count == limit)
        #expect(follower.seenOrder.count == limit)
        // The newest are still remembered: a repeat of them is not delivered again.
        _ = follower.deliver(.inProgress(logs: Array(logs.suffix(10))))
        #expect(follower.seenLogs.count == limit)
    }
}
