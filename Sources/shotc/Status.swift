import ArgumentParser
import Foundation
import ShotKit
import ShotRunner

/// `shotc status`: each shot's render state from the run records; sends nothing.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show which shots are rendered, stale, running or failed, and what the rest would cost.",
        discussion: """
            Reads the scene and the run records of its output folder (renders/SCENE/ beside
            the scene unless -o says otherwise) and says, for each shot, whether its video is
            up to date, stale and why (its prompt, a picture's bytes, its duration or aspect
            ratio, or the model changed), submitted and not finished (request id and age),
            failed (fal's error), held, or never rendered; then the estimated cost of bringing
            the scene up to date. Nothing is sent; no key is needed.

            Examples:
              shotc status scenes/greenhouse.shot
              shotc status scenes/greenhouse.yaml -o renders/take2
              shotc status scene.shot --json | jq 'select(.state != "up-to-date")'

            Exit status: 0 (whatever the states), 1 the scene has errors, 2 usage errors.
            """)

    @Argument(help: "The scene file (.shot, .yaml or .yml).")
    var file: String

    @Option(name: .shortAndLong, help: "The output folder (default: renders/SCENE/ beside the scene).")
    var output: String?

    @Flag(name: .long, help: "Print one JSON object per shot.")
    var json = false

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    func run() throws {
        var compilation = Compiler.compile(path: file)
        guard !diagnosticOptions.report(&compilation), let scene = compilation.scene else {
            throw ExitCode(ExitStatus.compileErrors)
        }
        let store = RunStore(directory: output ?? RunStore.defaultDirectory(forScene: file), scenePath: file)
        let plans: [ShotPlan]
        do {
            plans = try ShotPlanner.plan(scene.shots, in: scene, store: store, force: false)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(ExitStatus.compileErrors)
        }
        let statuses = plans.map { ShotStatus(plan: $0, scene: scene, model: compilation.model, store: store) }
        let toRender = plans.filter(\.action.submits).map(\.shot)
        let estimate = CostEstimate(scene: scene, shots: toRender)
        if json {
            for (status, plan) in zip(statuses, plans) {
                Terminal.write(Self.json(status, plan: plan, scene: scene).rendered(pretty: false) + "\n")
            }
            return
        }
        let width = max(4, statuses.map(\.shot.count).max() ?? 0)
        var out = "\(store.directory):\n"
        for status in statuses {
            let name = status.shot.padding(toLength: width, withPad: " ", startingAt: 0)
            var line = "  \(name)  \(status.state.label)"
            if status.state == .submitted, let id = status.requestID {
                line += " (request \(id)\(Self.age(status.submittedAt).map { ", sent \($0) ago" } ?? ""))"
            }
            let details = status.state == .submitted ? Array(status.reasons.dropFirst()) : status.reasons
            if !details.isEmpty && status.state != .new { line += ": " + details.joined(separator: "; ") }
            out += line + "\n"
        }
        let ready = statuses.filter { $0.state == .upToDate }.count
        out += "\(ready) of \(statuses.count) shot\(statuses.count == 1 ? "" : "s") up to date"
        if toRender.isEmpty {
            out += "; nothing to render\n"
        } else {
            let seconds = toRender.reduce(0) { $0 + $1.duration }
            out +=
                "; rendering the other \(toRender.count) (\(seconds) s) would cost about "
                + "\(CostEstimate.roughDollars(estimate.totalMills)) (\(CostEstimate.dollars(estimate.totalMills)))\n"
        }
        Terminal.write(out)
    }

    /// `3 min`, `2 h` since an ISO 8601 time.
    private static func age(_ time: String?) -> String? {
        guard let time, let date = ISO8601DateFormatter().date(from: time) else { return nil }
        let seconds = max(0, Int(Date().timeIntervalSince(date)))
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        if seconds < 172_800 { return "\(seconds / 3600) h" }
        return "\(seconds / 86400) days"
    }

    private static func json(_ status: ShotStatus, plan: ShotPlan, scene: CompiledScene) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("shot", .string(status.shot)), ("state", .string(status.state.rawValue)),
            ("reasons", .array(status.reasons.map(JSONValue.string))),
        ]
        if let id = status.requestID { fields.append(("request_id", .string(id))) }
        if let sent = status.submittedAt { fields.append(("submitted_at", .string(sent))) }
        if let video = status.videoPath { fields.append(("video", .string(video))) }
        fields.append(("next_run_submits", .bool(status.nextRunSubmits)))
        let mills = status.nextRunSubmits ? CostEstimate(scene: scene, shots: [plan.shot]).totalMills : 0
        fields.append(("cost", .string(CostEstimate.dollars(mills))))
        return .object(fields)
    }
}
