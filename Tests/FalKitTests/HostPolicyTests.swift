import Foundation
import Testing
@testable import FalKit

/// Whether `error` is ``FalError/untrustedHost(url:)`` for `url`, with a text that names the host
/// and says the key was not sent.
private func isUntrusted(_ error: any Error, _ url: String, host: String) -> Bool {
    guard case FalError.untrustedHost(let got)? = error as? FalError, got == url else { return false }
    let text = "\(error)"
    return text.contains("the fal key was not sent to \(host)") && !text.contains(testKey)
}

@Suite struct HostPolicyTests {
    @Test func originsAreReadStrictly() throws {
        let origin = try #require(URLOrigin("HTTPS://Queue.FAL.run/fal-ai/x?logs=1"))
        #expect(origin == URLOrigin("https://queue.fal.run:443/other"))
        #expect(origin.description == "https://queue.fal.run")
        #expect(URLOrigin("http://127.0.0.1:8080")?.port == 8080)
        #expect(URLOrigin("http://[::1]:9/x")?.host == "::1")
        #expect(URLOrigin("http://[::1]:9/x")?.hostAndPort == "[::1]:9")
        // Anything libcurl might read differently is refused rather than guessed.
        for bad in [
            "https://queue.fal.run@evil.example/x", "https://evil.example\\@queue.fal.run/", "https://a b/",
            "https://queue.fal.run:+443/", "https://queue.fal.run:99999/", "ftp://queue.fal.run/",
            "https://%71ueue.fal.run/", "https://queue.fal.run:/", "https:///x", "https://[zz]/", "https://q\u{7f}/",
            "https://qu\u{e9}ue.fal.run/",
        ] {
            #expect(URLOrigin(bad) == nil, "\(bad)")
        }
    }

    @Test func loopbackHosts() {
        for url in [
            "http://127.0.0.1", "http://127.0.0.2:9", "http://127.255.0.1", "http://localhost:80", "http://[::1]",
            "http://[::ffff:127.0.0.1]",
        ] {
            #expect(URLOrigin(url)?.isLoopback == true, "\(url)")
        }
        for url in [
            "http://128.0.0.1", "http://10.0.0.1", "http://127.0.0.1.example", "http://localhost.example",
            "http://[::2]", "http://127.1",
        ] {
            #expect(URLOrigin(url)?.isLoopback == false, "\(url)")
        }
    }

    @Test func productionTrustsFalsOwnDomainsOnly() throws {
        let policy = HostPolicy(endpoints: .production)
        for url in [
            "https://queue.fal.run/fal-ai/kling-video/requests/r/status", "https://rest.fal.ai/storage/auth/token",
            "https://fal.run/fal-ai/x", "https://queue.falrun.com/x", "https://x.y.fal.ai/z",
        ] {
            try policy.checkKeyDestination(url)
        }
        for url in [
            "https://evil.example/x", "https://evilfal.run/x", "https://fal.run.evil.example/x",
            "http://queue.fal.run/x", "https://queue.fal.run:8443/x", "https://v3.fal.media/x",
            "https://queue.fal.run@evil.example/x", "not a url",
        ] {
            #expect(throws: FalError.untrustedHost(url: url)) { try policy.checkKeyDestination(url) }
        }
    }

