import Foundation
import Testing
@testable import FalKit

/// Whether `error` is ``FalError/replyTooLarge(what:limit:)`` with that limit.
private func isTooLarge(_ error: any Error, limit: Int) -> Bool {
    guard case FalError.replyTooLarge(_, let got)? = error as? FalError else { return false }
    return got == limit && "\(error)".contains("went over its limit")
}

@Suite struct ReplyLimitTests {
    @Test func aReplyOfExactlyTheLimitPassesAndOneByteMoreFails() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let limit = HTTPLimits.maxReplyBytes
        h.server.script("GET", "/exact", [ScriptedResponse(status: 200, body: [UInt8](repeating: 0x20, count: limit))])
        h.server.script(
            "GET", "/over", [ScriptedResponse(status: 200, body: [UInt8](repeating: 0x20, count: limit + 1))])
        // Without a Content-Length: read until the connection closes.
        h.server.script(
            "GET", "/exact-unannounced",
            [ScriptedResponse(status: 200, chunks: [[UInt8](repeating: 1, count: limit)], chunkDelay: 0)])
        h.server.script(
            "GET", "/over-unannounced",
            [ScriptedResponse(status: 200, chunks: [[UInt8](repeating: 1, count: limit + 1)], chunkDelay: 0)])
        let http = try HTTPClient()
        #expect(try await http.send(HTTPRequest(url: "\(h.base)/exact")).body.count == limit)
        #expect(try await http.send(HTTPRequest(url: "\(h.base)/exact-unannounced")).body.count == limit)
        for path in ["/over", "/over-unannounced"] {
            await #expect { try await http.send(HTTPRequest(url: "\(h.base)\(path)")) } throws: {
                isTooLarge($0, limit: limit)
            }
        }
    }

    @Test func anEndlessSubmitReplyIsAbandonedAndNotRetried() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script(
            "POST", "/fal-ai/x",
            [
                ScriptedResponse(
                    status: 200, headers: [("Content-Type", "application/json")], body: Array(#"{"a":""#.utf8),
                    repeating: [UInt8](repeating: 0x61, count: 65536))
            ])
        let started = Date()
        await #expect {
            try await h.client.submit(endpointID: "fal-ai/x", body: Array("{}".utf8))
        } throws: { isTooLarge($0, limit: HTTPLimits.maxReplyBytes) && "\($0)".contains("POST \(h.base)/fal-ai/x") }
        #expect(h.server.requests.count == 1)
        // A guard against hanging, not a speed test: on two busy cores this takes seconds.
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test func anErrorBodyIsCutToItsPrefixAndStillReported() async throws {
        let h = try Harness(maxAttempts: 2)
        defer { h.server.stop() }
        let prefix = HTTPLimits.maxErrorBodyBytes
        h.server.script("GET", "/exact", [ScriptedResponse(status: 500, body: [UInt8](repeating: 0x41, count: prefix))])
        h.server.script(
            "GET", "/over", [ScriptedResponse(status: 500, body: [UInt8](repeating: 0x41, count: prefix + 1))])
        h.server.script(
            "GET", "/endless", [ScriptedResponse(status: 503, repeating: [UInt8](repeating: 0x42, count: 65536))])
        let http = try HTTPClient()
        let exact = try await http.send(HTTPRequest(url: "\(h.base)/exact"))
        #expect(exact.status == 500 && exact.body.count == prefix)
        let over = try await http.send(HTTPRequest(url: "\(h.base)/over"))
        #expect(over.status == 500 && over.body.count == prefix)
        let endless = try await http.send(HTTPRequest(url: "\(h.base)/endless"))
        #expect(endless.status == 503 && endless.body.count == prefix)
        // Through the client, an endless 503 is still a 503: retried, then reported.
        h.server.script(
            "GET", "/fal-ai/kling-video/requests/req-1/status",
            [ScriptedResponse(status: 503, repeating: [UInt8](repeating: 0x42, count: 65536))])
        await #expect { try await h.client.status(h.handle) } throws: {
            guard case FalError.http(503, let detail, _, _)? = $0 as? FalError else { return false }
            return detail.count <= 300
        }
        #expect(h.retries.values.map(\.reason) == ["HTTP 503"])
    }

    @Test func aHeaderBlockOverTheLimitIsAbandoned() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let line = String(repeating: "v", count: 1000)
        let many = (0..<270).map { ("X-Filler-\($0)", line) }
        let fewer = (0..<200).map { ("X-Filler-\($0)", line) }
        h.server.script("GET", "/many", [ScriptedResponse(status: 200, headers: many, body: [1])])
        h.server.script("GET", "/fewer", [ScriptedResponse(status: 200, headers: fewer, body: [1])])
        let http = try HTTPClient()
        #expect(try await http.send(HTTPRequest(url: "\(h.base)/fewer")).headers["X-Filler-199"] == line)
        await #expect { try await http.send(HTTPRequest(url: "\(h.base)/many")) } throws: {
            isTooLarge($0, limit: HTTPLimits.maxHeaderBytes)
        }
    }
}

