import Foundation
import Testing
@testable import FalKit

@Suite struct ConfigurationTests {
    @Test func endpointsDefaultAndValidate() throws {
        #expect(try FalEndpoints.fromEnvironment([:]) == .production)
        let custom = try FalEndpoints.fromEnvironment([
            "FAL_QUEUE_URL": "http://127.0.0.1:8080/", "FAL_REST_URL": "", "FAL_CDN_URL": "https://cdn.example",
        ])
        #expect(custom.queue == "http://127.0.0.1:8080")
        #expect(custom.rest == "https://rest.fal.ai")
        #expect(custom.cdn == "https://cdn.example")
        for bad in ["queue.fal.run", "ftp://x", "http://", "127.0.0.1:8080"] {
            #expect(throws: FalError.self) { try FalEndpoints.fromEnvironment(["FAL_QUEUE_URL": bad]) }
        }
    }

    @Test func missingOrEmptyKeyIsAnError() throws {
        #expect(throws: FalError.missingKey) { try FalKey.fromEnvironment([:]) }
        #expect(throws: FalError.missingKey) { try FalKey.fromEnvironment(["FAL_KEY": "  "]) }
        let key = try FalKey.fromEnvironment(["FAL_KEY": testKey])
        #expect("\(key)" == "Key ***")
        #expect(String(reflecting: key) == "Key ***")
    }

    @Test func retryAfterAndBackoff() {
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // Wed, 21 Oct 2015 07:27:50 GMT
        #expect(RetryPolicy.parseRetryAfter("3", now: now) == 3)
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 10)
        #expect(RetryPolicy.parseRetryAfter("soon", now: now) == nil)
        let policy = RetryPolicy(baseDelay: 0.5, maxDelay: 30, jitter: .none)
        #expect([1, 2, 3, 4].map { policy.delay(beforeRetry: $0) } == [0.5, 1, 2, 4])
        #expect(policy.delay(beforeRetry: 20) == 30)
        let jittered = RetryPolicy(baseDelay: 1, jitter: .proportional(0.5), random: { 0 })
        #expect(jittered.delay(beforeRetry: 1) == 0.5)
        let full = RetryPolicy(baseDelay: 1, jitter: .full, random: { 0.25 })
        #expect(full.delay(beforeRetry: 3) == 1)
    }
}

@Suite struct SSEParserTests {
    @Test func eventsSplitAcrossChunksWithCommentsAndCRLF() throws {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        let text = ": keepalive\r\n\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\nevent: x\ndata:2\n\n: bye\n"
        for byte in Array(text.utf8) { events += try parser.feed([byte]) }
        #expect(events.map(\.data) == ["{\"a\":\n1}", "2"])
        #expect(events.map(\.event) == ["message", "x"])
    }
}

/// What following a request reports when it waits in the queue, logs "a", then "b" as well
/// (reported as only the new log), and completes after `inferenceTime` seconds.
private func queuedThenLogsAThenB(inferenceTime: Double?) -> [QueueStatus] {
    [
        .inQueue(position: 1),
        .inProgress(logs: [RequestLog(message: "a", level: "INFO", timestamp: "t1")]),
        .inProgress(logs: [RequestLog(message: "b", level: "INFO", timestamp: "t2")]),
        .completed(logs: [], error: nil, errorType: nil, inferenceTime: inferenceTime),
    ]
}

@Suite struct QueueTests {
    @Test func submitSendsHeadersAndParsesHandle() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script("POST", "/fal-ai/kling-video/o1/standard/reference-to-video", [h.submitReply()])
        let body = Array(#"{"prompt":"a cat"}"#.utf8)
        let handle = try await h.client.submit(
            endpointID: "fal-ai/kling-video/o1/standard/reference-to-video", body: body)
        #expect(handle == h.handle.withPosition(3))
        let sent = try #require(h.server.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.header("Authorization") == "Key \(testKey)")
        #expect(sent.header("Content-Type") == "application/json")
        #expect(sent.header("Accept") == "application/json")
        #expect(sent.header("User-Agent") == "shotc/0.1")
        #expect(sent.header("Expect") == nil)
        #expect(sent.body == body)
    }

