import ArgumentParser
import Dispatch
import FalKit
import Foundation
import ShotKit
import ShotRunner

/// `shotc run`: render the shots on fal.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a scene's shots on fal and download the videos.",
        discussion: """
            Compiles the scene, uploads each distinct local image once, submits every
            selected shot to fal's queue, follows it, and downloads DIR/NAME.mp4. A record
            DIR/NAME.run.json is written as soon as fal accepts a request, so a re-run skips
            what is up to date, resumes what is still rendering without paying twice, and
            renders the rest. Ctrl-C leaves accepted requests running and recorded.

            The key comes from FAL_KEY. FAL_QUEUE_URL, FAL_REST_URL and FAL_CDN_URL point
            the client elsewhere (a proxy, or the test stand-in).

            Examples:
              FAL_KEY=... shotc run scenes/greenhouse.shot
              shotc run scenes/greenhouse.shot --shot opening -j 2
              shotc run scenes/greenhouse.shot --dry-run        # no key needed, nothing sent
              shotc run scene.yaml --json > events.jsonl

            Exit status: 0 all shots done or up to date, 1 the scene has errors, 2 usage or
            setup errors (no FAL_KEY), 3 one or more shots failed, 130 after Ctrl-C.
            """)

    @Argument(help: "The scene file (.shot, .yaml or .yml).")
    var file: String

    @Option(name: .long, help: "Render only this shot (repeatable).")
    var shot: [String] = []

    @Option(name: .shortAndLong, help: "Where videos and records go (default: renders/ beside the scene).")
    var output: String?

    @Option(name: .customShort("j"), help: "How many accepted requests may be unfinished at once.")
    var jobs = 4

    @Flag(name: .long, help: "Render again even what is up to date (never resubmits a request still running).")
    var force = false

    @Flag(name: .long, help: "Show what would be uploaded, submitted and skipped, and the cost; send nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Print one JSON event per line on standard output.")
    var json = false

    @Flag(name: .shortAndLong, help: "Show only failures and the summary.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also show every HTTP request (the key redacted).")
    var verbose = false

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    func validate() throws {
        if jobs < 1 { throw ValidationError("-j takes a whole number of at least 1") }
        if quiet && verbose { throw ValidationError("--quiet and --verbose exclude each other") }
    }

    func run() async throws {
        var compilation = Compiler.compile(path: file)
        guard !diagnosticOptions.report(&compilation), let scene = compilation.scene else {
            throw ExitCode(ExitStatus.compileErrors)
        }
        let shots = try select(shot, from: scene, sources: compilation.sources)
        let directory = output ?? RunStore.defaultDirectory(forScene: file)
        let store = RunStore(directory: directory, scenePath: file)
        let plans: [ShotPlan]
        do {
            plans = try SceneRenderer.plan(shots, in: scene, store: store, force: force)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(ExitStatus.compileErrors)
        }
        if dryRun {
            printDryRun(plans, scene: scene, store: store)
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
        if verbose { log = { event in reporter.handle(.http(event.description)) } }
        let http: HTTPClient
        do {
            http = try HTTPClient(log: log)
        } catch {
            // libcurl is missing: the environment, like a missing key.
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(ExitStatus.usage)
        }
        let tuning = RunTuning(environment: environment)
        let client = FalClient(
            key: key, endpoints: endpoints, http: http, retryPolicy: tuning.retryPolicy,
            onRetry: { retry in reporter.handle(.retrying(retry)) })
        let renderer = SceneRenderer(
            scene: scene, sources: compilation.sources, store: store, client: client,
            concurrency: jobs, followPatience: tuning.followPatience, report: { reporter.handle($0) })

        reporter.start()
        let work = Task { await renderer.run(plans) }
        let interrupt = InterruptHandler { work.cancel() }
        let outcomes = await work.value.outcomes
        reporter.stop()
        if interrupt.fired {
            reporter.interrupted()
            let running = store.allRecords().filter { $0.state == .submitted }.count
            Terminal.writeError(
                "\ninterrupted: \(running) accepted request\(running == 1 ? " keeps" : "s keep") running on fal, recorded in \(directory).\n"
                    + "Run the same command again to pick \(running == 1 ? "it" : "them") up without paying twice, or 'shotc cancel \(directory)' to stop \(running == 1 ? "it" : "them").\n")
            throw ExitCode(ExitStatus.interrupted)
        }
        try finish(plans, outcomes: outcomes, reporter: reporter)
    }

    /// Prints the summary and picks the exit status.
    private func finish(_ plans: [ShotPlan], outcomes: [String: ShotOutcome], reporter: ProgressReporter) throws {
        var failed = 0
        var unfinished = 0
        var lines: [String] = []
        for plan in plans {
            switch outcomes[plan.shot.name] {
            case .done(let path)?: lines.append("  \(plan.shot.name)  \(path)")
            case .upToDate(let path)?: lines.append("  \(plan.shot.name)  \(path) (up to date)")
            case .failed(let message, _)?:
                failed += 1
                lines.append("  \(plan.shot.name)  failed: \(message.split(separator: "\n").first ?? "")")
            case .unfinished(let message)?, .held(let message)?:
                unfinished += 1
                lines.append("  \(plan.shot.name)  \(message.split(separator: "\n").first ?? "")")
            case .interrupted?, nil:
                failed += 1
                lines.append("  \(plan.shot.name)  not finished")
            }
        }
        if !json {
            let seconds = String(format: "%.1f", reporter.elapsedSeconds)
            Terminal.write(
                "\(plans.count - failed - unfinished) of \(plans.count) shot\(plans.count == 1 ? "" : "s") ready in \(seconds) s\n"
                    + lines.joined(separator: "\n") + "\n")
        }
        if unfinished > 0 { throw ExitCode(ExitStatus.unfinished) }
        if failed > 0 { throw ExitCode(ExitStatus.remoteFailures) }
    }

    private func printDryRun(_ plans: [ShotPlan], scene: CompiledScene, store: RunStore) {
        let submitting = plans.filter { if case .submit = $0.action { true } else { false } }
        let files = RequestBuilder(scene: scene).localFiles(of: submitting.map(\.shot))
        var out = "dry run: nothing is sent\n"
        out += "endpoint: \(scene.endpointID)\noutput: \(store.directory)\n"
        if !files.isEmpty {
            // Earlier uploads are reused by content hash, per storage host.
            let cdn = (try? FalEndpoints.fromEnvironment(ProcessInfo.processInfo.environment).cdn)
                ?? FalEndpoints.production.cdn
            let hashes = (try? ShotPlanner.hashLocalFiles(of: submitting.map(\.shot), in: scene)) ?? [:]
            let cache = store.uploadCache()
            out += "uploads (each distinct file once):\n"
            for path in files {
                let size = (try? LocalFileSystem().size(path)).map { "\($0) bytes" } ?? "unreadable"
                let reused = hashes[path].map { cache[RunStore.uploadCacheKey(cdn: cdn, hash: $0)] != nil } ?? false
                out += "  \(path)  \(size)\(reused ? ", uploaded before: reused" : "")\n"
            }
        }
        out += "shots:\n"
        for plan in plans { out += "  \(plan.shot.name)  \(plan.action.summary)\n" }
        Terminal.write(out)
        Terminal.write(CostEstimate(scene: scene, shots: submitting.map(\.shot)).report)
    }
}

/// Ctrl-C: the first stops following (accepted requests stay recorded and running); a second
/// exits at once.
final class InterruptHandler: @unchecked Sendable {
    private let source: DispatchSourceSignal
    private let lock = NSLock()
    private var count = 0

    /// Whether Ctrl-C was pressed.
    var fired: Bool {
        lock.lock()
        defer { lock.unlock() }
        return count > 0
    }

    init(onFirst: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in
            lock.lock()
            count += 1
            let current = count
            lock.unlock()
            if current == 1 {
                Terminal.writeError("\nstopping: accepted requests stay recorded; press Ctrl-C again to quit at once\n")
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
