// Tests of the fal-standin server itself (docs/standin.md), through the built executable and a raw
// HTTP/1.1 client over a loopback socket, so nothing here depends on FalKit or reaches beyond 127.0.0.1.
import Foundation
import ShotcTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

private let kling = "fal-ai/kling-video/o1/standard/reference-to-video"
private let fastTimeline = ["--queue-ms", "50", "--progress-ms", "100"]
/// For tests that must observe every phase: wide enough to survive a loaded machine.
private let observableTimeline = ["--queue-ms", "300", "--progress-ms", "300"]

@Suite("fal-standin")
struct StandInTests {
    // MARK: Queue

    @Test(
        "submit answers 200 with absolute owner/alias URLs, then status goes 202 IN_QUEUE, 202 IN_PROGRESS, 200 COMPLETED"
    )
    func submitAndStatusProgression() throws {
        let standIn = try StandInProcess(arguments: observableTimeline)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)

        let submitted = try client.send("POST", "/\(kling)", json: ["prompt": "a teal square", "duration": "5"])
        #expect(submitted.status == 200)
        let body = try submitted.object()
        let id = try #require(body["request_id"] as? String)
        let requestURL = "\(standIn.baseURL)/fal-ai/kling-video/requests/\(id)"
        #expect(body["status"] as? String == "IN_QUEUE")
        #expect(body["queue_position"] is Int)
        #expect(body["gateway_request_id"] as? String == id)
        #expect(body["status_url"] as? String == requestURL + "/status")
        #expect(body["response_url"] as? String == requestURL)
        #expect(body["cancel_url"] as? String == requestURL + "/cancel")
        #expect(submitted.headers["x-fal-request-id"] == id)
        #expect(submitted.headers["content-type"] == "application/json")

