import Foundation
import Synchronization
import Testing
@testable import FalKit

@Suite struct UploadTests {
    @Test func concurrentUploadsShareOneToken() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script(
            "POST", "/storage/auth/token",
            [
                ScriptedResponse.json(
                    200,
                    #"{"token":"cdn-token-1","token_type":"Bearer","base_url":"http://x","expires_at":"2099-01-01T00:00:00.123456+00:00"}"#
                ).delayed(0.2)
            ])
        h.server.script("POST", "/files/upload", [.json(200, #"{"access_url":"http://127.0.0.1/files/abc/cat.png"}"#)])
        let client = h.client
        let urls = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<6 {
                group.addTask {
                    try await client.upload(
                        data: Array(repeating: UInt8(index), count: 1000), contentType: "image/png", fileName: "cat.png"
                    )
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(urls.count == 6)
        #expect(urls.allSatisfy { $0 == "http://127.0.0.1/files/abc/cat.png" })
        let tokenRequests = h.server.requests("POST", "/storage/auth/token")
        #expect(tokenRequests.count == 1)
        #expect(tokenRequests.first?.target == "/storage/auth/token?storage_type=fal-cdn-v3")
        #expect(tokenRequests.first?.header("Authorization") == "Key \(testKey)")
        #expect(tokenRequests.first?.body == Array("{}".utf8))
        let uploads = h.server.requests("POST", "/files/upload")
        #expect(uploads.count == 6)
        for upload in uploads {
            #expect(upload.header("Authorization") == "Bearer cdn-token-1")
            #expect(upload.header("Content-Type") == "image/png")
            #expect(upload.header("X-Fal-File-Name") == "cat.png")
            #expect(upload.body.count == 1000)
        }
        // A later upload reuses the cached token too.
        _ = try await client.upload(data: [1, 2, 3], contentType: "image/jpeg", fileName: "a.jpg")
        #expect(h.server.requests("POST", "/storage/auth/token").count == 1)
    }
}

@Suite struct DownloadTests {
    @Test func followsRedirectsAndRenamesIntoPlace() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let video = (0..<5000).map { UInt8($0 % 251) }
        h.server.script(
            "GET", "/media/r.mp4", [ScriptedResponse(status: 302, headers: [("Location", "\(h.base)/cdn/r.mp4")])])
        h.server.script(
            "GET", "/cdn/r.mp4", [ScriptedResponse(status: 200, headers: [("Content-Type", "video/mp4")], body: video)])
        let path = temporaryPath("shot.mp4")
        try await h.client.download(url: "\(h.base)/media/r.mp4", to: path, expectedSize: video.count)
        #expect(FileManager.default.contents(atPath: path) == Data(video))
        #expect(!FileManager.default.fileExists(atPath: path + ".part"))
        #expect(h.server.requests("GET", "/media/r.mp4").first?.header("Authorization") == nil)
    }

    @Test func sizeMismatchLeavesNoFile() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script("GET", "/media/r.mp4", [ScriptedResponse(status: 200, body: Array(repeating: 7, count: 100))])
        let path = temporaryPath("shot.mp4")
        await #expect(throws: FalError.sizeMismatch(expected: 150, got: 100)) {
            try await h.client.download(url: "\(h.base)/media/r.mp4", to: path, expectedSize: 150)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".part"))
    }

    @Test func truncatedTransferIsRetried() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let video = Array(repeating: UInt8(9), count: 4000)
        h.server.script(
            "GET", "/media/r.mp4",
            [
                ScriptedResponse(status: 200, body: video, closeAfterBytes: 100),
                ScriptedResponse(status: 200, body: video),
            ])
        let path = temporaryPath("shot.mp4")
        try await h.client.download(url: "\(h.base)/media/r.mp4", to: path, expectedSize: nil)
        #expect(FileManager.default.contents(atPath: path)?.count == 4000)
        #expect(h.server.requests.count == 2)
        #expect(h.retries.values.count == 1)
    }

    @Test func errorStatusIsReportedAndNoFileRemains() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script("GET", "/media/r.mp4", [.json(404, #"{"detail":"gone"}"#)])
        let path = temporaryPath("shot.mp4")
        await #expect(throws: FalError.http(status: 404, detail: "gone", errorType: nil, requestID: nil)) {
            try await h.client.download(url: "\(h.base)/media/r.mp4", to: path, expectedSize: nil)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".part"))
    }
}

@Suite struct EngineTests {
    /// A task cancelled around the moment it submits must always resume: the engine once
    /// finished such a transfer before its completion was set, and the task waited forever.
    /// Each task races a deadline, so a regression fails here instead of hanging the run.
    @Test func cancelledAroundSubmitAlwaysResumes() async throws {
        let http = try HTTPClient()
        var cancelled = 0
        for round in 0..<400 {
            let task = Task { try await http.send(HTTPRequest(url: "http://127.0.0.1:9/never", timeout: 5)) }
            if round % 2 == 0 { await Task.yield() }
            task.cancel()
            guard let outcome = await Self.result(of: task, within: 10) else {
                Issue.record("round \(round): a cancelled send never resumed")
                return
            }
            if case .failure(let error) = outcome, error is CancellationError { cancelled += 1 }
        }
        #expect(cancelled > 0)
    }