    @Test func standInEndpointsTrustTheirOwnOriginsOnly() throws {
        let policy = HostPolicy(
            endpoints: FalEndpoints(
                queue: "http://127.0.0.1:8080", rest: "http://127.0.0.1:8081", cdn: "http://127.0.0.1:8082"))
        try policy.checkKeyDestination("http://127.0.0.1:8080/fal-ai/x/requests/1/status")
        try policy.checkKeyDestination("http://127.0.0.1:8081/storage/auth/token")
        try policy.checkTokenDestination("http://127.0.0.1:8082/files/upload")
        // Host text decides: localhost and 127.0.0.2 are other hosts, as are other ports and the
        // CDN (which receives the upload token, never the key), and fal itself.
        for url in [
            "http://localhost:8080/x", "http://127.0.0.2:8080/x", "http://127.0.0.1:8082/x", "https://127.0.0.1:8080/x",
            "https://queue.fal.run/x",
        ] {
            #expect(throws: FalError.untrustedHost(url: url)) { try policy.checkKeyDestination(url) }
        }
        #expect(throws: FalError.untrustedHost(url: "http://127.0.0.1:8080/files/upload")) {
            try policy.checkTokenDestination("http://127.0.0.1:8080/files/upload")
        }
    }

    @Test func untrustedHostTextNamesTheHost() {
        let text = "\(FalError.untrustedHost(url: "https://evil.example:8443/r/status"))"
        #expect(text.hasPrefix("the fal key was not sent to evil.example:8443:"))
        #expect(text.contains("FAL_QUEUE_URL") && text.contains("nothing was sent"))
        let odd = "\(FalError.untrustedHost(url: "https://a\u{200B}b/\n"))"
        #expect(odd.contains("\\u{200B}") && odd.contains("\\u{A}") && !odd.contains("\n"))
    }

    @Test func plainHTTPNeedsLoopbackOrTheOverride() throws {
        for name in ["FAL_QUEUE_URL", "FAL_REST_URL", "FAL_CDN_URL"] {
            for url in ["http://10.1.2.3:8080", "http://example.com", "http://127.0.0.1.example"] {
                #expect {
                    _ = try FalEndpoints.fromEnvironment([name: url])
                } throws: { error in
                    guard case FalError.invalidConfiguration(let text) = error else { return false }
                    return text.hasPrefix("\(name) uses plain http://") && text.contains("SHOTC_ALLOW_HTTP=1")
                        && text.contains("unencrypted")
                }
                let allowed = try FalEndpoints.fromEnvironment([name: url, "SHOTC_ALLOW_HTTP": "1"])
                #expect(allowed.allowsInsecureHTTP)
                // Only exactly "1" turns it on.
                #expect(throws: FalError.self) {
                    try FalEndpoints.fromEnvironment([name: url, "SHOTC_ALLOW_HTTP": "0"])
                }
            }
            for url in [
                "http://127.0.0.1:8080", "http://127.0.0.2:1", "http://localhost:9", "http://[::1]:9",
                "https://10.1.2.3",
            ] {
                _ = try FalEndpoints.fromEnvironment([name: url])
            }
        }
        #expect(throws: FalError.self) {
            try FalEndpoints.fromEnvironment(["FAL_QUEUE_URL": "https://u:p@queue.fal.run"])
        }
    }

    @Test func theOverrideLetsTheKeyGoOverPlainHTTPToTheConfiguredHostOnly() throws {
        let endpoints = try FalEndpoints.fromEnvironment([
            "FAL_QUEUE_URL": "http://10.1.2.3:8080", "FAL_REST_URL": "http://10.1.2.3:8080", "SHOTC_ALLOW_HTTP": "1",
        ])
        let policy = HostPolicy(endpoints: endpoints)
        try policy.checkKeyDestination("http://10.1.2.3:8080/fal-ai/x")
        #expect(throws: FalError.untrustedHost(url: "http://10.1.2.4:8080/x")) {
            try policy.checkKeyDestination("http://10.1.2.4:8080/x")
        }
        // Built without the environment and without the override, such endpoints still never get the key in clear.
        let unchecked = HostPolicy(
            endpoints: FalEndpoints(queue: "http://10.1.2.3", rest: "http://10.1.2.3", cdn: "http://10.1.2.3"))
        #expect(throws: FalError.self) { try unchecked.checkKeyDestination("http://10.1.2.3/fal-ai/x") }
    }

    @Test func downloadsGoToAnyHTTPSHostButPlainHTTPOnlyToLoopback() throws {
        let policy = HostPolicy(endpoints: .production)
        try policy.checkDownload("https://v3.fal.media/files/x.mp4")
        try policy.checkDownload("https://cdn.example.net/x.mp4")
        try policy.checkDownload("http://127.0.0.1:9/x.mp4")
        #expect {
            try policy.checkDownload("http://cdn.example.net/x.mp4")
        } throws: { "\($0)".contains("SHOTC_ALLOW_HTTP=1") && "\($0)".contains("cdn.example.net") }
        #expect(throws: FalError.self) { try policy.checkDownload("https://u@cdn.example.net/x.mp4") }
        let allowing = HostPolicy(
            endpoints: FalEndpoints(
                queue: "https://q.example", rest: "https://r.example", cdn: "https://c.example",
                allowsInsecureHTTP: true))
        try allowing.checkDownload("http://cdn.example.net/x.mp4")
    }
}

@Suite struct KeyDestinationTests {
    /// A submit reply whose URLs name `base` instead of the queue.
    private func reply(pointingAt base: String) -> ScriptedResponse {
        .json(
            200,
            """
            {"request_id":"req-1","status_url":"\(base)/fal-ai/kling-video/requests/req-1/status",
             "response_url":"\(base)/fal-ai/kling-video/requests/req-1",
             "cancel_url":"\(base)/fal-ai/kling-video/requests/req-1/cancel"}
            """)
    }

