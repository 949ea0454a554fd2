// One test's world for `shotc run`, `status`, `cancel` and `board` against the stand-in: shared by
// the command-line test suites so that each starts the same world the same way.
import Foundation

/// A stand-in on 127.0.0.1 with its control routes, a scratch copy of `examples/greenhouse`, and
/// the environment that points `shotc` at the stand-in with a key.
///
/// Two keys are involved: the one `shotc` is given (`FAL_KEY`) and the one the stand-in accepts.
/// They are the same unless a test asks otherwise: a test of a refused key gives the stand-in
/// another (`RunWorld(standInKey: "the-right-key")`), and the stand-in answers 401.
public struct RunWorld {
    /// Timings that make a render take about 0.2 s.
    public static let fastRender = ["--queue-ms", "50", "--progress-ms", "150"]
    /// The key the stand-in accepts when started without `--key`.
    public static let standInDefaultKey = "test-key"

    /// The stand-in.
    public let standIn: StandInProcess
    /// Its control routes (faults, counts, reset).
    public let control: StandInControl
    /// The scratch copy of the greenhouse.
    public let scratch: Scratch
    /// The environment `shotc` runs with: every fal URL at the stand-in, and `FAL_KEY`.
    public let environment: [String: String]

    /// Starts a stand-in with `standInArguments` accepting `standInKey` (`key` when nil), and
    /// copies the greenhouse; `shotc` gets `key` as `FAL_KEY`.
    public init(
        standInArguments: [String] = fastRender, key: String = standInDefaultKey, standInKey: String? = nil
    ) throws {
        let accepted = standInKey ?? key
        standIn = try StandInProcess(
            arguments: standInArguments + (accepted == Self.standInDefaultKey ? [] : ["--key", accepted]))
        control = StandInControl(standIn)
        scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        environment = ShotcProcess.environment(standIn: standIn, key: key)
    }

    /// Stops the stand-in and removes the scratch folder.
    public func close() {
        standIn.stop()
        scratch.remove()
    }

    /// `shotc run greenhouse.shot <arguments>` to its end; `extra` adds to or replaces variables.
    public func run(
        _ arguments: [String] = [], extra: [String: String] = [:], timeout: TimeInterval = 30
    ) throws -> ShotcResult {
        try scratch.run(
            ["run", "greenhouse.shot"] + arguments, environment: environment.merging(extra) { $1 }, timeout: timeout)
    }

    /// `shotc run greenhouse.shot <arguments>`, started.
    public func start(_ arguments: [String] = []) throws -> ShotcProcess {
        try scratch.start(["run", "greenhouse.shot"] + arguments, environment: environment)
    }

    /// The stand-in's sample clip (what every finished render serves); the counts are reset after.
    public func sampleVideo() throws -> [UInt8] {
        let reply = try control.fetch(standIn.baseURL + "/media/sample.mp4")
        try control.reset()
        return reply.body
    }

    /// The state in `shot`'s record (`completed`, `submitted`, ...); nil without a record.
    public func state(_ shot: String) -> String? { scratch.record(shot)?["state"] as? String }
}
