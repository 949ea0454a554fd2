import ArgumentParser
import Foundation
import ShotKit
import ShotRunner

/// The end of a run: what it spent, the summary, and the exit status.
extension Run {
    /// What this run submitted (fal accepted: each paid) and its estimated cost.
    func spending(
        _ report: RunReport, plans: [ShotPlan], scene: CompiledScene
    )
        -> (count: Int, mills: Int, line: String)
    {
        let byName = Dictionary(plans.map { ($0.shot.name, $0.shot) }, uniquingKeysWith: { first, _ in first })
        let shots = report.submitted.compactMap { byName[$0] }
        let mills = CostEstimate(scene: scene, shots: shots).totalMills
        let count = report.submitted.count
        let line =
            count == 0
            ? "submitted no new requests"
            : "submitted \(count) new request\(count == 1 ? "" : "s"), about \(CostEstimate.roughDollars(mills))"
        return (count, mills, line)
    }

    /// Prints the summary and picks the exit status: 4 when a shot is not finished or was not
    /// submitted, else 3 when one failed, else 0.
    func finish(
        _ plans: [ShotPlan], report: RunReport, spent: (count: Int, mills: Int, line: String),
        reporter: ProgressReporter
    ) throws {
        var failed = 0
        var unfinished = 0
        var settled: [String] = []
        // Problems grouped by their text, in the order first seen.
        var problems: [(text: String, shots: [String])] = []
        func problem(_ shot: String, _ text: String) {
            if let index = problems.firstIndex(where: { $0.text == text }) {
                problems[index].shots.append(shot)
            } else {
                problems.append((text: text, shots: [shot]))
            }
        }
        func firstLine(_ message: String) -> String { message.split(separator: "\n").first.map(String.init) ?? "" }
        let width = plans.map(\.shot.name.count).max() ?? 0
        for plan in plans {
            let name = plan.shot.name
            let padded = name + String(repeating: " ", count: max(0, width - name.count))
            switch report.outcomes[name] {
            case .done(let path)?: settled.append("  \(padded)  \(path)")
            case .upToDate(let path)?: settled.append("  \(padded)  \(path) (up to date)")
            case .failed(let message, _)?:
                failed += 1
                problem(name, "failed: \(firstLine(message))")
            case .unfinished(let message)?:
                unfinished += 1
                problem(name, "not finished: \(firstLine(message))")
            case .held(let message)?:
                unfinished += 1
                problem(name, "not submitted: \(firstLine(message))")
            case .interrupted?, nil:
                unfinished += 1
                problem(name, "not finished")
            }
        }
        let ready = plans.count - failed - unfinished
        if json {
            let fields: [(String, JSONValue)] = [
                ("time", .string(timestamp())), ("event", .string("summary")), ("shots", .int(plans.count)),
                ("ready", .int(ready)), ("failed", .int(failed)), ("unfinished", .int(unfinished)),
                ("submitted", .array(report.submitted.map(JSONValue.string))),
                ("cost", .string(CostEstimate.dollars(spent.mills))), ("cost_mills", .int(spent.mills)),
            ]
            Terminal.write(JSONValue.object(fields).rendered(pretty: false) + "\n")
        } else {
            let seconds = String(format: "%.1f", reporter.elapsedSeconds)
            var out =
                "\(ready) of \(plans.count) shot\(plans.count == 1 ? "" : "s") ready in \(seconds) s; \(spent.line)\n"
            // The live display already shows each shot (and printed each problem once); -q
            // shows only problems.
            if !reporter.drawsLive {
                if !quiet { out += settled.map { $0 + "\n" }.joined() }
                for (text, shots) in problems {
                    let who = shots.count == 1 ? shots[0] : "\(shots.count) shots (\(shots.joined(separator: ", ")))"
                    out += "  \(who)  \(text)\n"
                }
            }
            Terminal.write(out)
        }
        if unfinished > 0 { throw ExitCode(ExitStatus.unfinished) }
        if failed > 0 { throw ExitCode(ExitStatus.remoteFailures) }
    }
}