    @Test func aSubmitReplyNamingAnotherHostNeverGetsTheKey() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let foreign = try ScriptedServer()
        defer { foreign.stop() }
        foreign.script(
            "GET", "/fal-ai/kling-video/requests/req-1/status", [.json(200, #"{"status":"COMPLETED","logs":[]}"#)])
        foreign.script("GET", "/fal-ai/kling-video/requests/req-1", [.json(200, #"{"video":{"url":"x"}}"#)])
        foreign.script("PUT", "/fal-ai/kling-video/requests/req-1/cancel", [.json(200, #"{"status":"OK"}"#)])
        h.server.script("POST", "/fal-ai/x", [reply(pointingAt: foreign.baseURL)])
        // Accepted requests are still returned, so the caller can record the id.
        let handle = try await h.client.submit(endpointID: "fal-ai/x", body: Array("{}".utf8))
        #expect(handle.requestID == "req-1")

        await #expect { try await h.client.status(handle) } throws: {
            isUntrusted($0, handle.statusURL + "?logs=1", host: "127.0.0.1:\(foreign.port)")
        }
        await #expect { try await h.client.result(handle) } throws: {
            isUntrusted($0, handle.responseURL, host: "127.0.0.1:\(foreign.port)")
        }
        await #expect { try await h.client.cancel(handle) } throws: {
            isUntrusted($0, handle.cancelURL, host: "127.0.0.1:\(foreign.port)")
        }
        await #expect {
            for try await _ in h.client.statusUpdates(handle) {}
        } throws: { error in
            guard case FalError.untrustedHost? = error as? FalError else { return false }
            return "\(error)".contains("127.0.0.1:\(foreign.port)")
        }
        #expect(foreign.requests.isEmpty)
        #expect(h.server.requests.count == 1)
        #expect(h.retries.values.isEmpty)
    }

    @Test func hostTextCountsNotTheAddress() async throws {
        // localhost reaches the very same server, yet it is not the host FAL_QUEUE_URL names.
        let h = try Harness()
        defer { h.server.stop() }
        h.server.script("POST", "/fal-ai/x", [reply(pointingAt: "http://localhost:\(h.server.port)")])
        h.server.script(
            "GET", "/fal-ai/kling-video/requests/req-1/status", [.json(200, #"{"status":"COMPLETED","logs":[]}"#)])
        let handle = try await h.client.submit(endpointID: "fal-ai/x", body: Array("{}".utf8))
        await #expect { for try await _ in h.client.statusUpdates(handle) {} } throws: {
            "\($0)".contains("not sent to localhost:\(h.server.port)")
        }
        #expect(h.server.requests.map(\.method) == ["POST"])
    }

    @Test func aRecordedHandleNamingAnotherHostIsAnErrorAndNothingIsSent() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let foreign = try ScriptedServer()
        defer { foreign.stop() }
        // As read back from a tampered run record.
        let base = foreign.baseURL
        let handle = QueueHandle(
            requestID: "req-1", statusURL: "\(base)/fal-ai/kling-video/requests/req-1/status",
            responseURL: "\(h.base)/fal-ai/kling-video/requests/req-1",
            cancelURL: "\(base)/fal-ai/kling-video/requests/req-1/cancel")
        await #expect(throws: FalError.self) { for try await _ in h.client.statusUpdates(handle) {} }
        await #expect(throws: FalError.untrustedHost(url: handle.cancelURL)) { try await h.client.cancel(handle) }
        #expect(foreign.requests.isEmpty)
        #expect(h.server.requests.isEmpty)
    }

    @Test func theUploadTokenGoesToTheCDNOnly() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let cdn = try ScriptedServer()
        defer { cdn.stop() }
        h.server.script(
            "POST", "/storage/auth/token",
            [.json(200, #"{"token":"t","token_type":"Bearer","base_url":"https://evil.example"}"#)])
        cdn.script("POST", "/files/upload", [.json(200, #"{"access_url":"https://v3.fal.media/files/a.png"}"#)])
        let client = FalClient(
            key: try FalKey(testKey), endpoints: FalEndpoints(queue: h.base, rest: h.base, cdn: cdn.baseURL),
            http: try HTTPClient())
        #expect(
            try await client.upload(data: [1], contentType: "image/png", fileName: "a.png")
                == "https://v3.fal.media/files/a.png")
        #expect(cdn.requests.first?.header("Authorization") == "Bearer t")
        #expect(h.server.requests("POST", "/files/upload").isEmpty)
        // And the key never goes to the CDN.
        #expect(throws: FalError.untrustedHost(url: "\(cdn.baseURL)/x")) {
            try client.checkDestination(HTTPRequest(url: "\(cdn.baseURL)/x", headers: client.apiHeaders()))
        }
    }

    @Test func aDownloadURLThatCannotBeReadUnambiguouslyIsNotFetched() async throws {
        let h = try Harness()
        defer { h.server.stop() }
        let path = temporaryPath("v.mp4")
        let url = "http://user@127.0.0.1:\(h.server.port)/media/r.mp4"
        await #expect(throws: FalError.self) { try await h.client.download(url: url, to: path, expectedSize: nil) }
        #expect(h.server.requests.isEmpty)
        #expect(
            !FileManager.default.fileExists(atPath: path) && !FileManager.default.fileExists(atPath: path + ".part"))
    }
}
