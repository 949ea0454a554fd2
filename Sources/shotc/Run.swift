import ArgumentParser
import FalKit
import Foundation
import ShotKit
import ShotRunner

/// `shotc run`: render the shots on fal.
///
/// The options and the run itself are here; the set-up before anything is sent is in
/// Run+Setup.swift, the summary and exit status in Run+Summary.swift, `--dry-run` in
/// Run+DryRun.swift.
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
}
