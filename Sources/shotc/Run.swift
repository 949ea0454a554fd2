import ArgumentParser
import Dispatch
import FalKit
import Foundation
import ShotKit
import ShotRunner
import Synchronization

/// `shotc run`: render the shots on fal.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a scene's shots on fal and download the videos.",
        discussion: """
            Compiles the scene, uploads each distinct local image once, submits every
            selected shot to fal's queue, follows it, and downloads DIR/NAME.mp4 (DIR is
            renders/SCENE/ beside the scene file unless -o says otherwise; SCENE is the
            file's name without extension). A record DIR/NAME.run.json is written before a
            request is sent and as soon as fal accepts it, so a re-run skips what is up to
            date, resumes what is still rendering without paying twice, and renders the
            rest. Ctrl-C leaves accepted requests running and recorded.

            One run uses an output folder at a time: a second run on the same folder waits
            for the first (and says for which process), or exits 2 at once with --no-wait.

            When shotc cannot tell whether fal accepted a request (the answer to a submit
            was lost, or said fal may have taken it), it never resubmits it by itself: it
            says so, records it, and --force submits it again after you checked.

            Spending: the summary states what this run submitted and its estimated cost
            (a --force run counts too). --max-cost USD (or SHOTC_MAX_COST) refuses, before
            anything is uploaded or sent, a run whose estimate is above it (exit 2, the
            estimate shown). On a terminal, a run that would spend more than $2
            (SHOTC_CONFIRM_ABOVE changes it) shows the plan and asks first; --yes skips
            the question, which is never asked off a terminal.

            The key comes from FAL_KEY. FAL_QUEUE_URL, FAL_REST_URL and FAL_CDN_URL point
            the client elsewhere (a proxy, or the test stand-in).

            Examples:
              FAL_KEY=... shotc run scenes/greenhouse.shot   # scenes/renders/greenhouse/
              shotc run scenes/greenhouse.shot --shot opening -j 2
              shotc run scenes/greenhouse.shot --dry-run      # no key, nothing sent
              shotc run scenes/greenhouse.shot --max-cost 1.50 --yes
              shotc run scene.yaml --json > events.jsonl

            Exit status: 0 all shots done or up to date; 1 the scene has errors;
            2 usage or setup errors (no FAL_KEY, the folder in use with --no-wait,
            an estimate above --max-cost, the question answered no: nothing was
            sent; --dry-run also exits 2 when its estimate is above --max-cost);
            3 one or more shots failed on fal; 4 one or more shots are not
            finished or were not submitted (recorded: read the message, run
            again); 4 wins over 3; 130 after Ctrl-C.
            """)

    @Argument(help: "The scene file (.shot, .yaml or .yml).")
    var file: String

    @Option(name: .long, help: "Render only this shot (repeatable).")
    var shot: [String] = []

    @Option(name: .shortAndLong, help: "Where videos and records go (default: renders/SCENE/ beside the scene).")
    var output: String?

    @Option(
        name: .customShort("j"),
        help: "How many accepted requests may be unfinished at once; shots start in scene order.")
    var jobs = 4

    @Flag(name: .long, help: "Render again even what is up to date (never resubmits a request still running).")
    var force = false

    @Flag(name: .long, help: "Show what would be uploaded, submitted and skipped, and the cost; send nothing.")
    var dryRun = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Refuse to send anything if this run's estimate is above USD (also SHOTC_MAX_COST).", valueName: "USD"))
    var maxCost: String?

    @Flag(name: .long, help: "Do not ask before spending (the question is only asked on a terminal).")
    var yes = false

    @Flag(name: .long, help: "If another run uses the output folder, exit 2 at once instead of waiting.")
    var noWait = false

    @Flag(name: .long, help: "Print one JSON event per line on standard output.")
    var json = false

    @Flag(
        name: .shortAndLong, help: "Show only problems (failed, not finished, not submitted, notices) and the summary.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also show every HTTP request with its headers (the key redacted).")
    var verbose = false

    @OptionGroup var longPrompts: LongPromptOptions

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    func validate() throws {
        if jobs < 1 { throw ValidationError("-j takes a whole number of at least 1") }
        if quiet && verbose { throw ValidationError("--quiet and --verbose exclude each other") }
        _ = try spendingLimits()
    }

    /// The spending limits, in thousandths of a dollar: `--max-cost` (or `SHOTC_MAX_COST`) and
    /// the amount above which a terminal run asks (`SHOTC_CONFIRM_ABOVE`, default $2).
    private func spendingLimits() throws -> (maximum: Int?, confirmAbove: Int) {
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

    func run() async throws {
        var compilation = Compiler.compile(path: file)
        guard !diagnosticOptions.report(&compilation), let scene = compilation.scene else {
            throw ExitCode(ExitStatus.compileErrors)
        }
        let shots = try select(shot, from: scene, sources: compilation.sources)
        let directory = output ?? RunStore.defaultDirectory(forScene: file)
        let store = RunStore(directory: directory, scenePath: file)
        let limits = try spendingLimits()
        if dryRun {
            let plans = try plan(shots, scene: scene, store: store)
            let estimate = CostEstimate(scene: scene, shots: plans.filter(\.action.submits).map(\.shot))
            if json {
                printDryRunJSON(plans, scene: scene, store: store)
            } else {
                printDryRun(plans, scene: scene, store: store)
            }
            if let maximum = limits.maximum, estimate.totalMills > maximum {
                Terminal.writeError(
                    "error: the estimate, \(CostEstimate.dollars(estimate.totalMills)), is above --max-cost "
                        + "\(CostEstimate.dollars(maximum)): this run would be refused\n")
                throw ExitCode(ExitStatus.usage)
            }
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let key: FalKey
        let endpoints: FalEndpoints
        do {
            key = try FalKey.fromEnvironment(environment)
            endpoints = try FalEndpoints.fromEnvironment(environment)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(ExitStatus.usage)
        }
        let mode: ProgressMode = json ? .json : (Terminal.stderrIsTerminal ? .live : .lines)
        let reporter = ProgressReporter(mode: mode, quiet: quiet, verbose: verbose)
        var log: (@Sendable (HTTPLogEvent) -> Void)? = nil
        if verbose { log = { event in reporter.handle(.http(event.verboseText)) } }
        let http: HTTPClient
        do {
            http = try HTTPClient(log: log)
        } catch {
            // libcurl is missing: the environment, like a missing key.
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(ExitStatus.usage)
        }
        let tuning = RunTuning(environment: environment)

        // One run per output folder, from planning to the end.
        let folderLock = try lockFolder(directory, wait: !noWait)
        defer { withExtendedLifetime(folderLock) {} }
        let plans = try plan(shots, scene: scene, store: store)
        try guardSpending(plans, scene: scene, limits: limits)

        let client = FalClient(
            key: key, endpoints: endpoints, http: http, retryPolicy: tuning.retryPolicy,
            onRetry: { retry in reporter.handle(.retrying(retry)) })
        let renderer = SceneRenderer(
            scene: scene, sources: compilation.sources, store: store, client: client,
            concurrency: jobs, followPatience: tuning.followPatience, report: { reporter.handle($0) })

        reporter.start()
        // Ctrl-C is handled from before the first request, so it never kills a submit half-way.
        let stopper = WorkStopper()
        let interrupt = InterruptHandler {
            reporter.say("stopping: accepted requests stay recorded; press Ctrl-C again to quit at once")
            stopper.stop()
        }
        let work = Task { await renderer.run(plans) }
        stopper.attach(work)
        let report = await work.value
        let spent = spending(report, plans: plans, scene: scene)
        if interrupt.fired {
            // The final frame first, then the advice: nothing is drawn after it.
            reporter.stop(interrupted: true)
            let running = reporter.stillOnFal
            var advice = "\n"
            if running > 0 {
                let them = running == 1 ? "it" : "them"
                advice +=
                    "interrupted: \(running) accepted request\(running == 1 ? " keeps" : "s keep") running on fal, recorded in \(directory).\n"
                advice +=
                    "Run the same command again to pick \(them) up without paying twice, or 'shotc cancel \(directory)' to stop \(them).\n"
            } else {
                advice +=
                    "interrupted: no request of this run is left running on fal; run the same command again to go on.\n"
            }
            advice += spent.line + "\n"
            Terminal.writeError(advice)
            throw ExitCode(ExitStatus.interrupted)
        }
        reporter.stop()
        try finish(plans, report: report, spent: spent, reporter: reporter)
    }

    /// Plans the run; the one place that calls the planner. A prompt over Kling's cap in a shot
    /// this run would submit is refused here (exit 2, nothing sent) unless `--allow-long-prompts`;
    /// a long shot that is already rendered does not block the others.
    private func plan(_ shots: [CompiledShot], scene: CompiledScene, store: RunStore) throws -> [ShotPlan] {
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
    private func lockFolder(_ directory: String, wait: Bool) throws -> OutputLock {
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
    private func guardSpending(
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

    /// What this run submitted (fal accepted: each paid) and its estimated cost.
    private func spending(
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
    private func finish(
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

    private func printDryRun(_ plans: [ShotPlan], scene: CompiledScene, store: RunStore) {
        let submitting = plans.filter(\.action.submits)
        var out = "dry run: nothing is sent\n"
        out += "endpoint: \(scene.endpointID)\noutput: \(store.directory)\n"
        let uploads = dryRunUploads(of: submitting, scene: scene, store: store)
        if !uploads.isEmpty {
            out += "uploads (each distinct file once):\n"
            for upload in uploads {
                let size = upload.bytes.map { "\($0) bytes" } ?? "unreadable"
                out += "  \(upload.path)  \(size)\(upload.reused ? ", uploaded before: reused" : "")\n"
            }
        }
        out += "shots:\n"
        for plan in plans { out += "  \(plan.shot.name)  \(plan.action.summary)\n" }
        Terminal.write(out)
        Terminal.write(CostEstimate(scene: scene, shots: submitting.map(\.shot)).report)
    }

    /// `--dry-run --json`: one object per shot (its action and cost), one per upload, one total.
    private func printDryRunJSON(_ plans: [ShotPlan], scene: CompiledScene, store: RunStore) {
        let submitting = plans.filter(\.action.submits)
        let estimate = CostEstimate(scene: scene, shots: submitting.map(\.shot))
        var lines: [JSONValue] = []
        for plan in plans {
            let mills = plan.action.submits ? estimate.mills(of: plan.shot) : 0
            lines.append(
                .object([
                    ("event", .string("plan")), ("shot", .string(plan.shot.name)),
                    ("action", .string(plan.action.summary)), ("submits", .bool(plan.action.submits)),
                    ("seconds", .int(plan.shot.duration)), ("cost", .string(CostEstimate.dollars(mills))),
                    ("cost_mills", .int(mills)),
                ]))
        }
        for upload in dryRunUploads(of: submitting, scene: scene, store: store) {
            lines.append(
                .object([
                    ("event", .string("upload")), ("file", .string(upload.path)),
                    ("bytes", upload.bytes.map(JSONValue.int) ?? .null), ("reused", .bool(upload.reused)),
                ]))
        }
        lines.append(
            .object([
                ("event", .string("total")), ("endpoint", .string(scene.endpointID)),
                ("output", .string(store.directory)),
                ("shots", .int(plans.count)), ("submits", .int(submitting.count)),
                ("seconds", .int(submitting.reduce(0) { $0 + $1.shot.duration })),
                ("cost", .string(CostEstimate.dollars(estimate.totalMills))), ("cost_mills", .int(estimate.totalMills)),
            ]))
        Terminal.write(lines.map { $0.rendered(pretty: false) + "\n" }.joined())
    }

    /// The local files the submitting shots would upload: size, and whether an earlier upload
    /// is reused (by content hash, per storage host).
    private func dryRunUploads(
        of submitting: [ShotPlan], scene: CompiledScene, store: RunStore
    )
        -> [(path: String, bytes: Int?, reused: Bool)]
    {
        let files = RequestBuilder(scene: scene).localFiles(of: submitting.map(\.shot))
        guard !files.isEmpty else { return [] }
        let cdn =
            (try? FalEndpoints.fromEnvironment(ProcessInfo.processInfo.environment).cdn)
            ?? FalEndpoints.production.cdn
        let hashes = (try? ShotPlanner.hashLocalFiles(of: submitting.map(\.shot), in: scene)) ?? [:]
        let cache = store.uploadCache()
        return files.map { path in
            let reused = hashes[path].map { cache[RunStore.uploadCacheKey(cdn: cdn, hash: $0)] != nil } ?? false
            return (path, try? LocalFileSystem().size(path), reused)
        }
    }
}

/// Cancels the run's task once it exists; a stop asked for before it exists cancels it on arrival.
final class WorkStopper: Sendable {
    private let state = Mutex<(task: Task<RunReport, Never>?, stopped: Bool)>((nil, false))

    /// The run's task.
    func attach(_ task: Task<RunReport, Never>) {
        let stopped = state.withLock { state in
            state.task = task
            return state.stopped
        }
        if stopped { task.cancel() }
    }

    /// Cancels the task, now or when it is attached.
    func stop() {
        let task = state.withLock { state in
            state.stopped = true
            return state.task
        }
        task?.cancel()
    }
}

/// Ctrl-C: the first stops following (accepted requests stay recorded and running); a second
/// exits at once.
final class InterruptHandler {
    private let source: DispatchSourceSignal
    private let count = Atomic<Int>(0)

    /// Whether Ctrl-C was pressed.
    var fired: Bool { count.load(ordering: .relaxed) > 0 }

    /// Handles SIGINT from now on: `onFirst` runs on the first.
    init(onFirst: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in
            if count.add(1, ordering: .relaxed).newValue == 1 {
                onFirst()
            } else {
                _exit(ExitStatus.interrupted)
            }
        }
        source.resume()
    }

    deinit { source.cancel() }
}

/// Settings of `shotc run` read from the environment: `SHOTC_FOLLOW_PATIENCE` (seconds that
/// following a request may keep failing before the run leaves it recorded, default 600) and
/// `SHOTC_RETRY_BASE_DELAY` (the first retry's pause in seconds, default 0.5; tests shorten it).
struct RunTuning {
    var followPatience: Double = 600
    var retryPolicy = RetryPolicy.standard

    init(environment: [String: String]) {
        if let text = environment["SHOTC_FOLLOW_PATIENCE"], let seconds = Double(text), seconds >= 0 {
            followPatience = seconds
        }
        if let text = environment["SHOTC_RETRY_BASE_DELAY"], let seconds = Double(text), seconds >= 0 {
            retryPolicy = RetryPolicy(baseDelay: seconds, maxDelay: max(seconds, min(30, seconds * 60)))
        }
    }
}
