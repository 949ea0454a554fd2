// Tests of the stand-in's faults for the fault soak (docs/standin.md): submits fal accepts although the client
// cannot tell, rejections at the result call with a `loc`, outages, clearing faults, the request list, and
// restarts that keep fal's state (`--state-dir`). Raw HTTP over 127.0.0.1 only, as in StandInTests.swift.
import Foundation
import ShotcTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

private let klingPath = "/fal-ai/kling-video/o1/standard/reference-to-video"
private let instant = ["--queue-ms", "0", "--progress-ms", "0"]

@Suite("fal-standin soak faults")
struct StandInSoakFaultTests {
    @Test("acceptThenStatus: the request is accepted and renders, the client gets a 500 naming the new id")
    func acceptThenStatus() throws {
        let standIn = try StandInProcess(arguments: instant)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        try client.addFaults([
            ["route": "submit", "kind": "acceptThenStatus"],
            [
                "route": "submit", "kind": "acceptThenStatus", "status": 503, "omitRequestID": true,
                "body": ["detail": "x"],
            ],
        ])
        // A rejected body does not take the fault: nothing was accepted.
        #expect(try client.send("POST", klingPath, json: ["prompt": ""]).status == 422)

        let reply = try client.send("POST", klingPath, json: ["prompt": "first"])
        #expect(reply.status == 500)
        #expect(try reply.object()["detail"] as? String == "Internal Server Error")
        let id = try #require(reply.headers["x-fal-request-id"])
        let listed = try client.requests()
        #expect(listed.count == 1)
        #expect(listed.first?["id"] as? String == id)
        #expect((listed.first?["body"] as? [String: Any])?["prompt"] as? String == "first")
        #expect(listed.first?["endpoint"] as? String == String(klingPath.dropFirst()))
        try client.waitUntilCompleted(id)
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/\(id)").status == 200)

        let second = try client.send("POST", klingPath, json: ["prompt": "second"])
        #expect(second.status == 503)
        #expect(second.headers["x-fal-request-id"] == nil)
        #expect(try second.object()["detail"] as? String == "x")
        #expect(try client.requests().count == 2)
        #expect(try client.send("POST", klingPath, json: ["prompt": "third"]).status == 200, "faults used up")
    }