    @Test func submitReplyWithoutCancelURLIsAProtocolViolation() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script(
            "POST", "/fal-ai/x",
            [.json(200, #"{"request_id":"r","status_url":"http://a/s","response_url":"http://a/r"}"#)])
        await #expect(throws: FalError.protocolViolation("the submit reply has no 'cancel_url'")) {
            try await h.client.submit(endpointID: "fal-ai/x", body: Array("{}".utf8))
        }
    }

    @Test func retries429HonouringRetryAfter() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script(
            "POST", "/fal-ai/x",
            [.json(429, #"{"detail":"Too many requests"}"#, headers: [("Retry-After", "2")]), h.submitReply()])
        let handle = try await h.client.submit(endpointID: "fal-ai/x", body: Array("{}".utf8))
        #expect(handle.requestID == "req-1")
        #expect(h.server.requests("POST", "/fal-ai/x").count == 2)
        #expect(h.sleeps.values == [2])
        let event = try #require(h.retries.values.first)
        #expect(event.reason == "HTTP 429")
        #expect(event.description.contains("retrying in 2.0s (HTTP 429)"))
    }

    /// fal_client's rule: a submit is repeated only where fal cannot have accepted it.
    @Test(
        arguments: [
            (408, nil, true), (409, nil, true), (429, nil, true), (502, nil, true), (503, nil, true), (504, nil, true),
            (500, nil, false), (502, "req-9", false), (503, "req-9", false), (504, "req-9", false),
            (500, "req-9", false),
        ] as [(Int, String?, Bool)])
    func submitRetriesOnlyWhereFalCannotHaveAcceptedIt(status: Int, requestID: String?, retried: Bool) async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let headers = requestID.map { [("x-fal-request-id", $0)] } ?? []
        h.server.script(
            "POST", "/fal-ai/x", [.json(status, #"{"detail":"upstream trouble"}"#, headers: headers), h.submitReply()])
        do {
            let handle = try await h.client.submit(endpointID: "fal-ai/x", body: Array("{}".utf8))
            #expect(retried, "HTTP \(status) with request id \(requestID ?? "none") must not be retried")
            #expect(handle.requestID == "req-1")
        } catch let error as FalError {
            #expect(!retried, "HTTP \(status) should have been retried")
            #expect(error.submitMayHaveBeenAccepted)
        }
        #expect(h.server.requests("POST", "/fal-ai/x").count == (retried ? 2 : 1))
    }

    @Test func handleForARequestIDIsBuiltAsFalsClientsBuildIt() throws {
        let handle = try #require(
            QueueHandle.forRequest(
                "abc-123", endpointID: "fal-ai/kling-video/o1/standard/reference-to-video",
                queue: "https://queue.fal.run"))
        #expect(handle.statusURL == "https://queue.fal.run/fal-ai/kling-video/requests/abc-123/status")
        #expect(handle.responseURL == "https://queue.fal.run/fal-ai/kling-video/requests/abc-123")
        #expect(handle.cancelURL == "https://queue.fal.run/fal-ai/kling-video/requests/abc-123/cancel")
        #expect(QueueHandle.forRequest("abc", endpointID: "single", queue: "https://q") == nil)
        #expect(QueueHandle.forRequest("../x", endpointID: "a/b", queue: "https://q") == nil)
    }

    @Test func retries503ThenSucceeds() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let path = "/fal-ai/kling-video/requests/req-1/status"
        h.server.script(
            "GET", path,
            [
                .json(503, #"{"detail":"busy","error_type":"runner_scheduling_failure"}"#),
                .json(503, #"{"detail":"busy"}"#),
                .json(202, #"{"status":"IN_QUEUE","queue_position":4}"#),
            ])
        let status = try await h.client.status(h.handle)
        #expect(status == .inQueue(position: 4))
        #expect(h.server.requests("GET", path).count == 3)
        #expect(h.sleeps.values == [0.5, 1.0])
    }

    @Test func givesUpAfterMaxAttempts() async throws {
        let h = try Harness(maxAttempts: 3)
        defer { h.server.stop() }
        h.server.script("GET", "/fal-ai/kling-video/requests/req-1/status", [.json(502, #"{"detail":"bad gateway"}"#)])
        await #expect(throws: FalError.http(status: 502, detail: "bad gateway", errorType: nil, requestID: nil)) {
            try await h.client.status(h.handle)
        }
        #expect(h.server.requests.count == 3)
    }

    @Test func noRetryOn422WithValidationIssues() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script(
            "POST", "/fal-ai/x",
            [
                .json(
                    422,
                    #"{"detail":[{"loc":["body","duration"],"msg":"unexpected value","type":"literal_error"},{"loc":["body","elements",0,"frontal_image_url"],"msg":"field required","type":"missing"}]}"#
                )
            ])
        do {
            _ = try await h.client.submit(endpointID: "fal-ai/x", body: Array("{}".utf8))
            Issue.record("expected a validation error")
        } catch let FalError.validation(issues) {
            #expect(issues.count == 2)
            #expect(
                issues[0]
                    == ValidationIssue(loc: ["body", "duration"], message: "unexpected value", type: "literal_error"))
            #expect(issues[1].fieldPath == "elements.0.frontal_image_url")
        }
        #expect(h.server.requests.count == 1)
        #expect(h.sleeps.values.isEmpty)
    }

    @Test func stringDetail422AndUserTimeout504AreFinal() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script("POST", "/fal-ai/x", [.json(422, #"{"detail":"prompt too long"}"#)])
        await #expect(throws: FalError.validation([ValidationIssue(loc: [], message: "prompt too long", type: "")])) {
            try await h.client.submit(endpointID: "fal-ai/x", body: Array("{}".utf8))
        }
        h.server.script(
            "POST", "/fal-ai/y",
            [
                .json(
                    504, #"{"detail":"start timeout","error_type":"request_timeout"}"#,
                    headers: [("X-Fal-Request-Timeout-Type", "user")])
            ])
        await #expect(
            throws: FalError.http(status: 504, detail: "start timeout", errorType: "request_timeout", requestID: nil)
        ) {
            try await h.client.submit(endpointID: "fal-ai/y", body: Array("{}".utf8))
        }
        #expect(h.server.requests.count == 2)
    }

    @Test func connectionRefusedIsRetriedThenReported() async throws {
        let h = try Harness(maxAttempts: 3)
        h.server.stop()
        try await Task.sleep(nanoseconds: 50_000_000)
        do {
            _ = try await h.client.submit(endpointID: "fal-ai/x", body: Array("{}".utf8))
            Issue.record("expected a transport error")
        } catch let FalError.transport(code, _) {
            #expect(code == 7)
        }
        #expect(h.retries.values.count == 2)
    }

    @Test func statusParsesAllThreeStates() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let path = "/fal-ai/kling-video/requests/req-1/status"
        h.server.script(
            "GET", path,
            [
                .json(202, #"{"status":"IN_QUEUE","queue_position":2,"response_url":"x"}"#),
                .json(
                    202,
                    #"{"status":"IN_PROGRESS","logs":[{"message":"rendering","level":"INFO","source":"USER","timestamp":"2026-01-01T00:00:01Z"}]}"#
                ),
                .json(202, #"{"status":"IN_PROGRESS","logs":null}"#),
                .json(200, #"{"status":"COMPLETED","logs":[],"metrics":{"inference_time":12.5}}"#),
                .json(
                    200,
                    #"{"status":"COMPLETED","logs":null,"error":"Content policy violation","error_type":"content_policy_violation"}"#
                ),
            ])
        #expect(try await h.client.status(h.handle) == .inQueue(position: 2))
        #expect(
            try await h.client.status(h.handle)
                == .inProgress(logs: [
                    RequestLog(message: "rendering", level: "INFO", timestamp: "2026-01-01T00:00:01Z")
                ]))
        #expect(try await h.client.status(h.handle) == .inProgress(logs: []))
        #expect(
            try await h.client.status(h.handle) == .completed(logs: [], error: nil, errorType: nil, inferenceTime: 12.5)
        )
        #expect(
            try await h.client.status(h.handle)
                == .completed(
                    logs: [], error: "Content policy violation", errorType: "content_policy_violation",
                    inferenceTime: nil))
        #expect(h.server.requests.allSatisfy { $0.target.hasSuffix("?logs=1") })
    }

    @Test func statusUpdatesFollowTheEventStream() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let events = """
            : keepalive

            data: {"status":"IN_QUEUE","queue_position":1}

            data: {"status":"IN_PROGRESS","logs":[{"message":"a","level":"INFO","timestamp":"t1"}]}

            : keepalive

            data: {"status":"IN_PROGRESS","logs":[{"message":"a","level":"INFO","timestamp":"t1"},{"message":"b","level":"INFO","timestamp":"t2"}]}

            data: {"status":"COMPLETED","logs":[{"message":"b","level":"INFO","timestamp":"t2"}],"metrics":{"inference_time":3}}


            """
        let bytes = Array(events.utf8)
        // Cut the stream into awkward pieces, splitting events and lines.
        let chunks = stride(from: 0, to: bytes.count, by: 7).map { Array(bytes[$0..<min($0 + 7, bytes.count)]) }
        h.server.script(
            "GET", "/fal-ai/kling-video/requests/req-1/status/stream",
            [
                ScriptedResponse(
                    status: 200, headers: [("Content-Type", "text/event-stream")], chunks: chunks, chunkDelay: 0.001)
            ])
        let seen = try await h.statusUpdates()
        #expect(seen == queuedThenLogsAThenB(inferenceTime: 3))
        let request = try #require(h.server.requests.first)
        #expect(request.target.hasSuffix("/status/stream?logs=1"))
        #expect(request.header("Accept") == "text/event-stream")
        #expect(h.server.requests("GET", "/fal-ai/kling-video/requests/req-1/status").isEmpty)
    }

    @Test func statusUpdatesFallBackToPollingWithBackoff() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script(
            "GET", "/fal-ai/kling-video/requests/req-1/status/stream", [.json(404, #"{"detail":"Not found"}"#)])
        h.server.script(
            "GET", "/fal-ai/kling-video/requests/req-1/status",
            [
                .json(202, #"{"status":"IN_QUEUE","queue_position":1}"#),
                .json(202, #"{"status":"IN_QUEUE","queue_position":1}"#),
                .json(202, #"{"status":"IN_PROGRESS","logs":[{"message":"a","level":"INFO","timestamp":"t1"}]}"#),
                .json(202, #"{"status":"IN_PROGRESS","logs":[{"message":"a","level":"INFO","timestamp":"t1"}]}"#),
                .json(
                    202,
                    #"{"status":"IN_PROGRESS","logs":[{"message":"a","level":"INFO","timestamp":"t1"},{"message":"b","level":"INFO","timestamp":"t2"}]}"#
                ),
                .json(200, #"{"status":"COMPLETED","logs":[{"message":"b","level":"INFO","timestamp":"t2"}]}"#),
            ])
        let seen = try await h.statusUpdates()
        #expect(seen == queuedThenLogsAThenB(inferenceTime: nil))
        #expect(h.server.requests("GET", "/fal-ai/kling-video/requests/req-1/status").count == 6)
        #expect(h.sleeps.values == [0.5, 0.75, 1.125, 1.6875, 2.53125])
    }

    @Test func silentStreamFallsBackToPolling() async throws {
        let h = try Harness(streamIdleTimeout: 1)
        defer { h.server.stop() }
        let (seen, seconds) = try await h.followStreamThenPoll(
            ScriptedResponse(
                status: 200, headers: [("Content-Type", "text/event-stream")], chunks: [Array(": hi\n\n".utf8)],
                chunkDelay: 60))
        #expect(seen == [.completed(logs: [], error: nil, errorType: nil, inferenceTime: nil)])
        // Well under the stream's 60 s silence, with room for a loaded 2-core machine whose
        // cooperative threads other tests keep busy.
        #expect(seconds < 30)
    }

    @Test func resultParsesVideoAndMapsFailures() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let path = "/fal-ai/kling-video/requests/req-1"
        let json =
            #"{"video":{"url":"http://127.0.0.1/media/r.mp4","content_type":"video/mp4","file_name":"r.mp4","file_size":1234}}"#
        h.server.script(
            "GET", path,
            [
                .json(200, json, headers: [("x-fal-request-id", "req-1")]),
                .json(
                    422,
                    #"{"detail":[{"loc":["body","prompt"],"msg":"Content policy violation","type":"content_policy_violation"}]}"#
                ),
                .json(500, #"{"detail":"Internal Server Error"}"#, headers: [("x-fal-request-id", "req-1")]),
            ])
        let result = try await h.client.result(h.handle)
        #expect(
            result.video
                == FalFile(
                    url: "http://127.0.0.1/media/r.mp4", contentType: "video/mp4", fileName: "r.mp4", fileSize: 1234))
        #expect(result.rawJSON == Array(json.utf8))
        #expect(result.requestID == "req-1")
        // A 4xx is fal's answer about the request: returned as it is, not retried.
        await #expect(
            throws: FalError.validation([
                ValidationIssue(
                    loc: ["body", "prompt"], message: "Content policy violation", type: "content_policy_violation")
            ])
        ) { try await h.client.result(h.handle) }
        #expect(h.server.requests("GET", path).count == 2)
        // A 500 at the result says nothing about the render: retried like any transient failure,
        // then reported as the HTTP error it is (the caller decides what it means).
        await #expect(
            throws: FalError.http(status: 500, detail: "Internal Server Error", errorType: nil, requestID: "req-1")
        ) {
            try await h.client.result(h.handle, retrying: false)
        }
        #expect(h.server.requests("GET", path).count == 3)
    }

    @Test func cancelOutcomes() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script(
            "PUT", "/fal-ai/kling-video/requests/req-1/cancel",
            [
                .json(202, #"{"status":"CANCELLATION_REQUESTED"}"#),
                .json(400, #"{"status":"ALREADY_COMPLETED"}"#),
                .json(404, #"{"status":"NOT_FOUND"}"#),
            ])
        #expect(try await h.client.cancel(h.handle) == .cancellationRequested)
        #expect(try await h.client.cancel(h.handle) == .alreadyCompleted)
        #expect(try await h.client.cancel(h.handle) == .notFound)
        let first = try #require(h.server.requests.first)
        #expect(first.method == "PUT")
        #expect(first.body.isEmpty)
        #expect(first.header("Content-Length") == "0")
    }
}

extension QueueHandle {
    func withPosition(_ position: Int) -> QueueHandle {
        var copy = self
        copy.queuePosition = position
        return copy
    }
}
