// `shotc run` and `shotc cancel` end to end: the real binary against the real stand-in on 127.0.0.1
// (docs/standin.md), on scratch copies of examples/greenhouse (two shots, six local images used by
// them, one https style URL). Spec: shot-language.md section 7.
import Foundation
import ShotcTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A render slow enough to interrupt (3 s).
private let slow = ["--queue-ms", "50", "--progress-ms", "3000"]
private let shots = ["opening", "orbit"]
/// The local files greenhouse.shot and cast.shot name: mara (front, side, back), the ruin, the
/// stone (front, side). `orbit` uses only mara's, which `opening` uses too.
private let distinctLocalImages = 6

/// What the end-to-end tests check of a world after a run.
extension RunWorld {
    /// Checks `shot` is rendered: record `completed` with its request id, and the video byte-identical
    /// to what the stand-in serves at the recorded URL and to its sample clip. Call after reading the
    /// counts (it fetches media). After a reset the stand-in forgets its requests (their media URLs
    /// answer 404): pass `requestsForgotten` to compare with the sample clip only.
    func expectRendered(
        _ shot: String, requestsForgotten: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let record = try #require(scratch.record(shot), "no record for \(shot)", sourceLocation: sourceLocation)
        #expect(record["state"] as? String == "completed", "\(shot): \(record)", sourceLocation: sourceLocation)
        let requestID = try #require(record["request_id"] as? String, sourceLocation: sourceLocation)
        #expect(!requestID.isEmpty, sourceLocation: sourceLocation)
        let video = try #require(
            record["video"] as? [String: Any], "\(shot): no video in record", sourceLocation: sourceLocation)
        let url = try #require(video["url"] as? String, sourceLocation: sourceLocation)
        #expect(
            url == "\(standIn.baseURL)/media/\(requestID).mp4", "\(url) is not the video of \(requestID)",
            sourceLocation: sourceLocation)
        let saved = try #require(scratch.video(shot), "no \(shot).mp4", sourceLocation: sourceLocation)
        #expect(video["file_size"] as? Int == saved.count, sourceLocation: sourceLocation)
        if !requestsForgotten {
            let served = try control.fetch(url)
            #expect(served.status == 200, sourceLocation: sourceLocation)
            #expect(
                saved == served.body, "\(shot).mp4 (\(saved.count) B) differs from the \(served.body.count) B served",
                sourceLocation: sourceLocation)
        }
        let sample = try control.fetch(standIn.baseURL + "/media/sample.mp4").body
        #expect(sample.count > 1000, sourceLocation: sourceLocation)
        #expect(
            saved == sample, "\(shot).mp4 (\(saved.count) B) differs from the \(sample.count) B clip",
            sourceLocation: sourceLocation)
    }

    /// The output folder holds only videos, records and the upload cache: no `.part`, no temporary file.
    func expectNoLeftovers(sourceLocation: SourceLocation = #_sourceLocation) {
        for name in scratch.outputNames() {
            let expected = name == ".shotc-uploads.json" || name.hasSuffix(".mp4") || name.hasSuffix(".run.json")
            #expect(expected, "left over in the output folder: \(name)", sourceLocation: sourceLocation)
        }
    }
}

/// Polls `condition` every 10 ms for at most `seconds`.
private func waitUntil(seconds: TimeInterval, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// What was seen in the output folder while a run went on.
private struct Observation {
    /// Any `*.part` file was seen.
    var sawPartial = false
    /// Final-name videos seen with a size other than the clip's: must stay empty.
    var incomplete: [String] = []
}

/// Runs `process` to its end, looking at the output folder every few milliseconds for a video under its
/// final name that is not complete.
private func watch(
    _ process: ShotcProcess, folder: String, completeSize: Int, timeout: TimeInterval = 30
)
    -> (ShotcResult, Observation)
{
    var observation = Observation()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            if name.hasSuffix(".part") { observation.sawPartial = true }
            if name.hasSuffix(".mp4") {
                var info = stat()
                if stat(folder + "/" + name, &info) == 0, Int(info.st_size) != completeSize {
                    observation.incomplete.append("\(name): \(info.st_size) bytes")
                }
            }
        }
        usleep(2_000)
    }
    return (process.wait(timeout: max(0, deadline.timeIntervalSinceNow)), observation)
}