        var seen: [String] = []
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            let reply = try client.send("GET", "/fal-ai/kling-video/requests/\(id)/status?logs=1")
            let status = try reply.object()
            let name = try #require(status["status"] as? String)
            if seen.last != name { seen.append(name) }
            #expect(status["response_url"] as? String == requestURL)
            #expect(reply.headers["x-fal-request-id"] == id)
            switch name {
            case "IN_QUEUE":
                #expect(reply.status == 202)
                #expect(status["queue_position"] is Int)
            case "IN_PROGRESS":
                #expect(reply.status == 202)
                #expect(status["logs"] is [Any])
            case "COMPLETED":
                #expect(reply.status == 200)
                let logs = try #require(status["logs"] as? [[String: Any]])
                #expect(logs.contains { ($0["message"] as? String)?.hasPrefix("Rendering frame") == true })
                for entry in logs {
                    #expect(entry["level"] as? String == "INFO")
                    #expect(entry["source"] as? String == "USER")
                    #expect(entry["timestamp"] is String)
                }
                let metrics = try #require(status["metrics"] as? [String: Any])
                #expect(metrics["inference_time"] is Double || metrics["inference_time"] is Int)
                #expect(status["error"] == nil)
            default:
                Issue.record("unexpected status \(name)")
            }
            if name == "COMPLETED" { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(seen == ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"])
    }

    @Test("the logs parameter takes 1/0/true/false and /status/ takes a trailing slash; logs is null when not asked")
    func logsParameterForms() throws {
        let standIn = try StandInProcess(arguments: ["--queue-ms", "0", "--progress-ms", "0"])
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        let id = try client.submit(["prompt": "x"])
        for (query, wantsLogs) in [("1", true), ("true", true), ("0", false), ("false", false)] {
            for slash in ["", "/"] {
                let reply = try client.send("GET", "/fal-ai/kling-video/requests/\(id)/status\(slash)?logs=\(query)")
                #expect(reply.status == 200, "logs=\(query) slash=\(slash)")
                let status = try reply.object()
                #expect(status["status"] as? String == "COMPLETED")
                #expect(status.keys.contains("logs"))
                #expect((status["logs"] is [Any]) == wantsLogs, "logs=\(query)")
            }
        }
        let noParameter = try client.send("GET", "/fal-ai/kling-video/requests/\(id)/status").object()
        #expect(noParameter["logs"] is NSNull)
    }

    @Test("the result is a video whose URL serves real MP4 bytes; before completion it is 400")
    func resultAndMediaBytes() throws {
        let standIn = try StandInProcess(arguments: ["--queue-ms", "1000", "--progress-ms", "100"])
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        let id = try client.submit(["prompt": "x"])

        let early = try client.send("GET", "/fal-ai/kling-video/requests/\(id)")
        #expect(early.status == 400)
        #expect(try early.object()["detail"] as? String == "Request is still in progress")

        try client.waitUntilCompleted(id)
        let result = try client.send("GET", "/fal-ai/kling-video/requests/\(id)")
        #expect(result.status == 200)
        #expect(result.headers["x-fal-request-id"] == id)
        let video = try #require(try result.object()["video"] as? [String: Any])
        let url = try #require(video["url"] as? String)
        #expect(url == "\(standIn.baseURL)/media/\(id).mp4")
        #expect(video["content_type"] as? String == "video/mp4")
        #expect(video["file_name"] as? String == "\(id).mp4")

        let media = try client.send("GET", String(url.dropFirst(standIn.baseURL.count)))
        #expect(media.status == 200)
        #expect(media.isComplete)
        #expect(media.headers["content-type"] == "video/mp4")
        #expect(media.headers["content-length"] == String(media.body.count))
        #expect(video["file_size"] as? Int == media.body.count)
        #expect(media.body.count > 100)
        #expect(Array(media.body.dropFirst(4).prefix(4)) == Array("ftyp".utf8), "an MP4 starts with an ftyp box")
        let sample = try client.send("GET", "/media/sample.mp4")
        #expect(sample.body == media.body)
        #expect(try client.send("GET", "/media/no-such-request.mp4").status == 404)
    }

    @Test("queue and REST routes need `Authorization: Key <key>`; --key changes the key")
    func unauthorized() throws {
        let standIn = try StandInProcess(arguments: fastTimeline + ["--key", "other-key"])
        defer { standIn.stop() }
        let noKey = StandInClient(port: standIn.port, authorization: nil)
        let wrongKey = StandInClient(port: standIn.port, authorization: "Key test-key")
        let client = StandInClient(port: standIn.port, authorization: "Key other-key")

        for reply in [
            try noKey.send("POST", "/\(kling)", json: ["prompt": "x"]),
            try wrongKey.send("POST", "/\(kling)", json: ["prompt": "x"]),
            try noKey.send("POST", "/storage/auth/token?storage_type=fal-cdn-v3", json: [:]),
            try noKey.send("GET", "/fal-ai/kling-video/requests/whatever/status"),
        ] {
            #expect(reply.status == 401)
            #expect(try reply.object()["detail"] as? String == "Invalid authentication")
            #expect(reply.headers["x-fal-request-id"] != nil)
        }
        #expect(try client.send("POST", "/\(kling)", json: ["prompt": "x"]).status == 200)
        let counts = try client.counts()
        #expect(counts["unauthorized"] as? Int == 4)
        #expect(counts["submit"] as? Int == 3)
        #expect(counts["authorizations"] as? [String] == ["Key test-key", "Key other-key"])
    }

    // MARK: Validation

    @Test("a bad duration is a 422 with a pydantic-style detail list")
    func badDuration() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        for duration: Any in ["11", "2", 5, "5s"] {
            let reply = try client.send("POST", "/\(kling)", json: ["prompt": "x", "duration": duration])
            #expect(reply.status == 422, "duration \(duration)")
            let detail = try #require(try reply.object()["detail"] as? [[String: Any]])
            #expect(detail.count == 1)
            #expect(detail.first?["loc"] as? [String] == ["body", "duration"])
            #expect(detail.first?["msg"] is String)
            #expect(detail.first?["type"] as? String == "literal_error")
        }
        for duration in ["3", "10"] {
            #expect(try client.send("POST", "/\(kling)", json: ["prompt": "x", "duration": duration]).status == 200)
        }
    }