    /// The task's result, or nil if it has none after `seconds` (the task is then left behind).
    private static func result<T: Sendable>(of task: Task<T, Error>, within seconds: Double) async -> Result<T, Error>?
    {
        let once = Once()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, Error>?, Never>) in
            Task {
                let result = await task.result
                if once.claim() { continuation.resume(returning: result) }
            }
            Task {
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                if once.claim() { continuation.resume(returning: nil) }
            }
        }
    }

    /// True for the first caller only.
    private final class Once: Sendable {
        private let claimed = Mutex(false)
        func claim() -> Bool {
            claimed.withLock { done in
                defer { done = true }
                return !done
            }
        }
    }

    @Test func concurrentRequestsRunTogether() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        for index in 0..<12 {
            h.server.script("GET", "/slow/\(index)", [ScriptedResponse.json(200, #"{"n":\#(index)}"#).delayed(0.5)])
        }
        let http = try HTTPClient()
        let base = h.base
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<12 {
                group.addTask { try await http.send(HTTPRequest(url: "\(base)/slow/\(index)")).bodyText }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(bodies == Set((0..<12).map { #"{"n":\#($0)}"# }))
        // The server saw them waiting together: one after another it would never see more
        // than one (a wall-clock bound here would be flaky on a loaded machine).
        #expect(h.server.mostConcurrentDelays >= 6)
    }

    @Test func cancellingTheTaskCancelsTheTransferPromptly() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script("GET", "/slow", [ScriptedResponse.json(200, "{}").delayed(30)])
        let http = try HTTPClient()
        let url = "\(h.base)/slow"
        let task = Task { try await http.send(HTTPRequest(url: url)) }
        try await Task.sleep(nanoseconds: 200_000_000)
        let started = Date()
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // Far from the 30 s answer; loose enough for two loaded cores.
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func alreadyCancelledTaskNeverSends() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let http = try HTTPClient()
        let url = "\(h.base)/anything"
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await http.send(HTTPRequest(url: url))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test func idleTimeoutEndsAStalledTransfer() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script("GET", "/stall", [ScriptedResponse(status: 200, chunks: [[1], [2]], chunkDelay: 5)])
        let http = try HTTPClient()
        await #expect(throws: FalError.self) {
            try await http.send(HTTPRequest(url: "\(h.base)/stall", idleTimeout: 1))
        }
    }

    @Test func headersAreCaseInsensitive() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script("GET", "/h", [ScriptedResponse(status: 201, headers: [("X-Fal-Request-ID", "abc")], body: [1])])
        let response = try await HTTPClient().send(HTTPRequest(url: "\(h.base)/h"))
        #expect(response.status == 201)
        #expect(response.headers["x-fal-request-id"] == "abc")
        #expect(response.body == [1])
    }
}

@Suite struct SecrecyTests {
    @Test func theKeyNeverAppearsInLogEventsOrErrors() async throws {
        let h = try Harness(maxAttempts: 2)
        defer { h.server.stop() }
        h.server.script("POST", "/fal-ai/x", [.json(429, #"{"detail":"slow down"}"#), h.submitReply()])
        h.server.script(
            "GET", "/fal-ai/kling-video/requests/req-1/status", [.json(401, #"{"detail":"Invalid authentication"}"#)])
        let handle = try await h.client.submit(endpointID: "fal-ai/x", body: Array("{}".utf8))
        var errorText = ""
        do { _ = try await h.client.status(handle) } catch { errorText = "\(error) \(String(reflecting: error))" }
        #expect(errorText.contains("401"))
        let events = h.logs.values
        #expect(events.count == 3)
        let everything = events.map { "\($0) \($0.requestHeaders.fields)" }.joined() + errorText + "\(h.client)"
        #expect(!everything.contains(testKey))
        #expect(events.allSatisfy { $0.requestHeaders["Authorization"] == "Key ***" })
        #expect(events.map(\.status) == [429, 200, 401])
        #expect(events.first?.method == .post)
        #expect(events.first?.url == "\(h.base)/fal-ai/x")
    }
}

extension ScriptedResponse {
    func delayed(_ seconds: Double) -> ScriptedResponse {
        var copy = self
        copy.delay = seconds
        return copy
    }
}

@Suite struct CurlLibraryTests {
    @Test func missingLibraryIsATypedErrorWithTheLinkersText() {
        #expect {
            _ = try CurlLibrary.load(names: ["/nonexistent/libcurl.so.4", "/nonexistent/libcurl.so"])
        } throws: { error in
            guard case FalError.libraryUnavailable(let text) = error else { return false }
            // Both names were tried, each with dlerror()'s text.
            return text.contains("/nonexistent/libcurl.so.4") && text.contains("/nonexistent/libcurl.so:")
                && "\(error)".contains("apt-get install libcurl4")
        }
    }

    @Test func libraryWithoutCurlsFunctionsIsATypedError() {
        #expect {
            _ = try CurlLibrary.load(names: ["libc.so.6"])
        } throws: { error in
            guard case FalError.libraryUnavailable(let text) = error else { return false }
            return text.contains("curl_global_init")
        }
    }
}
