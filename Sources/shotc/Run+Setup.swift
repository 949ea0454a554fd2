import ArgumentParser
import Foundation
import ShotKit
import ShotRunner

/// The run's set-up before anything is sent: the spending limits, the plan, the output
/// folder's lock, and the spending guard with its question.
extension Run {
    /// The spending limits, in thousandths of a dollar: `--max-cost` (or `SHOTC_MAX_COST`) and
    /// the amount above which a terminal run asks (`SHOTC_CONFIRM_ABOVE`, default $2).
    func spendingLimits() throws -> (maximum: Int?, confirmAbove: Int) {
        let environment = ProcessInfo.processInfo.environment
        func amount(_ text: String, _ name: String) throws -> Int {
            guard let mills = CostEstimate.parseMills(text) else {
                throw ValidationError(
                    "\(name) takes an amount in US dollars such as 5 or 1.50, not '\(text)'")
            }
            return mills
        }
        var maximum: Int?
        if let maxCost {
            maximum = try amount(maxCost, "--max-cost")
        } else if let text = environment["SHOTC_MAX_COST"], !text.isEmpty {
            maximum = try amount(text, "SHOTC_MAX_COST")
        }
        var confirmAbove = 2000
        if let text = environment["SHOTC_CONFIRM_ABOVE"], !text.isEmpty {
            confirmAbove = try amount(text, "SHOTC_CONFIRM_ABOVE")
        }
        return (maximum, confirmAbove)
    }

    /// Plans the run; the one place that calls the planner. A prompt over Kling's cap in a shot
    /// this run would submit is refused here (exit 2, nothing sent) unless `--allow-long-prompts`;
    /// a long shot that is already rendered does not block the others.
    func plan(_ shots: [CompiledShot], scene: CompiledScene, store: RunStore) throws -> [ShotPlan] {
        let plans: [ShotPlan]
        do {
            plans = try SceneRenderer.plan(shots, in: scene, store: store, force: force)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(ExitStatus.compileErrors)
        }
        if let refusal = longPrompts.refusal(for: plans.filter(\.action.submits).map(\.shot)) {
            Terminal.writeError(refusal)
            throw ExitCode(ExitStatus.usage)
        }
        return plans
    }

    /// Takes the output folder's lock, saying once for whom it waits; with `wait` false a busy
    /// folder is exit status 2.
    func lockFolder(_ directory: String, wait: Bool) throws -> OutputLock {
        do {
            return try OutputLock.acquire(in: directory, wait: wait) { holder in
                let who = holder.map { "process \($0)" } ?? "another process"
                Terminal.writeError("waiting for \(who), which is using \(directory)\n")
            }
        } catch OutputLock.Failure.busy(_, let holder) {
            let who = holder.map { "process \($0)" } ?? "another process"
            Terminal.writeError(
                "error: \(who) is using \(directory); nothing was sent. Wait for it to finish "
                    + "(run without --no-wait to wait), or choose another folder with -o.\n")
            throw ExitCode(ExitStatus.usage)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(ExitStatus.usage)
        }
    }

    /// `--max-cost` and the question on a terminal, before anything is uploaded or sent.
    func guardSpending(
        _ plans: [ShotPlan], scene: CompiledScene, limits: (maximum: Int?, confirmAbove: Int)
    ) throws {
        let submitting = plans.filter(\.action.submits)
        guard !submitting.isEmpty else { return }
        let estimate = CostEstimate(scene: scene, shots: submitting.map(\.shot))
        let total = estimate.totalMills
        let count = "\(submitting.count) shot\(submitting.count == 1 ? "" : "s")"
        func plan() -> String {
            "plan:\n" + plans.map { "  \($0.shot.name)  \($0.action.summary)\n" }.joined() + estimate.report
        }
        if let maximum = limits.maximum, total > maximum {
            Terminal.writeError(
                plan() + "error: submitting \(count) would cost about \(CostEstimate.roughDollars(total)) "
                    + "(\(CostEstimate.dollars(total))), above --max-cost \(CostEstimate.dollars(maximum)); "
                    + "nothing was sent. Raise the limit, or choose fewer shots with --shot.\n")
            throw ExitCode(ExitStatus.usage)
        }
        guard !yes, total > limits.confirmAbove, Terminal.canAsk
        else { return }
        Terminal.writeError(plan() + "Submit \(count) for about \(CostEstimate.roughDollars(total))? [y/N] ")
        let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard answer == "y" || answer == "yes" else {
            Terminal.writeError("nothing was sent\n")
            throw ExitCode(ExitStatus.usage)
        }
    }
}