    @Test("more than 7 elements + image_urls is a 422; exactly 7 is accepted")
    func tooManyReferences() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        func body(images: Int, elements: Int) -> [String: Any] {
            [
                "prompt": "x",
                "image_urls": (0..<images).map { "https://example.invalid/\($0).png" },
                "elements": (0..<elements).map { _ in
                    [
                        "frontal_image_url": "https://example.invalid/f.png",
                        "reference_image_urls": ["data:image/png;base64,AAAA"],
                    ]
                },
            ]
        }
        let eight = try client.send("POST", "/\(kling)", json: body(images: 4, elements: 4))
        #expect(eight.status == 422)
        let detail = try #require(try eight.object()["detail"] as? [[String: Any]])
        #expect(detail.count == 1)
        #expect(detail.first?["loc"] as? [String] == ["body"])
        #expect(detail.first?["type"] as? String == "value_error")
        #expect(try client.send("POST", "/\(kling)", json: body(images: 4, elements: 3)).status == 200)
    }

    @Test("other body rules: prompt, aspect_ratio, URL schemes, element references; malformed JSON")
    func otherValidation() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        func locations(_ json: Any) throws -> [[String]] {
            let reply = try client.send("POST", "/\(kling)", json: json)
            #expect(reply.status == 422)
            let detail = try #require(try reply.object()["detail"] as? [[String: Any]])
            return detail.map { ($0["loc"] as? [Any] ?? []).map { "\($0)" } }
        }
        #expect(try locations([String: Any]()) == [["body", "prompt"]])
        #expect(try locations(["prompt": ""]) == [["body", "prompt"]])
        #expect(try locations(["prompt": "x", "aspect_ratio": "4:3"]) == [["body", "aspect_ratio"]])
        #expect(try locations(["prompt": "x", "image_urls": ["ftp://a"]]) == [["body", "image_urls", "0"]])
        #expect(
            try locations(["prompt": "x", "elements": [["reference_image_urls": []]]]) == [
                ["body", "elements", "0", "frontal_image_url"], ["body", "elements", "0", "reference_image_urls"],
            ])
        #expect(
            try locations([
                "prompt": "x",
                "elements": [
                    [
                        "frontal_image_url": "https://a/b.png",
                        "reference_image_urls": ["https://a/1", "https://a/2", "https://a/3", "https://a/4"],
                    ]
                ],
            ]) == [["body", "elements", "0", "reference_image_urls"]])
        #expect(
            try locations(["prompt": "x", "image_urls": ["\(standIn.baseURL)/files/99/missing.png"]]) == [
                ["body", "image_urls", "0"]
            ])

        let malformed = try client.send("POST", "/\(kling)", body: Array("{\"prompt\": ".utf8))
        #expect(malformed.status == 422)
        let detail = try #require(try malformed.object()["detail"] as? [[String: Any]])
        #expect(detail.first?["loc"] as? [String] == ["body"])
        #expect(detail.first?["type"] as? String == "json_invalid")
    }

    @Test("unknown request ids and routes are 404")
    func notFound() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/nope/status").status == 404)
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/nope").status == 404)
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/nope/status/stream").status == 404)
        let unknown = try client.send("GET", "/nothing/here")
        #expect(unknown.status == 404)
        #expect(try unknown.object()["detail"] as? String == "Not found")
        #expect(try client.send("GET", "/files/1/none.png").status == 404)
    }

    // MARK: Cancel

    @Test("cancel: 202 CANCELLATION_REQUESTED then COMPLETED with an error; 400 ALREADY_COMPLETED; 404 NOT_FOUND")
    func cancel() throws {
        let standIn = try StandInProcess(arguments: ["--queue-ms", "5000", "--progress-ms", "100"])
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        let id = try client.submit(["prompt": "x"])
        let cancelled = try client.send("PUT", "/fal-ai/kling-video/requests/\(id)/cancel")
        #expect(cancelled.status == 202)
        #expect(try cancelled.object()["status"] as? String == "CANCELLATION_REQUESTED")

        let status = try client.send("GET", "/fal-ai/kling-video/requests/\(id)/status")
        #expect(status.status == 200)
        let body = try status.object()
        #expect(body["status"] as? String == "COMPLETED")
        #expect(body["error"] as? String == "Request was cancelled")
        #expect(body["error_type"] is String)
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/\(id)").status == 400)

        let again = try client.send("PUT", "/fal-ai/kling-video/requests/\(id)/cancel")
        #expect(again.status == 400)
        #expect(try again.object()["status"] as? String == "ALREADY_COMPLETED")
        let unknown = try client.send("PUT", "/fal-ai/kling-video/requests/nope/cancel")
        #expect(unknown.status == 404)
        #expect(try unknown.object()["status"] as? String == "NOT_FOUND")
        #expect(try client.counts()["cancel"] as? Int == 3)
    }

    // MARK: Streaming

    @Test("the status stream sends data events up to COMPLETED, then closes")
    func statusStream() throws {
        let standIn = try StandInProcess(arguments: observableTimeline)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        let id = try client.submit(["prompt": "x"])
        let started = Date()
        let stream = try client.send("GET", "/fal-ai/kling-video/requests/\(id)/status/stream?logs=1")
        #expect(Date().timeIntervalSince(started) < 4, "the stream must end soon after COMPLETED")
        #expect(stream.status == 200)
        #expect(stream.headers["content-type"] == "text/event-stream")
        #expect(stream.isComplete)
        let text = String(decoding: stream.body, as: UTF8.self)
        #expect(text.contains(": keepalive\n\n"))
        let events = text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }
        let statuses = try events.map { event -> String in
            let object = try JSONSerialization.jsonObject(with: Data(event.dropFirst("data: ".count).utf8))
            return (object as? [String: Any])?["status"] as? String ?? "?"
        }
        #expect(statuses.first == "IN_QUEUE")
        #expect(statuses.contains("IN_PROGRESS"))
        #expect(statuses.last == "COMPLETED")
        #expect(statuses.filter { $0 == "COMPLETED" }.count == 1)
        #expect(text.hasSuffix("\n\n"))
    }

    // MARK: Faults

    @Test("status fault: the given code `times` times, Retry-After, omitRequestID and body override")
    func statusFault() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        try client.addFaults([
            ["route": "submit", "kind": "status", "status": 429, "retryAfter": 1, "times": 2],
            [
                "route": "submit", "kind": "status", "status": 503, "omitRequestID": true,
                "body": "<html>502 nginx</html>",
            ],
            ["route": "submit", "kind": "status", "status": 500, "body": ["detail": "custom"]],
        ])
        for _ in 0..<2 {
            let limited = try client.send("POST", "/\(kling)", json: ["prompt": "x"])
            #expect(limited.status == 429)
            #expect(limited.headers["retry-after"] == "1")
            #expect(limited.headers["x-fal-request-id"] != nil)
            #expect(try limited.object()["detail"] is String)
        }
        let ingress = try client.send("POST", "/\(kling)", json: ["prompt": "x"])
        #expect(ingress.status == 503)
        #expect(ingress.headers["x-fal-request-id"] == nil)
        #expect(String(decoding: ingress.body, as: UTF8.self).contains("nginx"))
        let custom = try client.send("POST", "/\(kling)", json: ["prompt": "x"])
        #expect(custom.status == 500)
        #expect(try custom.object()["detail"] as? String == "custom")
        #expect(try client.send("POST", "/\(kling)", json: ["prompt": "x"]).status == 200)
        #expect(try client.counts()["submit"] as? Int == 5)
    }

    @Test("drop fault: the connection closes without an answer, once")
    func dropFault() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        let id = try client.submit(["prompt": "x"])
        try client.addFaults([["route": "status", "kind": "drop", "times": 1]])
        #expect(throws: RawHTTPError.closedWithoutResponse) {
            try client.send("GET", "/fal-ai/kling-video/requests/\(id)/status")
        }
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/\(id)/status").status == 202)
        #expect(try client.counts()["status"] as? Int == 2)
    }

    @Test("delay fault: the answer comes after the delay")
    func delayFault() throws {
        let standIn = try StandInProcess(arguments: ["--queue-ms", "0", "--progress-ms", "0"])
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        let id = try client.submit(["prompt": "x"])
        try client.addFaults([["route": "result", "kind": "delay", "ms": 800, "times": 1]])
        let started = Date()
        let delayed = try client.send("GET", "/fal-ai/kling-video/requests/\(id)")
        #expect(Date().timeIntervalSince(started) >= 0.78)
        #expect(delayed.status == 200)
        let quick = Date()
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/\(id)").status == 200)
        // Below the 0.8 s delay: the fault was used up by the first request.
        #expect(Date().timeIntervalSince(quick) < 0.78)
    }

    @Test("truncate fault: full content-length, only `bytes` bytes, then close")
    func truncateFault() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        let full = try client.send("GET", "/media/sample.mp4")
        try client.addFaults([["route": "media", "kind": "truncate", "bytes": 100, "times": 1]])
        let truncated = try client.send("GET", "/media/sample.mp4")
        #expect(truncated.status == 200)
        #expect(truncated.headers["content-length"] == String(full.body.count))
        #expect(truncated.body == Array(full.body.prefix(100)))
        #expect(!truncated.isComplete)
        #expect(try client.send("GET", "/media/sample.mp4").body == full.body)
    }

    @Test("renderFail fault: COMPLETED with error and error_type, result 500 (or 422 with a detail list)")
    func renderFailFault() throws {
        let standIn = try StandInProcess(arguments: ["--queue-ms", "0", "--progress-ms", "0"])
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        try client.addFaults([
            ["route": "submit", "kind": "renderFail", "message": "Content policy violation", "times": 1],
            ["route": "submit", "kind": "renderFail", "message": "Blocked", "status": 422, "times": 1],
        ])
        let failed = try client.submit(["prompt": "x"])
        let status = try client.send("GET", "/fal-ai/kling-video/requests/\(failed)/status")
        #expect(status.status == 200)
        #expect(try status.object()["error"] as? String == "Content policy violation")
        #expect(try status.object()["error_type"] is String)
        let result = try client.send("GET", "/fal-ai/kling-video/requests/\(failed)")
        #expect(result.status == 500)
        #expect(try result.object()["detail"] as? String == "Content policy violation")

        let blocked = try client.submit(["prompt": "x"])
        let blockedResult = try client.send("GET", "/fal-ai/kling-video/requests/\(blocked)")
        #expect(blockedResult.status == 422)
        let detail = try #require(try blockedResult.object()["detail"] as? [[String: Any]])
        #expect(detail.first?["msg"] as? String == "Blocked")
        #expect(detail.first?["type"] as? String == "content_policy_violation")

        let healthy = try client.submit(["prompt": "x"])
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/\(healthy)").status == 200)
    }

    @Test("a malformed fault list is rejected with 400 and adds nothing")
    func badFaults() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port, authorization: nil)
        let reply = try client.send(
            "POST", "/_standin/faults",
            json: [["route": "submit", "kind": "drop"], ["route": "nowhere", "kind": "drop"]])
        #expect(reply.status == 400)
        #expect(try client.send("GET", "/media/sample.mp4").status == 200)
    }

    // MARK: Counts and reset

    @Test("counts report every route, the submit bodies as sent, and reset clears them")
    func countsAndReset() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        let sent: [String: Any] = ["prompt": "x", "duration": "5", "extra": true, "n": 3]
        let id = try client.submit(sent)
        _ = try client.send("GET", "/fal-ai/kling-video/requests/\(id)/status")
        _ = try client.send("GET", "/fal-ai/kling-video/requests/\(id)")
        _ = try client.send("GET", "/media/sample.mp4")
        let counts = try client.counts()
        #expect(counts["submit"] as? Int == 1)
        #expect(counts["status"] as? Int == 1)
        #expect(counts["result"] as? Int == 1)
        #expect(counts["media"] as? Int == 1)
        for route in ["stream", "cancel", "token", "upload", "initiate", "put", "file", "unauthorized"] {
            #expect(counts[route] as? Int == 0, "\(route)")
        }
        let bodies = try #require(counts["bodies"] as? [[String: Any]])
        #expect(bodies.count == 1)
        #expect(bodies.first?["extra"] as? Bool == true)
        #expect(bodies.first?["n"] as? Int == 3)
        #expect(bodies.first?["duration"] as? String == "5")
        #expect(counts["authorizations"] as? [String] == ["Key test-key"])

        #expect(try client.send("POST", "/_standin/reset").status == 200)
        let cleared = try client.counts()
        #expect(cleared["submit"] as? Int == 0)
        #expect((cleared["bodies"] as? [Any])?.isEmpty == true)
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/\(id)/status").status == 404)
    }

    // MARK: Storage

    @Test("v3 upload: token, then POST /files/upload with the Bearer token; the access_url serves the bytes")
    func cdnUpload() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        let tokenReply = try client.send("POST", "/storage/auth/token?storage_type=fal-cdn-v3", json: [String: Any]())
        #expect(tokenReply.status == 200)
        let token = try tokenReply.object()
        let tokenText = try #require(token["token"] as? String)
        #expect(token["token_type"] as? String == "Bearer")
        #expect(token["base_url"] as? String == standIn.baseURL)
        let expiry = try #require(token["expires_at"] as? String)
        let expiryDate = try #require(ISO8601DateFormatter().date(from: expiry))
        #expect(expiryDate.timeIntervalSinceNow > 3000)

        let bytes: [UInt8] = (0..<3000).map { UInt8($0 % 251) }
        let cdn = StandInClient(port: standIn.port, authorization: "Bearer \(tokenText)")
        let uploaded = try cdn.send(
            "POST", "/files/upload", headers: ["Content-Type": "image/png", "X-Fal-File-Name": "face.png"], body: bytes)
        #expect(uploaded.status == 200)
        let accessURL = try #require(try uploaded.object()["access_url"] as? String)
        #expect(accessURL.hasPrefix(standIn.baseURL + "/files/"))
        #expect(accessURL.hasSuffix("/face.png"))
        #expect(try uploaded.object()["content_type"] as? String == "image/png")

        let download = try client.send("GET", String(accessURL.dropFirst(standIn.baseURL.count)))
        #expect(download.status == 200)
        #expect(download.body == bytes)
        #expect(download.headers["content-type"] == "image/png")

        let forged = StandInClient(port: standIn.port, authorization: "Bearer not-a-token")
        #expect(try forged.send("POST", "/files/upload", body: bytes).status == 401)
        #expect(try client.send("POST", "/files/upload", body: bytes).status == 401, "a fal key is not a CDN token")

        let accepted = try client.send("POST", "/\(kling)", json: ["prompt": "@Image1", "image_urls": [accessURL]])
        #expect(accepted.status == 200)
        let counts = try client.counts()
        #expect(counts["token"] as? Int == 1)
        #expect(counts["upload"] as? Int == 3)
        #expect(counts["file"] as? Int == 1)
    }

    @Test("legacy upload: initiate, PUT the bytes to upload_url, file_url serves them")
    func legacyUpload() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        let initiated = try client.send(
            "POST", "/storage/upload/initiate?storage_type=gcs",
            json: ["file_name": "ref.jpg", "content_type": "image/jpeg"])
        #expect(initiated.status == 200)
        let uploadURL = try #require(try initiated.object()["upload_url"] as? String)
        let fileURL = try #require(try initiated.object()["file_url"] as? String)
        #expect(uploadURL.hasPrefix(standIn.baseURL + "/upload/"))
        #expect(fileURL.hasPrefix(standIn.baseURL + "/files/"))
        #expect(fileURL.hasSuffix("/ref.jpg"))
        #expect(
            try client.send("GET", String(fileURL.dropFirst(standIn.baseURL.count))).status == 404,
            "not there before the PUT")

        let bytes = Array("jpeg bytes".utf8)
        let unsigned = StandInClient(port: standIn.port, authorization: nil)
        let put = try unsigned.send(
            "PUT", String(uploadURL.dropFirst(standIn.baseURL.count)), headers: ["Content-Type": "image/jpeg"],
            body: bytes)
        #expect(put.status == 200)
        let download = try client.send("GET", String(fileURL.dropFirst(standIn.baseURL.count)))
        #expect(download.body == bytes)
        #expect(download.headers["content-type"] == "image/jpeg")
        #expect(try unsigned.send("PUT", "/upload/nope", body: bytes).status == 404)
        #expect(try client.counts()["initiate"] as? Int == 1)
        #expect(try client.counts()["put"] as? Int == 2)
    }

    // MARK: Connections and lifetime

    @Test("keep-alive: several requests on one connection; concurrent connections")
    func connections() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        let connection = try RawHTTPConnection(port: standIn.port)
        for _ in 0..<3 {
            let reply = try connection.send("GET", "/media/sample.mp4", headers: [:], body: [], keepAlive: true)
            #expect(reply.status == 200)
            #expect(reply.isComplete)
        }
        let client = StandInClient(port: standIn.port)
        let statuses = ConcurrentResults()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            statuses.append((try? client.send("POST", "/\(kling)", json: ["prompt": "x"]).status) ?? -1)
        }
        #expect(statuses.values == Array(repeating: 200, count: 8))
        #expect(try client.counts()["submit"] as? Int == 8)
    }

    @Test("`Expect: 100-continue` gets an interim 100 so libcurl does not wait a second before the body")
    func expectContinue() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        let connection = try RawHTTPConnection(port: standIn.port)
        let interim = try connection.send(
            "POST", "/\(kling)",
            headers: ["Authorization": "Key test-key", "Expect": "100-continue", "Content-Type": "application/json"],
            body: Array("{\"prompt\":\"x\"}".utf8), keepAlive: false)
        #expect(interim.status == 100)
        #expect(try connection.readResponse().status == 200)
    }

    @Test("the server exits when its stdin closes")
    func exitsOnEndOfInput() throws {
        let standIn = try StandInProcess(arguments: fastTimeline)
        defer { standIn.stop() }
        #expect(standIn.isRunning)
        standIn.closeStandardInput()
        #expect(standIn.waitForExit(seconds: 5))
    }
}