/// A fault the run must survive, with what the stand-in must have seen.
enum SurvivedFault: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case submit429RetryAfter
    case status503
    case resultDropped
    case statusSlow
    case mediaTruncated
    case token500

    var testDescription: String { rawValue }

    /// The faults to inject (docs/standin.md).
    var faults: [[String: Any]] {
        // The status route is used only when the status stream fails: make both streams fail first.
        let noStream: [String: Any] = ["route": "stream", "kind": "status", "status": 503, "times": 2]
        switch self {
        case .submit429RetryAfter:
            return [["route": "submit", "kind": "status", "status": 429, "retryAfter": 1, "times": 2]]
        case .status503:
            return [noStream, ["route": "status", "kind": "status", "status": 503, "times": 2]]
        case .resultDropped:
            return [["route": "result", "kind": "drop", "times": 1]]
        case .statusSlow:
            return [noStream, ["route": "status", "kind": "delay", "ms": 1500, "times": 1]]
        case .mediaTruncated:
            // The second download is slow so that its `.part` file can be seen.
            return [
                ["route": "media", "kind": "truncate", "bytes": 100, "times": 1],
                ["route": "media", "kind": "delay", "ms": 400, "times": 1],
            ]
        case .token500:
            return [["route": "token", "kind": "status", "status": 500, "times": 1]]
        }
    }

    /// Checks the retries show in the counts (two shots).
    func expectRetried(_ counts: Counts, stderr: String, elapsed: TimeInterval) {
        switch self {
        case .submit429RetryAfter:
            #expect(counts["submit"] == 4, "\(counts)")
            #expect(stderr.contains("retrying in 1.0s (HTTP 429)"), "Retry-After not honoured: \(stderr)")
            #expect(elapsed >= 1.0, "a Retry-After of 1 s was not waited: \(elapsed) s")
        case .status503:
            #expect(counts["stream"] == 2, "\(counts)")
            // Two 503s, then at least one good poll per shot.
            #expect(counts["status"] >= 4, "\(counts)")
            #expect(stderr.contains("HTTP 503"), "\(stderr)")
        case .resultDropped:
            #expect(counts["result"] == 3, "\(counts)")
        case .statusSlow:
            #expect(counts["stream"] == 2, "\(counts)")
            #expect(counts["status"] >= 2, "\(counts)")
            #expect(elapsed >= 1.5, "the slow status reply was not waited for: \(elapsed) s")
        case .mediaTruncated:
            #expect(counts["media"] == 3, "\(counts)")
        case .token500:
            #expect(counts["token"] == 2, "\(counts)")
            #expect(counts["upload"] == distinctLocalImages, "\(counts)")
        }
        if self != .token500 { #expect(counts["token"] == 1, "\(counts)") }
        if self != .submit429RetryAfter { #expect(counts["submit"] == 2, "\(counts)") }
    }
}

@Suite("shotc run end to end", .serialized)
struct RunTests {
    @Test("happy path, two shots, -j 2: videos byte-identical, records completed, each image uploaded once")
    func happyPath() throws {
        let world = try RunWorld()
        defer { world.close() }
        let result = try world.run(["-j", "2"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("2 of 2 shots ready"), "\(result)")

        let counts = try world.control.counts()
        #expect(counts["submit"] == shots.count, "\(counts)")
        #expect(counts["upload"] == distinctLocalImages, "\(counts)")
        #expect(counts["token"] == 1, "\(counts)")
        #expect(counts["result"] == shots.count, "\(counts)")
        #expect(counts["media"] == shots.count, "\(counts)")
        #expect(counts["cancel"] == 0 && counts["unauthorized"] == 0, "\(counts)")
        // Following is cheap: one status stream per shot, no polling.
        #expect(counts["stream"] == shots.count && counts["status"] == 0, "\(counts)")

        // The bodies name each uploaded file; mara's images serve both shots from one upload.
        let bodies = try #require(counts.raw["bodies"] as? [[String: Any]])
        #expect(bodies.count == 2)
        let uploaded = bodies.map { Set(Self.urls(in: $0).filter { $0.hasPrefix(world.standIn.baseURL + "/files/") }) }
        #expect(uploaded.reduce(Set<String>()) { $0.union($1) }.count == distinctLocalImages)
        #expect(uploaded.count == 2 && uploaded[0].intersection(uploaded[1]).count == 3)

        for shot in shots { try world.expectRendered(shot) }
        #expect(
            world.scratch.outputNames()
                == [".shotc-uploads.json", "opening.mp4", "opening.run.json", "orbit.mp4", "orbit.run.json"],
            "\(world.scratch.outputNames())")
    }

    @Test("a re-run says up to date, exits 0 and sends nothing")
    func rerunIsUpToDate() throws {
        let world = try RunWorld()
        defer { world.close() }
        let first = try world.run(["-j", "2"])
        try #require(first.status == 0, "\(first)")
        try world.control.reset()

        let again = try world.run(["-j", "2"])
        #expect(again.status == 0, "\(again)")
        #expect((again.stdout + again.stderr).contains("up to date"), "\(again)")
        let counts = try world.control.counts()
        #expect(counts.total == 0, "the stand-in saw requests: \(counts)")
        for shot in shots { try world.expectRendered(shot, requestsForgotten: true) }
    }

    @Test("changing one shot's prose resubmits only that shot and uploads nothing again")
    func changedProse() throws {
        let world = try RunWorld()
        defer { world.close() }
        let first = try world.run(["-j", "2"])
        try #require(first.status == 0, "\(first)")
        let firstOrbitID = try #require(world.scratch.record("orbit")?["request_id"] as? String)
        let openingRecord = try #require(world.scratch.record("opening"))
        try world.control.reset()

        let text = try String(contentsOfFile: world.scratch.scene, encoding: .utf8)
        let changed = text.replacingOccurrences(of: "A slow 180-degree orbit", with: "A slow 270-degree orbit")
        try #require(changed != text)
        try changed.write(toFile: world.scratch.scene, atomically: true, encoding: .utf8)

        let again = try world.run(["-j", "2"])
        #expect(again.status == 0, "\(again)")
        let counts = try world.control.counts()
        #expect(counts["submit"] == 1, "\(counts)")
        #expect(counts["upload"] == 0, "the upload cache was not used: \(counts)")
        #expect(counts["token"] == 0, "\(counts)")
        let body = try #require((counts.raw["bodies"] as? [[String: Any]])?.first)
        #expect((body["prompt"] as? String)?.contains("270-degree") == true, "\(body)")
        #expect(again.stderr.contains("orbit: submit (changed"), "\(again)")

        try world.expectRendered("orbit")
        try world.expectRendered("opening", requestsForgotten: true)
        #expect(world.scratch.record("orbit")?["request_id"] as? String != firstOrbitID)
        #expect(world.scratch.record("opening")?["request_id"] as? String == openingRecord["request_id"] as? String)
        world.expectNoLeftovers()
    }

    @Test("transient faults are retried and the videos come out right", arguments: SurvivedFault.allCases)
    func survivesFault(_ fault: SurvivedFault) throws {
        let world = try RunWorld()
        defer { world.close() }
        let sample = try world.sampleVideo()
        try world.control.addFaults(fault.faults)

        let started = Date()
        let process = try world.start(["-j", "2"])
        let (result, seen) = watch(process, folder: world.scratch.renders, completeSize: sample.count)
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.status == 0, "\(result)")
        #expect(seen.incomplete.isEmpty, "a partial video appeared under its final name: \(seen.incomplete)")
        if fault == .mediaTruncated { #expect(seen.sawPartial, "the download was never seen in progress") }

        let counts = try world.control.counts()
        fault.expectRetried(counts, stderr: result.stderr, elapsed: elapsed)
        #expect(counts["upload"] == distinctLocalImages, "\(counts)")
        for shot in shots {
            try world.expectRendered(shot)
            #expect(world.scratch.video(shot)?.count == sample.count)
        }
        world.expectNoLeftovers()
    }

    @Test(
        "a render that fails on fal: exit 3, the other shot is kept, the failure is recorded; a re-run submits it again"
    )
    func remoteRenderFailure() throws {
        let world = try RunWorld()
        defer { world.close() }
        let message = "Content policy violation: the stone glows too brightly"
        try world.control.addFaults([["route": "submit", "kind": "renderFail", "message": message, "times": 1]])

        let result = try world.run(["-j", "2"])
        #expect(result.status == 3, "\(result)")
        #expect(result.stderr.contains(message), "\(result)")
        let states = shots.map { world.scratch.record($0)?["state"] as? String }
        let failedIndex = try #require(states.firstIndex(of: "failed"), "\(states)")
        let failed = shots[failedIndex]
        let kept = shots[1 - failedIndex]
        #expect((world.scratch.record(failed)?["error"] as? String)?.contains(message) == true)
        #expect(world.scratch.video(failed) == nil)
        try world.expectRendered(kept)
        world.expectNoLeftovers()
        #expect(try world.control.counts()["submit"] == 2)

        try world.control.reset()
        let again = try world.run(["-j", "2"])
        #expect(again.status == 0, "\(again)")
        let counts = try world.control.counts()
        #expect(counts["submit"] == 1, "\(counts)")
        #expect(counts["upload"] == 0, "\(counts)")
        try world.expectRendered(failed)
        try world.expectRendered(kept, requestsForgotten: true)
    }

    @Test("a 422 rejection is sent once, exits 3 and points at the scene with error[E0501]")
    func rejection422() throws {
        let world = try RunWorld()
        defer { world.close() }
        let detail: [String: Any] = [
            "detail": [["loc": ["body", "duration"], "msg": "Input should be '5' or '10'", "type": "literal_error"]]
        ]
        try world.control.addFaults([["route": "submit", "kind": "status", "status": 422, "body": detail, "times": 1]])

        let result = try world.run(["--shot", "opening"])
        #expect(result.status == 3, "\(result)")
        let counts = try world.control.counts()
        #expect(counts["submit"] == 1, "a 422 was retried: \(counts)")
        #expect(result.stderr.contains("error[E0501]"), "\(result)")
        #expect(result.stderr.contains("Input should be '5' or '10'"), "\(result)")

        // The shot's duration `5s` on its `shot opening` line.
        let lines = try String(contentsOfFile: world.scratch.scene, encoding: .utf8).components(separatedBy: "\n")
        let lineIndex = try #require(lines.firstIndex { $0.hasPrefix("shot opening ") })
        let line = lines[lineIndex]
        let column = line.distance(from: line.startIndex, to: try #require(line.range(of: "5s")).lowerBound) + 1
        let location = "greenhouse.shot:\(lineIndex + 1):\(column)"
        #expect(result.stderr.contains(location), "expected \(location) in:\n\(result.stderr)")
        // The record was written before the submit; it now says fal did not accept the request.
        let record = try #require(world.scratch.record("opening"))
        #expect(record["state"] as? String == "failed")
        #expect(record["request_id"] == nil, "a rejected request was recorded as accepted")
        #expect(world.scratch.video("opening") == nil)
    }

    @Test("killed right after a submit: the next run resumes the request without submitting again")
    func resumeAfterKill() throws {
        let world = try RunWorld(standInArguments: slow)
        defer { world.close() }
        let process = try world.start(["-j", "1", "--shot", "opening"])
        let submitted = waitUntil(seconds: 10) { world.scratch.record("opening")?["state"] as? String == "submitted" }
        process.send(SIGKILL)
        let killed = process.wait(timeout: 10)
        try #require(submitted, "no submitted record appeared: \(killed)")
        #expect(killed.status == 128 + SIGKILL, "\(killed)")
        let requestID = try #require(world.scratch.record("opening")?["request_id"] as? String)

        let again = try world.run(["-j", "1", "--shot", "opening"])
        #expect(again.status == 0, "\(again)")
        #expect((again.stdout + again.stderr).contains("resume request \(requestID)"), "\(again)")
        let counts = try world.control.counts()
        #expect(counts["submit"] == 1, "submitted twice: \(counts)")
        #expect(world.scratch.record("opening")?["request_id"] as? String == requestID)
        try world.expectRendered("opening")
        world.expectNoLeftovers()
    }

    @Test("Ctrl-C: exit 130, the requests keep running and are recorded; a re-run picks them up")
    func interruptAndResume() throws {
        let world = try RunWorld(standInArguments: slow)
        defer { world.close() }
        let process = try world.start(["-j", "2"])
        let submitted = waitUntil(seconds: 10) {
            shots.allSatisfy { world.scratch.record($0)?["state"] as? String == "submitted" }
        }
        process.send(SIGINT)
        let interruptedAt = Date()
        let result = process.wait(timeout: 10)
        let exitDelay = Date().timeIntervalSince(interruptedAt)
        try #require(submitted, "no submitted records appeared: \(result)")
        #expect(result.status == 130, "\(result)")
        #expect(exitDelay < 2, "took \(exitDelay) s to stop after Ctrl-C")
        #expect(result.stderr.contains("2 accepted requests keep running"), "\(result)")
        #expect(result.stderr.contains("Run the same command again"), "\(result)")
        #expect(result.stderr.contains("shotc cancel"), "\(result)")
        for shot in shots {
            #expect(world.scratch.record(shot)?["state"] as? String == "submitted")
            #expect(world.scratch.video(shot) == nil)
        }
        #expect(try world.control.counts()["submit"] == 2)

        let again = try world.run(["-j", "2"])
        #expect(again.status == 0, "\(again)")
        #expect(again.stderr.contains("resume request"), "\(again)")
        let counts = try world.control.counts()
        #expect(counts["submit"] == 2, "the re-run submitted again: \(counts)")
        #expect(counts["cancel"] == 0, "\(counts)")
        for shot in shots { try world.expectRendered(shot) }
        world.expectNoLeftovers()
    }

    @Test("a missing or empty FAL_KEY: exit 2, a clear message, nothing sent")
    func missingKey() throws {
        let world = try RunWorld()
        defer { world.close() }
        var environments: [(String, [String: String])] = [
            ("missing", ShotcProcess.environment(standIn: world.standIn, key: nil))
        ]
        for value in ["", "   "] {
            environments.append(("'\(value)'", ShotcProcess.environment(standIn: world.standIn, key: value)))
        }
        for (label, environment) in environments {
            let result = try world.scratch.run(["run", "greenhouse.shot"], environment: environment)
            #expect(result.status == 2, "FAL_KEY \(label): \(result)")
            #expect(result.stderr.contains("FAL_KEY is not set or empty"), "FAL_KEY \(label): \(result)")
        }
        let counts = try world.control.counts()
        #expect(counts.total == 0, "\(counts)")
        #expect(world.scratch.outputNames().isEmpty, "\(world.scratch.outputNames())")
    }

    @Test("libcurl that cannot be loaded: exit 2, the dynamic linker's text and how to install it, nothing sent")
    func libcurlMissing() throws {
        let world = try RunWorld()
        defer { world.close() }
        var environment = world.environment
        environment["SHOTC_LIBCURL"] = "/nonexistent/libcurl.so.4"
        let result = try world.scratch.run(["run", "greenhouse.shot"], environment: environment)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("error: cannot load libcurl"), "\(result)")
        // dlerror()'s own text names the file that was tried.
        #expect(result.stderr.contains("/nonexistent/libcurl.so.4"), "\(result)")
        #expect(result.stderr.contains("apt-get install libcurl4"), "\(result)")
        let counts = try world.control.counts()
        #expect(counts.total == 0, "\(counts)")
        #expect(world.scratch.outputNames().isEmpty, "\(world.scratch.outputNames())")
    }

    @Test("the key never appears in output or files, even with --verbose")
    func keyNeverAppears() throws {
        let key = "sk-secret-XYZZY-123"
        let world = try RunWorld(key: key)
        defer { world.close() }
        let result = try world.run(["-j", "2", "--verbose"])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("POST \(world.standIn.baseURL)/fal-ai/"), "--verbose shows no HTTP: \(result)")
        let counts = try world.control.counts()
        #expect(counts["unauthorized"] == 0, "\(counts)")
        #expect((counts.raw["authorizations"] as? [String])?.contains("Key \(key)") == true, "\(counts)")

        #expect(!result.stdout.contains("XYZZY"), "the key is on stdout")
        #expect(!result.stderr.contains("XYZZY"), "the key is on stderr")
        let folder = world.scratch.folder
        let files = FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []
        #expect(files.contains { $0.hasSuffix("opening.run.json") })
        for file in files {
            guard let data = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
            #expect(data.range(of: Data("XYZZY".utf8)) == nil, "the key is written in \(file)")
        }
    }

    @Test("--dry-run needs no key, sends nothing, and lists uploads, submits and the cost")
    func dryRun() throws {
        let world = try RunWorld()
        defer { world.close() }
        let result = try world.scratch.run(
            ["run", "greenhouse.shot", "--dry-run"],
            environment: ShotcProcess.environment(standIn: world.standIn, key: nil))
        #expect(result.status == 0, "\(result)")
        #expect(try world.control.counts().total == 0)
        #expect(world.scratch.outputNames().isEmpty)
        let out = result.stdout
        for image in [
            "mara-front.png", "mara-side.png", "mara-back.png", "greenhouse.png", "glowing stone.png", "stone-side.png",
        ] {
            #expect(out.contains(image), "\(image) not listed:\n\(out)")
        }
        #expect(!out.contains("ghibli.png"), "a remote URL is listed as an upload:\n\(out)")
        #expect(out.contains("opening  submit (new)") && out.contains("orbit  submit (new)"), "\(out)")
        #expect(out.contains("cost estimate"), "\(out)")
        #expect(out.range(of: #"total\s+13 s\s+\$\d+\.\d{3}"#, options: .regularExpression) != nil, "\(out)")
    }

    @Test("--json: every stdout line is a JSON object with an event; submitted and done per shot")
    func jsonEvents() throws {
        let world = try RunWorld()
        defer { world.close() }
        let result = try world.run(["-j", "2", "--json"])
        #expect(result.status == 0, "\(result)")
        var events: [[String: Any]] = []
        for line in result.stdout.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON object: \(line)")
            #expect(object?["event"] is String, "no event: \(line)")
            if let object { events.append(object) }
        }
        for shot in shots {
            let mine = events.filter { $0["shot"] as? String == shot }.compactMap { $0["event"] as? String }
            #expect(mine.filter { $0 == "submitted" }.count == 1, "\(shot): \(mine)")
            #expect(mine.filter { $0 == "done" }.count == 1, "\(shot): \(mine)")
            if let submitted = mine.firstIndex(of: "submitted"), let done = mine.firstIndex(of: "done") {
                #expect(submitted < done)
            }
        }
        #expect(!result.stdout.contains("shots ready"), "the human summary is mixed into --json")
    }

    @Test("shotc cancel after Ctrl-C cancels the recorded request and marks it cancelled")
    func cancelAfterInterrupt() throws {
        let world = try RunWorld(standInArguments: slow)
        defer { world.close() }
        let process = try world.start(["-j", "1", "--shot", "opening"])
        let submitted = waitUntil(seconds: 10) { world.scratch.record("opening")?["state"] as? String == "submitted" }
        process.send(SIGINT)
        let interrupted = process.wait(timeout: 10)
        try #require(submitted, "\(interrupted)")
        try #require(interrupted.status == 130, "\(interrupted)")

        let cancelled = try world.scratch.run(["cancel", "renders/greenhouse"], environment: world.environment)
        #expect(cancelled.status == 0, "\(cancelled)")
        #expect(cancelled.stdout.contains("opening: cancelled request"), "\(cancelled)")
        let counts = try world.control.counts()
        #expect(counts["cancel"] == 1, "\(counts)")
        #expect(world.scratch.record("opening")?["state"] as? String == "cancelled")

        // Nothing is left to cancel.
        let twice = try world.scratch.run(["cancel", "greenhouse.shot"], environment: world.environment)
        #expect(twice.status == 0, "\(twice)")
        #expect(twice.stdout.contains("nothing to cancel"), "\(twice)")
        #expect(try world.control.counts()["cancel"] == 1)
    }

    @Test("shotc cancel of a request that finished meanwhile keeps it recorded; the next run fetches it unpaid")
    func cancelAfterCompletion() throws {
        let world = try RunWorld(standInArguments: ["--queue-ms", "50", "--progress-ms", "300"])
        defer { world.close() }
        let process = try world.start(["-j", "1", "--shot", "opening"])
        let submitted = waitUntil(seconds: 10) { world.scratch.record("opening")?["state"] as? String == "submitted" }
        process.send(SIGINT)
        let interrupted = process.wait(timeout: 10)
        try #require(submitted && interrupted.status == 130, "\(interrupted)")
        usleep(600_000)  // the render finishes on the stand-in

        let cancelled = try world.scratch.run(["cancel", "renders/greenhouse"], environment: world.environment)
        #expect(cancelled.status == 0, "\(cancelled)")
        #expect(cancelled.stdout.contains("had already finished"), "\(cancelled)")
        #expect(world.scratch.record("opening")?["state"] as? String == "submitted")

        let again = try world.run(["--shot", "opening"])
        #expect(again.status == 0, "\(again)")
        let counts = try world.control.counts()
        #expect(counts["submit"] == 1 && counts["cancel"] == 1, "\(counts)")
        try world.expectRendered("opening")
    }

    @Test("Ctrl-C during a submit waits for fal's answer and records the request, so nothing is paid twice")
    func interruptDuringSubmit() throws {
        let world = try RunWorld()
        defer { world.close() }
        try world.control.addFaults([["route": "submit", "kind": "delay", "ms": 1000, "times": 1]])
        let process = try world.start(["-j", "1", "--shot", "opening"])
        let sending = waitUntil(seconds: 10) { (try? world.control.counts()["submit"]) == 1 }
        process.send(SIGINT)
        let result = process.wait(timeout: 10)
        try #require(sending, "\(result)")
        #expect(result.status == 130, "\(result)")
        #expect(result.stderr.contains("1 accepted request keeps running"), "\(result)")
        let record = try #require(world.scratch.record("opening"), "the accepted request was not recorded: \(result)")
        #expect(record["state"] as? String == "submitted")

        let again = try world.run(["-j", "1", "--shot", "opening"])
        #expect(again.status == 0, "\(again)")
        #expect(try world.control.counts()["submit"] == 1, "submitted twice")
        try world.expectRendered("opening")
    }

    @Test("a second Ctrl-C quits at once, even while a submit is still under way")
    func secondInterruptQuits() throws {
        let world = try RunWorld()
        defer { world.close() }
        try world.control.addFaults([["route": "submit", "kind": "delay", "ms": 5000, "times": 1]])
        let process = try world.start(["-j", "1", "--shot", "opening"])
        let sending = waitUntil(seconds: 10) { (try? world.control.counts()["submit"]) == 1 }
        process.send(SIGINT)
        #expect(waitUntil(seconds: 5) { process.stderrSoFar.contains("press Ctrl-C again") })
        #expect(process.isRunning, "the first Ctrl-C did not wait for the submit under way")
        process.send(SIGINT)
        let signalledAt = Date()
        let result = process.wait(timeout: 10)
        try #require(sending, "\(result)")
        #expect(result.status == 130, "\(result)")
        // Well before the submit's 5 s reply: the process did not wait for it.
        #expect(Date().timeIntervalSince(signalledAt) < 3, "a second Ctrl-C did not quit at once")
    }

    // MARK: Helpers

    /// Every string in `json` that looks like a URL.
    // MARK: - Money safety (issue 6)

    @Test(
        "an outage while following is not a failed render: exit 4, the record stays submitted, the next runs resume it (also through a refused key) and nothing is paid twice"
    )
    func outageWhileFollowingIsNotAFailure() throws {
        let world = try RunWorld()
        defer { world.close() }
        // The stream fails, then the status answers 503 to all six attempts of one poll: with no
        // patience left after that, this run gives up following (the faults are then used up).
        try world.control.addFaults([
            ["route": "stream", "kind": "status", "status": 503, "times": 1],
            ["route": "status", "kind": "status", "status": 503, "times": 6],
        ])
        let quick = ["SHOTC_RETRY_BASE_DELAY": "0.01", "SHOTC_FOLLOW_PATIENCE": "0"]
        let first = try world.run(["--shot", "opening"], extra: quick)
        #expect(first.status == 4, "\(first)")
        #expect(first.stderr.contains("may still finish on fal"), "\(first)")
        let record = try #require(world.scratch.record("opening"))
        #expect(record["state"] as? String == "submitted", "\(record)")
        let requestID = try #require(record["request_id"] as? String)
        #expect(world.scratch.video("opening") == nil)

        // A refused key while resuming is not the render failing either.
        let refused = try world.run(["--shot", "opening"], extra: quick.merging(["FAL_KEY": "wrong-key"]) { $1 })
        #expect(refused.status == 4, "\(refused)")
        #expect(
            refused.stderr.components(separatedBy: "fal refused the key in FAL_KEY").count == 2, "said once: \(refused)"
        )
        #expect(world.scratch.record("opening")?["state"] as? String == "submitted")

        // With the key back and patience, the same request is followed to its end.
        let last = try world.run(["--shot", "opening"], extra: ["SHOTC_RETRY_BASE_DELAY": "0.01"], timeout: 60)
        #expect(last.status == 0, "\(last)")
        let counts = try world.control.counts()
        #expect(counts["submit"] == 1, "paid twice: \(counts)")
        #expect(world.scratch.record("opening")?["request_id"] as? String == requestID)
        try world.expectRendered("opening")
    }

    @Test(
        "a submit answered 500 is never sent again by shotc: exit 4, recorded as unconfirmed, held on the next run, sent again only with --force"
    )
    func submit500IsNeverResent() throws {
        let world = try RunWorld()
        defer { world.close() }
        try world.control.addFaults([
            ["route": "submit", "kind": "status", "status": 500, "omitRequestID": true, "times": 1]
        ])
        let first = try world.run(["--shot", "opening"], extra: ["SHOTC_RETRY_BASE_DELAY": "0.01"])
        #expect(first.status == 4, "\(first)")
        #expect(try world.control.counts()["submit"] == 1, "a 500 was retried")
        #expect(first.stderr.contains("fal may have accepted it"), "\(first)")
        let record = try #require(world.scratch.record("opening"))
        #expect(record["state"] as? String == "submitting")
        #expect(record["request_id"] == nil)
        #expect(record["body"] is [String: Any], "the body as sent is recorded")

        let held = try world.run(["--shot", "opening"])
        #expect(held.status == 4, "\(held)")
        #expect(held.stderr.contains("--force"), "\(held)")
        #expect(try world.control.counts()["submit"] == 1, "an unconfirmed submit was sent again")

        let forced = try world.run(["--shot", "opening", "--force"])
        #expect(forced.status == 0, "\(forced)")
        #expect(try world.control.counts()["submit"] == 2)
        try world.expectRendered("opening")
    }

    @Test(
        "a 5xx that carries a request id is not resent: the next run asks fal about that id and submits only because fal does not know it"
    )
    func fiveHundredWithRequestIDIsAskedAbout() throws {
        let world = try RunWorld()
        defer { world.close() }
        // The stand-in sends x-fal-request-id with a fault unless told not to: fal may have accepted it.
        try world.control.addFaults([["route": "submit", "kind": "status", "status": 503, "times": 1]])
        let first = try world.run(["--shot", "opening"])
        #expect(first.status == 4, "\(first)")
        #expect(try world.control.counts()["submit"] == 1, "a 503 with a request id was retried")
        let record = try #require(world.scratch.record("opening"))
        #expect(record["state"] as? String == "submitting")
        let unconfirmedID = try #require(record["request_id"] as? String)

        let second = try world.run(["--shot", "opening"])
        #expect(second.status == 0, "\(second)")
        let counts = try world.control.counts()
        #expect(counts["status"] >= 1, "fal was not asked about \(unconfirmedID): \(counts)")
        #expect(counts["submit"] == 2, "\(counts)")
        #expect(world.scratch.record("opening")?["request_id"] as? String != unconfirmedID)
        try world.expectRendered("opening")
    }

    @Test(
        "a rejection that arrives at the result is a failed render pointed at the scene (E0501), recorded, and resubmitted by a later run"
    )
    func rejectionAtResultIsPointedAtTheScene() throws {
        let world = try RunWorld()
        defer { world.close() }
        try world.control.addFaults([
            [
                "route": "submit", "kind": "renderFail", "message": "Input should be '5' or '10'", "status": 422,
                "times": 1,
            ]
        ])
        let first = try world.run(["--shot", "opening"])
        #expect(first.status == 3, "\(first)")
        #expect(first.stderr.contains("error[E0501]"), "\(first)")
        #expect(first.stderr.contains("Input should be '5' or '10'"), "\(first)")
        #expect(first.stderr.contains("greenhouse.shot:"), "\(first)")
        #expect(world.scratch.record("opening")?["state"] as? String == "failed")
        #expect(try world.control.counts()["result"] == 1, "the result was not read for its detail")
        let again = try world.run(["--shot", "opening"])
        #expect(again.status == 0, "\(again)")
        #expect(try world.control.counts()["submit"] == 2)
    }

    @Test(
        "two scenes never share renders: the default folder is renders/SCENE/, and another scene's record in a shared -o folder holds the shot"
    )
    func twoScenesNeverOverwriteEachOther() throws {
        let world = try RunWorld()
        defer { world.close() }
        let other = world.scratch.folder + "/other.shot"
        try FileManager.default.copyItem(atPath: world.scratch.scene, toPath: other)
        // Default folders: renders/greenhouse and renders/other.
        #expect(try world.run(["--shot", "opening"]).status == 0)
        let second = try world.scratch.run(["run", "other.shot", "--shot", "opening"], environment: world.environment)
        #expect(second.status == 0, "\(second)")
        #expect(FileManager.default.fileExists(atPath: world.scratch.folder + "/renders/other/opening.mp4"))
        #expect(try world.control.counts()["submit"] == 2)

        // One folder for both: the second scene must not take the first one's record or video.
        let shared = world.scratch.root + "/shared"
        #expect(try world.run(["--shot", "opening", "-o", shared]).status == 0)
        let video = FileManager.default.contents(atPath: shared + "/opening.mp4")
        let clash = try world.scratch.run(
            ["run", "other.shot", "--shot", "opening", "-o", shared], environment: world.environment)
        #expect(clash.status == 4, "\(clash)")
        #expect(clash.stderr.contains("belongs to scene"), "\(clash)")
        #expect(try world.control.counts()["submit"] == 3, "the other scene's shot was submitted")
        #expect(FileManager.default.contents(atPath: shared + "/opening.mp4") == video)
        // The .yaml form of the same scene shares its renders.
        let yaml = try world.scratch.run(
            ["run", "greenhouse.yaml", "--shot", "opening"], environment: world.environment)
        #expect(yaml.status == 0, "\(yaml)")
        #expect(yaml.stderr.contains("up to date") || yaml.stdout.contains("up to date"), "\(yaml)")
    }

    @Test("a record that cannot be written means nothing is sent; a damaged record holds its shot; neither pays twice")
    func unwritableOrDamagedRecordsNeverPayTwice() throws {
        let world = try RunWorld()
        defer { world.close() }
        // A file-size limit makes every record write fail (EFBIG), as a full disk would.
        var limited = try world.scratch.run(
            ["run", "greenhouse.shot"], environment: world.environment, timeout: 30, limitFileSize: 300)
        #expect(limited.status != 0, "\(limited)")
        #expect(limited.stdout.contains("cannot write the run record"), "\(limited)")
        #expect(try world.control.counts()["submit"] == 0, "a request was sent without its record")

        let run = try world.run()
        #expect(run.status == 0, "\(run)")
        #expect(try world.control.counts()["submit"] == 2)

        // A truncated record and a deleted video: the shot is held, nothing is sent.
        let path = world.scratch.renders + "/opening.run.json"
        let bytes = try #require(FileManager.default.contents(atPath: path))
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: path))
        try FileManager.default.removeItem(atPath: world.scratch.renders + "/opening.mp4")
        limited = try world.run()
        #expect(limited.status == 4, "\(limited)")
        #expect(
            limited.stderr.contains("renders/greenhouse/opening.run.json"), "the damaged record is named: \(limited)")
        #expect(try world.control.counts()["submit"] == 2, "a shot with a damaged record was submitted")
        #expect(world.scratch.video("opening") == nil)
    }

    @Test("an unreachable service is one clear line, not a line per shot and per retry")
    func unreachableServiceIsOneLine() throws {
        let world = try RunWorld()
        defer { world.close() }
        let closed = "http://127.0.0.1:9"
        let result = try world.run(
            [],
            extra: [
                "FAL_QUEUE_URL": closed, "FAL_REST_URL": closed, "FAL_CDN_URL": closed,
                "SHOTC_RETRY_BASE_DELAY": "0.01",
            ])
        #expect(result.status == 4, "\(result)")
        #expect(result.stderr.components(separatedBy: "cannot reach fal at \(closed)").count == 2, "\(result)")
        #expect(result.stderr.components(separatedBy: "libcurl code").count <= 2, "\(result)")
        #expect(world.scratch.record("opening") == nil, "nothing was submitted, nothing is recorded")
    }

    /// Points every URL of the upload cache at a file the stand-in never stored (an expired upload).
    private func expireUploads(_ world: RunWorld) throws {
        let path = world.scratch.renders + "/.shotc-uploads.json"
        let data = try #require(FileManager.default.contents(atPath: path))
        let cache = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        let expired = cache.mapValues { _ in world.standIn.baseURL + "/files/999/expired.png" }
        try JSONSerialization.data(withJSONObject: expired).write(to: URL(fileURLWithPath: path))
    }

    @Test("an upload fal no longer serves is noticed (HEAD) and uploaded again, even with --force")
    func expiredUploadsAreUploadedAgain() throws {
        let world = try RunWorld()
        defer { world.close() }
        #expect(try world.run().status == 0)
        try expireUploads(world)
        try world.control.reset()
        let again = try world.run(["--force"])
        #expect(again.status == 0, "\(again)")
        let counts = try world.control.counts()
        #expect(counts["upload"] == distinctLocalImages, "\(counts)")
        #expect(counts["submit"] == 2, "\(counts)")
        #expect(again.stderr.contains("no longer serves"), "\(again)")
    }

    @Test("a file_download_error for a cached upload uploads it again and resubmits once (nothing was paid)")
    func fileDownloadErrorForACachedUploadIsMended() throws {
        let world = try RunWorld()
        defer { world.close() }
        #expect(try world.run(["--shot", "orbit"]).status == 0)
        try expireUploads(world)
        try world.control.reset()
        // The storage still answers HEAD, but fal's runner cannot download the file.
        try world.control.addFaults([["route": "file", "kind": "status", "status": 200, "times": 3]])
        let again = try world.run(["--shot", "orbit", "--force"])
        #expect(again.status == 0, "\(again)")
        let counts = try world.control.counts()
        #expect(counts["submit"] == 2, "one rejected, one accepted: \(counts)")
        #expect(counts["upload"] == 3, "mara's three pictures again: \(counts)")
        try world.expectRendered("orbit", requestsForgotten: true)
    }

    @Test(
        "a record that cannot be updated when fal accepts: the request id is shown, new submits stop, the run exits 4, and the next run holds the shot"
    )
    func acceptedButUnrecordedShowsTheID() throws {
        let world = try RunWorld()
        defer { world.close() }
        // Learn the size of orbit's "submitting" record from a finished one (same stand-in, same
        // URL lengths): the same fields, less the request's and the video's, state "submitting".
        let first = world.scratch.root + "/first"
        #expect(try world.run(["--shot", "orbit", "-o", first]).status == 0)
        let finished = try String(contentsOfFile: first + "/orbit.run.json", encoding: .utf8)
        var lines: [Substring] = []
        var inVideo = false
        for line in finished.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  \"video\": {") { inVideo = true }
            if inVideo {
                if line == "  }," { inVideo = false }
                continue
            }
            if ["request_id", "status_url", "response_url", "cancel_url"].contains(where: {
                line.hasPrefix("  \"\($0)\"")
            }) {
                continue
            }
            lines.append(line)
        }
        let submitting = lines.joined(separator: "\n").replacingOccurrences(
            of: "\"state\": \"completed\"", with: "\"state\": \"submitting\"")
        let limit = submitting.utf8.count + 40

        let second = world.scratch.root + "/second"
        let result = try world.scratch.run(
            ["run", "greenhouse.shot", "--shot", "orbit", "-o", second], environment: world.environment,
            limitFileSize: limit)
        #expect(result.status == 4, "\(result)")
        let accepted = try world.control.counts()["submit"]
        #expect(accepted == 2, "\(accepted)")
        let record = try String(contentsOfFile: second + "/orbit.run.json", encoding: .utf8)
        #expect(record.contains("\"state\": \"submitting\""), "the accepted state could not be written: \(record)")
        #expect(result.stdout.contains("fal accepted request"), "\(result)")
        #expect(result.stdout.contains("note the id"), "\(result)")

        let again = try world.scratch.run(
            ["run", "greenhouse.shot", "--shot", "orbit", "-o", second], environment: world.environment)
        #expect(again.status == 4, "\(again)")
        #expect(try world.control.counts()["submit"] == 2, "a request fal accepted was paid again")
    }

    static func urls(in json: Any) -> [String] {
        switch json {
        case let text as String: return text.hasPrefix("http") ? [text] : []
        case let list as [Any]: return list.flatMap { urls(in: $0) }
        case let object as [String: Any]: return object.values.flatMap { urls(in: $0) }
        default: return []
        }
    }
}