@Suite struct StreamLimitTests {
    @Test func anEventOfExactlyTheLimitPassesAndOneByteMoreFails() throws {
        let limit = HTTPLimits.maxEventBytes
        var parser = SSEParser()
        let exact = String(repeating: "x", count: limit)
        // Split across lines too: two data lines joined by a newline count that newline.
        let half = String(repeating: "y", count: limit / 2)
        let twoLines = "data: \(half)\r\ndata: \(String(half.dropLast()))\r\n\r\n"
        let events = try parser.feed(Array("data: \(exact)\r\n\r\n\(twoLines)".utf8))
        #expect(events.map(\.data.utf8.count) == [limit, limit])
        var over = SSEParser()
        #expect(throws: FalError.replyTooLarge(what: "an event of the status stream", limit: limit)) {
            try over.feed(Array("data: \(exact)x\n\n".utf8))
        }
        var overByLines = SSEParser()
        #expect(throws: FalError.self) { try overByLines.feed(Array("data: \(half)\ndata: \(half)\n\n".utf8)) }
    }

    @Test func anEndlessLineFailsOnceItCannotBeAnEventWithinTheLimit() throws {
        var parser = SSEParser(maxEventBytes: 100)
        let line = Array("data: ".utf8) + [UInt8](repeating: 0x7a, count: 100)
        // A line that may still end within the limit is kept...
        _ = try parser.feed(line + [UInt8(ascii: "\r")])
        // ...and one that cannot is refused, newline or not.
        #expect(throws: FalError.self) { try parser.feed([UInt8](repeating: 0x7a, count: SSEParser.lineOverhead)) }
        var comments = SSEParser(maxEventBytes: 100)
        #expect(throws: FalError.self) {
            for _ in 0..<100 { _ = try comments.feed(Array(": keep-alive that never ends ".utf8)) }
        }
    }

    @Test func keepAlivesWithoutAnEventTimeOut() async throws {
        var parser = SSEParser(eventTimeout: 0.2)
        #expect(try parser.feed(Array(": ka\n\n".utf8)).isEmpty)
        #expect(try parser.feed(Array("data: 1\n\n".utf8)).count == 1)
        try await Task.sleep(nanoseconds: 300_000_000)
        // An event resets the clock...
        #expect(try parser.feed(Array("data: 2\n\n".utf8)).count == 1)
        #expect(try parser.feed(Array(": ka\n\n".utf8)).isEmpty)
        try await Task.sleep(nanoseconds: 300_000_000)
        // ...keep-alives do not.
        #expect { try parser.feed(Array(": ka\n\n".utf8)) } throws: { "\($0)".contains("no event") }
    }

    @Test func aStreamOfKeepAlivesForeverFallsBackToPolling() async throws {
        let h = try Harness(streamIdleTimeout: 5, streamEventTimeout: 0.5)
        defer { h.server.stop() }
        let (seen, seconds) = try await h.followStreamThenPoll(
            ScriptedResponse(
                status: 200, headers: [("Content-Type", "text/event-stream")], repeating: Array(": ka\n\n".utf8),
                repeatDelay: 0.05))
        #expect(seen == [.completed(logs: [], error: nil, errorType: nil, inferenceTime: nil)])
        // A guard against following keep-alives forever, not a speed test.
        #expect(seconds < 60)
    }

    @Test func anEndlessEventFallsBackToPolling() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let (seen, _) = try await h.followStreamThenPoll(
            ScriptedResponse(
                status: 200, headers: [("Content-Type", "text/event-stream")],
                body: Array(#"data: {"status":"IN_PROGRESS","logs":[""#.utf8),
                repeating: [UInt8](repeating: 0x61, count: 65536)))
        #expect(seen == [.completed(logs: [], error: nil, errorType: nil, inferenceTime: nil)])
        #expect(h.server.requests("GET", "/fal-ai/kling-video/requests/req-1/status").count == 1)
    }
}

