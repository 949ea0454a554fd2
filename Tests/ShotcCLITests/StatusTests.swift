// `shotc status` against the run records the stand-in's renders leave: every state, every reason a
// render goes stale, and the cost of bringing the scene up to date. Nothing may be sent.
import Foundation
import ShotcTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("shotc status")
struct StatusTests {
    private func status(_ world: RunWorld, _ extra: [String] = []) throws -> ShotcResult {
        try world.scratch.run(["status", "greenhouse.shot"] + extra, environment: world.environment)
    }

    /// `--json`, one object per shot, by shot.
    private func states(_ world: RunWorld) throws -> [String: [String: Any]] {
        let result = try status(world, ["--json"])
        #expect(result.status == 0, "\(result)")
        var byShot: [String: [String: Any]] = [:]
        for line in result.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            byShot[try #require(object["shot"] as? String)] = object
        }
        return byShot
    }

    private func edit(_ world: RunWorld, _ from: String, _ to: String) throws {
        let text = try String(contentsOfFile: world.scratch.scene, encoding: .utf8)
        #expect(text.contains(from))
        try text.replacingOccurrences(of: from, with: to).write(
            toFile: world.scratch.scene, atomically: true, encoding: .utf8)
    }

    @Test("never rendered, then up to date; the cost is what is left to render; nothing is sent")
    func newThenUpToDate() throws {
        let world = try RunWorld()
        defer { world.close() }
        let before = try status(world)
        #expect(before.status == 0, "\(before)")
        #expect(before.stdout.contains("opening  never rendered"), "\(before)")
        #expect(before.stdout.contains("0 of 2 shots up to date"), "\(before)")
        #expect(before.stdout.contains("($1.092)"), "the whole scene's cost: \(before)")
        #expect(try states(world)["orbit"]?["state"] as? String == "new")
        #expect(try world.control.counts().total == 0, "status sent something")

        #expect(try world.run().status == 0)
        try world.control.reset()
        let after = try states(world)
        #expect(after["opening"]?["state"] as? String == "up-to-date")
        #expect(after["orbit"]?["next_run_submits"] as? Bool == false)
        #expect(try status(world).stdout.contains("nothing to render"))
        #expect(try world.control.counts().total == 0, "status sent something")
    }

    @Test("stale, and why: the prompt, a picture's bytes, the duration, the aspect ratio, the model")
    func staleAndWhy() throws {
        let world = try RunWorld()
        defer { world.close() }
        #expect(try world.run().status == 0)
        try edit(world, "A slow 180-degree orbit", "A quick 180-degree orbit")
        var orbit = try #require(try states(world)["orbit"])
        #expect(orbit["state"] as? String == "stale")
        #expect((orbit["reasons"] as? [String]) == ["its prompt changed"])
        #expect(try states(world)["opening"]?["state"] as? String == "up-to-date")

        // mara's back view is sent by both shots.
        let back = world.scratch.folder + "/refs/mara-back.png"
        let handle = try #require(FileHandle(forWritingAtPath: back))
        handle.seekToEndOfFile()
        handle.write(Data([0]))
        handle.closeFile()
        let opening = try #require(try states(world)["opening"])
        #expect(opening["state"] as? String == "stale")
        // Named by the declaration the semantic model says reads the file.
        #expect(
            (opening["reasons"] as? [String])?.first
                == "the bytes of 'refs/mara-back.png' (one of mara's angles) changed",
            "\(opening)")

        try edit(world, "shot orbit 8s", "shot orbit 10s")
        orbit = try #require(try states(world)["orbit"])
        #expect((orbit["reasons"] as? [String])?.contains("its duration changed (8 s → 10 s)") == true, "\(orbit)")

        try edit(world, "aspect 16:9", "aspect 9:16")
        orbit = try #require(try states(world)["orbit"])
        #expect((orbit["reasons"] as? [String])?.contains("its aspect ratio changed (16:9 → 9:16)") == true, "\(orbit)")

        try edit(world, "model standard", "model pro")
        orbit = try #require(try states(world)["orbit"])
        #expect((orbit["reasons"] as? [String])?.first?.hasPrefix("the model changed") == true, "\(orbit)")
        let text = try status(world)
        #expect(text.stdout.contains("orbit    stale: the model changed"), "\(text)")
    }

    @Test("submitted and not finished, with its request id and age; failed with fal's error; held for a damaged record")
    func submittedFailedHeld() throws {
        let world = try RunWorld(standInArguments: ["--queue-ms", "50", "--progress-ms", "3000"])
        defer { world.close() }
        try world.control.addFaults([
            ["route": "submit", "kind": "renderFail", "message": "Content policy violation", "times": 1]
        ])
        // opening fails at once; orbit is accepted and still rendering when shotc is killed.
        let process = try world.start(["--shot", "opening"])
        _ = process.wait(timeout: 30)
        let running = try world.start(["--shot", "orbit"])
        var accepted = false
        for _ in 0..<200 where !accepted {
            accepted = world.scratch.record("orbit")?["state"] as? String == "submitted"
            usleep(20_000)
        }
        running.send(SIGKILL)
        _ = running.wait(timeout: 10)
        try #require(accepted)
        let id = try #require(world.scratch.record("orbit")?["request_id"] as? String)

        let all = try states(world)
        #expect(all["orbit"]?["state"] as? String == "submitted")
        #expect(all["orbit"]?["request_id"] as? String == id)
        #expect(all["opening"]?["state"] as? String == "failed")
        #expect(
            (all["opening"]?["reasons"] as? [String])?.first?.contains("Content policy violation") == true, "\(all)")
        let text = try status(world)
        #expect(text.stdout.contains("submitted, not finished (request \(id), sent "), "\(text)")

        try Data("{\"shot\":".utf8).write(to: URL(fileURLWithPath: world.scratch.renders + "/opening.run.json"))
        let held = try states(world)["opening"]
        #expect(held?["state"] as? String == "held")
        #expect(held?["next_run_submits"] as? Bool == false)
    }
}