    @Test("acceptThenDrop: the request is accepted and renders, the connection closes without an answer")
    func acceptThenDrop() throws {
        let standIn = try StandInProcess(arguments: instant)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        try client.addFaults([["route": "submit", "kind": "acceptThenDrop"]])
        #expect(throws: RawHTTPError.closedWithoutResponse) {
            try client.send("POST", klingPath, json: ["prompt": "dropped"])
        }
        let listed = try client.requests()
        #expect(listed.count == 1)
        let id = try #require(listed.first?["id"] as? String)
        try client.waitUntilCompleted(id)
        #expect(try client.requests().first?["state"] as? String == "COMPLETED")
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/\(id)").status == 200)
    }

    @Test("renderFail at the result: a 422 detail list with the fault's loc, or another 4xx with detail and error_type")
    func resultRejection() throws {
        let standIn = try StandInProcess(arguments: instant)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        try client.addFaults([
            [
                "route": "submit", "kind": "renderFail", "status": 422, "message": "Image too small",
                "errorType": "image_too_small", "loc": ["body", "elements", 0, "frontal_image_url"],
            ],
            [
                "route": "submit", "kind": "renderFail", "status": 400, "message": "Bad prompt",
                "errorType": "bad_prompt",
            ],
        ])
        let rejected = try client.submit(["prompt": "x"])
        let status = try client.send("GET", "/fal-ai/kling-video/requests/\(rejected)/status").object()
        #expect(status["status"] as? String == "COMPLETED")
        #expect(status["error"] as? String == "Image too small")
        let result = try client.send("GET", "/fal-ai/kling-video/requests/\(rejected)")
        #expect(result.status == 422)
        #expect(result.headers["x-fal-error-type"] == "image_too_small")
        let detail = try #require(try result.object()["detail"] as? [[String: Any]])
        #expect(detail.count == 1)
        let location = try #require(detail.first?["loc"] as? [Any])
        #expect(location.count == 4)
        #expect(location[0] as? String == "body")
        #expect(location[1] as? String == "elements")
        #expect(location[2] as? Int == 0)
        #expect(location[3] as? String == "frontal_image_url")
        #expect(detail.first?["msg"] as? String == "Image too small")
        #expect(detail.first?["type"] as? String == "image_too_small")

        let other = try client.submit(["prompt": "y"])
        let otherResult = try client.send("GET", "/fal-ai/kling-video/requests/\(other)")
        #expect(otherResult.status == 400)
        #expect(try otherResult.object()["detail"] as? String == "Bad prompt")
        #expect(try otherResult.object()["error_type"] as? String == "bad_prompt")

        let listed = try client.requests()
        #expect(listed.map { $0["failed"] as? Bool } == [true, true])
        #expect(listed.map { $0["cancelled"] as? Bool } == [false, false])

        let badLocation = try client.send(
            "POST", "/_standin/faults", json: [["route": "submit", "kind": "renderFail", "loc": []]])
        #expect(badLocation.status == 400)
    }

    @Test("outage: every fal route answers 503 without a request id until the time passes; route and drop narrow it")
    func outage() throws {
        let standIn = try StandInProcess(arguments: instant)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        let id = try client.submit(["prompt": "before"])
        try client.addFaults([["kind": "outage", "ms": 700]])
        let started = Date()
        for (method, target) in [
            ("POST", klingPath), ("GET", "/fal-ai/kling-video/requests/\(id)/status"),
            ("GET", "/fal-ai/kling-video/requests/\(id)"), ("GET", "/media/sample.mp4"),
        ] {
            let reply = try client.send(method, target, json: ["prompt": "during"])
            #expect(reply.status == 503, "\(method) \(target)")
            #expect(reply.headers["x-fal-request-id"] == nil)
        }
        #expect(try client.requests().count == 1, "nothing accepted during the outage")
        // Still down a little later: the outage is a time span, not a count.
        #expect(try client.send("GET", "/media/sample.mp4").status == 503)
        while Date().timeIntervalSince(started) < 0.75 { Thread.sleep(forTimeInterval: 0.02) }
        #expect(try client.send("GET", "/media/sample.mp4").status == 200)
        #expect(try client.send("POST", klingPath, json: ["prompt": "after"]).status == 200)

        try client.addFaults([["kind": "outage", "route": "status", "ms": 5000, "drop": true]])
        #expect(throws: RawHTTPError.closedWithoutResponse) {
            try client.send("GET", "/fal-ai/kling-video/requests/\(id)/status")
        }
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/\(id)").status == 200, "other routes are up")
        #expect(try client.send("POST", "/_standin/faults", json: [["kind": "outage"]]).status == 400, "ms is required")
    }

    @Test("faults/clear ends waiting faults and outages but keeps requests and counts")
    func clearFaults() throws {
        let standIn = try StandInProcess(arguments: instant)
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        let id = try client.submit(["prompt": "kept"])
        try client.addFaults([
            ["kind": "outage", "ms": 60000],
            ["route": "submit", "kind": "acceptThenDrop", "times": 5],
            ["route": "status", "kind": "status", "status": 500, "times": 5],
        ])
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/\(id)/status").status == 503)
        #expect(try client.send("POST", "/_standin/faults/clear").status == 200)
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/\(id)/status").status == 200)
        #expect(try client.send("POST", klingPath, json: ["prompt": "new"]).status == 200)
        #expect(try client.requests().count == 2)
        #expect(try client.counts()["status"] as? Int == 2)
    }

    @Test("the request list: state moves IN_QUEUE to COMPLETED; failed only once fal declares it; cancelled")
    func requestList() throws {
        let standIn = try StandInProcess(arguments: ["--queue-ms", "400", "--progress-ms", "400"])
        defer { standIn.stop() }
        let client = StandInClient(port: standIn.port)
        try client.addFaults([["route": "submit", "kind": "renderFail", "message": "no"]])
        let failing = try client.submit(["prompt": "fails", "duration": "5"])
        let cancelled = try client.submit(["prompt": "cancelled"])
        #expect(try client.send("PUT", "/fal-ai/kling-video/requests/\(cancelled)/cancel").status == 202)
        let early = try client.requests()
        #expect(early.map { $0["id"] as? String } == [failing, cancelled])
        #expect(early[0]["state"] as? String == "IN_QUEUE")
        #expect(early[0]["failed"] as? Bool == false, "not failed before fal says so")
        #expect((early[0]["body"] as? [String: Any])?["duration"] as? String == "5")
        #expect(early[1]["state"] as? String == "COMPLETED")
        #expect(early[1]["cancelled"] as? Bool == true)
        try client.waitUntilCompleted(failing)
        let late = try client.requests()
        #expect(late[0]["state"] as? String == "COMPLETED")
        #expect(late[0]["failed"] as? Bool == true)
        #expect(late[0]["error"] as? String == "no")
        #expect(try client.send("POST", "/_standin/reset").status == 200)
        #expect(try client.requests().isEmpty)
    }

    @Test(
        "--state-dir: a stand-in killed and restarted on the same port keeps requests, timelines, outcomes, files and tokens"
    )
    func restartKeepsState() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "standin-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let timeline = ["--queue-ms", "1000", "--progress-ms", "1000", "--state-dir", directory.path]
        let first = try StandInProcess(arguments: timeline)
        defer { first.stop() }
        let client = StandInClient(port: first.port)

        let token = try #require(
            try client.send("POST", "/storage/auth/token?storage_type=fal-cdn-v3", json: [String: Any]()).object()[
                "token"]
                as? String)
        let cdn = StandInClient(port: first.port, authorization: "Bearer \(token)")
        let png: [UInt8] = Array("not really a png".utf8)
        let uploaded = try cdn.send("POST", "/files/upload", headers: ["X-Fal-File-Name": "a.png"], body: png)
        let fileURL = try #require(try uploaded.object()["access_url"] as? String)
        let filePath = String(fileURL.dropFirst(first.baseURL.count))

        try client.addFaults([
            ["route": "submit", "kind": "renderFail", "status": 422, "loc": ["body", "prompt"], "message": "m"]
        ])
        let failing = try client.submit(["prompt": "fails"])
        let healthy = try client.submit(["prompt": "renders", "image_urls": [fileURL]])
        let cancelled = try client.submit(["prompt": "cancelled"])
        #expect(try client.send("PUT", "/fal-ai/kling-video/requests/\(cancelled)/cancel").status == 202)
        #expect(try client.requests().first { $0["id"] as? String == healthy }?["state"] as? String == "IN_QUEUE")

        kill(first.processIdentifier, SIGKILL)
        #expect(first.waitForExit(seconds: 5))
        let second = try StandInProcess(arguments: timeline + ["--port", String(first.port)])
        defer { second.stop() }
        #expect(second.port == first.port)

        let listed = try client.requests()
        #expect(listed.map { $0["id"] as? String } == [failing, healthy, cancelled])
        #expect((listed[1]["body"] as? [String: Any])?["image_urls"] as? [String] == [fileURL])
        #expect(listed[2]["cancelled"] as? Bool == true)
        // The timeline goes on by wall-clock time: completed within the 2 s it was given, not 2 s after the restart.
        try client.waitUntilCompleted(healthy)
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/\(healthy)").status == 200)
        #expect(try client.send("GET", "/media/\(healthy).mp4").status == 200)
        try client.waitUntilCompleted(failing)
        let rejected = try client.send("GET", "/fal-ai/kling-video/requests/\(failing)")
        #expect(rejected.status == 422)
        let detail = try #require(try rejected.object()["detail"] as? [[String: Any]])
        #expect(detail.first?["loc"] as? [String] == ["body", "prompt"])
        #expect(try client.send("GET", "/fal-ai/kling-video/requests/\(cancelled)").status == 400)

        let served = try client.send("GET", filePath)
        #expect(served.status == 200)
        #expect(served.body == png)
        let again = try cdn.send("POST", "/files/upload", headers: ["X-Fal-File-Name": "a.png"], body: Array("b".utf8))
        #expect(again.status == 200, "the token handed out before the restart still works")
        #expect(try again.object()["access_url"] as? String != fileURL, "a new upload never takes an old path")
        #expect(try client.send("GET", filePath).body == png)
    }
}

extension StandInClient {
    /// `GET /_standin/requests`: every accepted request, oldest first.
    func requests() throws -> [[String: Any]] {
        let reply = try send("GET", "/_standin/requests")
        guard reply.status == 200, let list = try reply.object()["requests"] as? [[String: Any]] else {
            throw RawHTTPError.malformedResponse
        }
        return list
    }
}
