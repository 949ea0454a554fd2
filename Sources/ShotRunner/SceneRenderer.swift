import FalKit
import Foundation
import ShotKit
import Synchronization

/// Renders a compiled scene on fal (spec section 7): uploads each distinct local image once,
/// submits, follows, fetches and downloads, at most `concurrency` accepted requests unfinished
/// at a time, recording everything in the output folder as it happens.
///
/// What it promises: a request is recorded before it is sent; a submit is repeated only where fal
/// cannot have accepted it; a render fails only when fal says so; whatever fal may have accepted
/// stays recorded, and is never submitted again by shotc on its own.
public final class SceneRenderer: Sendable {
    /// The scene.
    public let scene: CompiledScene
    /// The output folder.
    public let store: RunStore
    /// The scene's files, for pointing rejections at their place.
    public let sources: SourceMap
    let client: FalClient
    let concurrency: Int
    /// How long following a request may keep failing (outage, refused calls) before the run
    /// leaves it recorded and moves on, in seconds.
    let followPatience: Double
    let report: @Sendable (RunEvent) -> Void
    let state = Mutex(RunState())

    /// What the run's tasks share.
    struct RunState {
        /// Why new submits stopped (a refused key, an unreachable service, an unwritable record).
        var stopReason: String?
        /// Shots whose new request fal accepted in this run.
        var submitted: [String] = []
        /// Notices already said.
        var noticed: Set<String> = []
        /// Shots whose record could not be written when fal accepted their request.
        var unrecorded: Set<String> = []
    }

    /// A renderer of `scene` into `store` through `client`.
    public init(
        scene: CompiledScene, sources: SourceMap, store: RunStore, client: FalClient,
        concurrency: Int, followPatience: Double = 600, report: @escaping @Sendable (RunEvent) -> Void
    ) {
        self.scene = scene
        self.sources = sources
        self.store = store
        self.client = client
        self.concurrency = max(1, concurrency)
        self.followPatience = followPatience
        self.report = report
    }

    /// Decides what to do with each shot from its record and video (see ``ShotPlanner``).
    public static func plan(
        _ shots: [CompiledShot], in scene: CompiledScene, store: RunStore, force: Bool
    ) throws -> [ShotPlan] {
        try ShotPlanner.plan(shots, in: scene, store: store, force: force)
    }

    // MARK: - Running

    /// Runs the plans. Cancelling the calling task (Ctrl-C) stops following but never loses an
    /// accepted request: a submit under way is finished and recorded first.
    public func run(_ plans: [ShotPlan]) async -> RunReport {
        for plan in plans { report(.planned(shot: plan.shot.name, action: plan.action)) }
        let uploads = UploadTable()
        await uploadImages(of: plans.filter { $0.action.submits }.map(\.shot), into: uploads)
        let slots = AsyncSemaphore(permits: concurrency)
        // Shots that need fal take their turns in scene order, so `-j 1` runs them as written.
        var turns = 0
        let outcomes = await withTaskGroup(of: (String, ShotOutcome).self) { group in
            for plan in plans {
                let turn = turns
                if plan.action.needsPermit { turns += 1 }
                group.addTask { (plan.shot.name, await self.render(plan, uploads: uploads, turn: Turn(slots, turn))) }
            }
            var outcomes: [String: ShotOutcome] = [:]
            for await (name, outcome) in group { outcomes[name] = outcome }
            return outcomes
        }
        return RunReport(outcomes: outcomes, submitted: state.withLock { $0.submitted })
    }

    private func render(_ plan: ShotPlan, uploads: UploadTable, turn: Turn) async -> ShotOutcome {
        let name = plan.shot.name
        switch plan.action {
        case .upToDate:
            let path = store.videoPath(name)
            report(.upToDate(shot: name, path: path))
            return .upToDate(path: path)
        case .hold(let reason):
            return held(name, reason)
        case .fetchAgain:
            guard var record = plan.record, let video = record.video else {
                return fail(name, "the record has no video to fetch", remote: false)
            }
            return await download(video, record: &record, stale: false)
        case .resume:
            guard let record = plan.record else { return fail(name, "no record to resume", remote: false) }
            var permit = await Permit(turn)
            guard !Task.isCancelled else { return await permit.interrupted() }
            return await follow(record, plan: plan, permit: &permit)
        case .confirm:
            guard let record = plan.record else { return fail(name, "no record to confirm", remote: false) }
            var permit = await Permit(turn)
            guard !Task.isCancelled else { return await permit.interrupted() }
            return await confirm(record, plan: plan, uploads: uploads, permit: &permit)
        case .submit:
            var permit = await Permit(turn)
            guard !Task.isCancelled else { return await permit.interrupted() }
            return await submit(plan, uploads: uploads, permit: &permit)
        }
    }

    // MARK: - Shared state

