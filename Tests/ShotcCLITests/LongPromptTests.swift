import Foundation
import ShotcTestSupport
import Testing

/// A prompt over Kling's 2,500-character cap: a warning at `check`, a refusal (exit 2, nothing
/// sent) at `run` unless `--allow-long-prompts`.
@Suite struct LongPromptTests {
    /// Every fal URL points at a closed port: a request sent would fail, not be paid.
    private let environment = ShotcProcess.environment([
        "FAL_KEY": "test-key", "FAL_QUEUE_URL": "http://127.0.0.1:1", "FAL_REST_URL": "http://127.0.0.1:1",
        "FAL_CDN_URL": "http://127.0.0.1:1",
    ])

    private func scratch() throws -> Scratch {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        let path = scratch.scene
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let long = String(repeating: "@mara walks slowly through the long corridor of the old house. ", count: 42)
        try (text + "\nshot long\n  " + long + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return scratch
    }

    @Test func checkWarnsOnly() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        let result = try scratch.run(["check", "greenhouse.shot"], environment: environment)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("[W0003]"), "\(result)")
    }

    @Test func runRefusesBeforeSendingAnything() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        let result = try scratch.run(["run", "greenhouse.shot", "--yes"], environment: environment)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.contains("the prompt of shot 'long' ("), "\(result)")
        #expect(result.stderr.contains("--allow-long-prompts"), "\(result)")
        #expect(scratch.outputNames().isEmpty, "nothing is recorded: \(scratch.outputNames())")
    }

    @Test func otherShotsRunWithoutTheFlag() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        let result = try scratch.run(
            ["run", "greenhouse.shot", "--shot", "orbit", "--dry-run"], environment: environment)
        #expect(result.status == 0, "\(result)")
    }

    @Test func theFlagLetsItThrough() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        let result = try scratch.run(
            ["run", "greenhouse.shot", "--allow-long-prompts", "--dry-run"], environment: environment)
        #expect(result.status == 0, "\(result)")
        #expect(!result.stderr.contains("over Kling's cap"), "\(result)")
    }
}