@Suite struct DownloadLimitTests {
    @Test func exactlyTheAnnouncedSizePassesAndOneByteMoreIsAbandoned() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let video = [UInt8](repeating: 7, count: 100_000)
        // No Content-Length: only fal's announced size bounds it.
        h.server.script("GET", "/exact.mp4", [ScriptedResponse(status: 200, chunks: [video], chunkDelay: 0)])
        h.server.script("GET", "/over.mp4", [ScriptedResponse(status: 200, chunks: [video + [7]], chunkDelay: 0)])
        h.server.script(
            "GET", "/endless.mp4", [ScriptedResponse(status: 200, repeating: [UInt8](repeating: 7, count: 65536))])
        let path = temporaryPath("v.mp4")
        try await h.client.download(url: "\(h.base)/exact.mp4", to: path, expectedSize: video.count)
        #expect(FileManager.default.contents(atPath: path)?.count == video.count)
        for name in ["/over.mp4", "/endless.mp4"] {
            let target = temporaryPath("v.mp4")
            await #expect {
                try await h.client.download(url: "\(h.base)\(name)", to: target, expectedSize: video.count)
            } throws: { isTooLarge($0, limit: video.count) && "\($0)".contains("fal announced \(video.count) bytes") }
            #expect(
                !FileManager.default.fileExists(atPath: target)
                    && !FileManager.default.fileExists(atPath: target + ".part"))
        }
        // Not retried: the server saw each once.
        #expect(h.server.requests("GET", "/endless.mp4").count == 1)
    }

    @Test func anUnannouncedDownloadIsCappedOnDisk() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script(
            "GET", "/endless.mp4", [ScriptedResponse(status: 200, repeating: [UInt8](repeating: 7, count: 65536))])
        h.server.script(
            "GET", "/big.mp4",
            [
                ScriptedResponse(
                    status: 200, headers: [("Content-Length", "\(HTTPLimits.maxDownloadBytes + 1)")], chunks: [[1]])
            ])
        let path = temporaryPath("v.bin")
        let http = try HTTPClient()
        // The same cap as HTTPLimits.maxDownloadBytes, made small so that the test is quick.
        await #expect {
            try await http.download(
                HTTPRequest(url: "\(h.base)/endless.mp4", timeout: nil, maxBodyBytes: 1_000_000), to: path)
        } throws: { isTooLarge($0, limit: 1_000_000) }
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attrs[.size] as? Int ?? .max) <= 1_000_000)
        // An announced size over the cap is refused at the first byte.
        await #expect {
            try await h.client.download(url: "\(h.base)/big.mp4", to: path, expectedSize: nil)
        } throws: { isTooLarge($0, limit: HTTPLimits.maxDownloadBytes) && "\($0)".contains("no size was announced") }
    }
}
