// The fault soak (issue 6) in the test suite: `scripts/soak.py` drives the built shotc against the built
// fal-standin through 12 randomized runs (faults of every kind, SIGKILL/SIGINT of shotc, stand-in restarts)
// and checks the money invariants after every step; its self-check shows it fails a careless runner and passes a
// reference one that keeps the contract. Everything stays on 127.0.0.1.
import Foundation
import ShotcTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("fault soak")
struct SoakTests {
    /// Fixed so a failure here can be replayed with the command the soak prints.
    static let seed = 20_261_130
    /// A bound far above the soak's usual time, so a hang fails the test instead of stalling the suite.
    static let timeLimit: TimeInterval = 240

    @Test("12 randomized runs under faults, kills and restarts: no double submit, no partial file, every record parses")
    func soak() async throws {
        let shotc = try ShotcProcess.executableURL().path
        let standIn = try StandInProcess.executableURL().path
        let result = try await Self.runSoak([
            "--runs", "12", "--seed", String(Self.seed), "--shotc", shotc, "--standin", standIn, "--discard",
        ])
        #expect(!result.timedOut, "the soak ran over \(Int(Self.timeLimit)) s\n\(result.output)")
        #expect(result.status == 0, "soak exit \(result.status) after \(Int(result.seconds)) s\n\(result.output)")
        #expect(result.output.contains("invariant violations: 0"), "\(result.output)")
    }

    @Test("the soak fails a careless runner (double submit, partial video, bad record) and passes a reference one")
    func soakCatchesACarelessRunner() async throws {
        let standIn = try StandInProcess.executableURL().path
        let result = try await Self.runSoak([
            "--self-check", "--runs", "6", "--seed", "1", "--standin", standIn, "--discard",
        ])
        #expect(!result.timedOut, "\(result.output)")
        #expect(result.status == 0, "soak --self-check exit \(result.status)\n\(result.output)")
        #expect(result.output.contains("soak self-check: ok"), "\(result.output)")
    }

    /// What one run of the soak script left behind.
    struct SoakResult {
        var status: Int32
        var output: String
        var seconds: TimeInterval
        var timedOut: Bool
    }

    /// Runs `python3 scripts/soak.py arguments...` from the package root, output to a file (never a pipe that
    /// could fill), stopping it (SIGTERM, so it stops its own children, then SIGKILL) after `timeLimit`.
    /// It waits with `Task.sleep`, not by blocking a thread: on two cores the concurrency pool has two
    /// threads, and a minute-long blocking wait would stall every other async test meanwhile.
    static func runSoak(_ arguments: [String]) async throws -> SoakResult {
        let root = Scratch.repositoryRoot()
        let logDirectory = NSTemporaryDirectory() + "shotc-soak-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: logDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: logDirectory) }
        let outputPath = logDirectory + "/soak.out"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", root + "/scripts/soak.py"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        process.environment = ShotcProcess.environment([:])
        process.standardInput = FileHandle.nullDevice
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        let started = Date()
        try process.run()
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(started) > timeLimit {
                timedOut = true
                process.terminate()
                let grace = Date().addingTimeInterval(10)
                while process.isRunning && Date() < grace { try await Task.sleep(nanoseconds: 20_000_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                break
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        process.waitUntilExit()
        try? output.close()
        return SoakResult(
            status: process.terminationStatus,
            output: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
            seconds: Date().timeIntervalSince(started), timedOut: timedOut)
    }
}