/// Sends each request on a new connection, with `Authorization` unless it is nil (shared by the stand-in tests).
struct StandInClient: Sendable {
    var port: Int
    var authorization: String? = "Key test-key"

    func send(
        _ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = []
    ) throws
        -> RawHTTPResponse
    {
        var allHeaders = headers
        if let authorization { allHeaders["Authorization"] = authorization }
        return try RawHTTPConnection(port: port).send(method, target, headers: allHeaders, body: body, keepAlive: false)
    }

    func send(_ method: String, _ target: String, json: Any) throws -> RawHTTPResponse {
        let data = try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed])
        return try send(method, target, headers: ["Content-Type": "application/json"], body: Array(data))
    }

    /// Submits to the Kling endpoint and returns the request id.
    func submit(_ body: [String: Any]) throws -> String {
        let reply = try send("POST", "/\(kling)", json: body)
        guard reply.status == 200, let id = try reply.object()["request_id"] as? String else {
            throw RawHTTPError.malformedResponse
        }
        return id
    }

    /// Polls the status until COMPLETED, for at most five seconds.
    func waitUntilCompleted(_ id: String) throws {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if try send("GET", "/fal-ai/kling-video/requests/\(id)/status").status == 200 { return }
            Thread.sleep(forTimeInterval: 0.01)
        }
        throw RawHTTPError.timedOut
    }

    func addFaults(_ faults: [[String: Any]]) throws {
        let reply = try send("POST", "/_standin/faults", json: faults)
        guard reply.status == 200 else { throw RawHTTPError.malformedResponse }
    }

    func counts() throws -> [String: Any] {
        try send("GET", "/_standin/counts").object()
    }
}

/// Collects values from concurrent closures.
private final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [Int] = []

    func append(_ value: Int) { lock.withLock { collected.append(value) } }
    var values: [Int] { lock.withLock { collected } }
}