    /// Says `text` once per run.
    func notice(_ text: String) {
        let fresh = state.withLock { $0.noticed.insert(text).inserted }
        if fresh { report(.notice(text)) }
    }

    /// Stops new submits for the rest of the run: says the whole `diagnosis` once; each shot held
    /// after it says the short `reason`.
    func stopSubmits(_ reason: String, diagnosis: String) {
        let first = state.withLock { state -> Bool in
            guard state.stopReason == nil else { return false }
            state.stopReason = reason
            return true
        }
        if first { notice(diagnosis + "; no new requests are sent in this run") }
    }

    /// Why new submits are stopped, if they are.
    var stopReason: String? { state.withLock { $0.stopReason } }

    /// Reacts to errors that concern the whole run: a refused key, an unreachable service.
    func noteRunWide(_ error: Error, elapsed: Double? = nil, url: String? = nil) {
        guard let error = error as? FalError else { return }
        if error.isKeyRefused {
            stopSubmits(
                "fal refused the key",
                diagnosis: "fal refused the key in FAL_KEY (\(error)); check it at https://fal.ai/dashboard/keys")
        } else if error.isUnreachable {
            var text = "cannot reach fal"
            if let url { text += " at \(url)" }
            if let elapsed { text += String(format: " (no connection after %.1f s of retries)", elapsed) }
            if case .transport(_, let message) = error { text += ": \(message)" }
            stopSubmits("fal is unreachable", diagnosis: text)
        }
    }

    // MARK: - Outcomes

    func fail(_ shot: String, _ message: String, remote: Bool) -> ShotOutcome {
        report(.failed(shot: shot, message: message, remote: remote))
        return .failed(message: message, remote: remote)
    }

    func held(_ shot: String, _ message: String) -> ShotOutcome {
        report(.held(shot: shot, message: message))
        return .held(message: message)
    }

    func unfinished(_ shot: String, _ message: String) -> ShotOutcome {
        report(.unfinished(shot: shot, message: message))
        return .unfinished(message: message)
    }

    /// A rejection's text, pointing at the scene where fal's `loc` names a field.
    func describe(_ error: Error, shot: CompiledShot) -> String {
        guard case FalError.validation(let issues) = error else { return "\(error)" }
        let fields = issues.map { RejectedField(loc: $0.loc, message: $0.message, type: $0.type) }
        let diagnostics = RejectionLocator(scene: scene, shot: shot).diagnostics(fields)
        return DiagnosticRenderer(sources: sources).render(diagnostics)
    }
}

/// A shot's place in the queue for the run's semaphore.
struct Turn {
    let slots: AsyncSemaphore
    let number: Int

    init(_ slots: AsyncSemaphore, _ number: Int) {
        self.slots = slots
        self.number = number
    }
}

/// A permit of the run's semaphore, returned once.
struct Permit {
    private let slots: AsyncSemaphore
    private var held = true

    /// Waits for the turn's permit.
    init(_ turn: Turn) async {
        self.slots = turn.slots
        await turn.slots.acquire(turn: turn.number)
    }

    /// Returns the permit (again is a no-op).
    mutating func release() async {
        guard held else { return }
        held = false
        await slots.release()
    }

    /// Returns the permit and says the shot was interrupted.
    mutating func interrupted() async -> ShotOutcome {
        await release()
        return .interrupted
    }
}

/// A counting semaphore that grants its permits in turn order: turn 0 first, then 1, and so on,
/// whichever task asks first. Every turn from 0 up must ask once, or later turns wait for ever.
/// Waiting is not cancellable: a cancelled task gets its permit in its turn, sees it was
/// cancelled, and returns it (`Permit`).
actor AsyncSemaphore {
    private var permits: Int
    private var nextTurn = 0
    private var waiting: [Int: CheckedContinuation<Void, Never>] = [:]

    init(permits: Int) { self.permits = permits }

    /// Takes a permit in the given turn, waiting for the turns before it and for a free permit.
    func acquire(turn: Int) async {
        assert(turn >= nextTurn && waiting[turn] == nil, "turn \(turn) asked twice")
        await withCheckedContinuation { continuation in
            waiting[turn] = continuation
            grantWaiting()
        }
    }

    /// Returns a permit, handing it on if the next turn is waiting.
    func release() {
        permits += 1
        grantWaiting()
    }

    private func grantWaiting() {
        while permits > 0, let next = waiting.removeValue(forKey: nextTurn) {
            permits -= 1
            nextTurn += 1
            next.resume()
        }
    }
}

extension ShotAction {
    /// Whether the shot talks to fal, and so waits for one of the run's `-j` permits.
    var needsPermit: Bool {
        switch self {
        case .resume, .confirm, .submit: true
        case .upToDate, .fetchAgain, .hold: false
        }
    }
}
