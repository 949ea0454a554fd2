import Foundation
import ShotKit

/// Where a shot's render stands, for `shotc status` and the storyboard: read from the run records
/// and the scene, nothing sent.
public enum RenderState: String, Sendable, CaseIterable {
    /// The video exists and matches the shot.
    case upToDate = "up-to-date"
    /// A render exists (or is recorded) but the shot changed since.
    case stale
    /// fal accepted a request that has not finished, or may have accepted one.
    case submitted
    /// fal rejected the input or declared the render failed (or the request was never accepted).
    case failed
    /// Never rendered (or cancelled).
    case new
    /// The output folder holds something the run will not touch without `--force`.
    case held

    /// How people read it: `up to date`, `never rendered`, ...
    public var label: String {
        switch self {
        case .upToDate: "up to date"
        case .stale: "stale"
        case .submitted: "submitted, not finished"
        case .failed: "failed"
        case .new: "never rendered"
        case .held: "held"
        }
    }
}

/// A shot's render state and why.
public struct ShotStatus: Sendable {
    /// The shot.
    public var shot: String
    /// Its state.
    public var state: RenderState
    /// Why, in words (`its prompt changed`, fal's error, the hold's reason); empty when up to date.
    public var reasons: [String]
    /// The request involved, if any.
    public var requestID: String?
    /// When that request was sent (ISO 8601).
    public var submittedAt: String?
    /// The video, when one is saved.
    public var videoPath: String?
    /// Whether the next `shotc run` submits (and pays for) a new request for this shot.
    public var nextRunSubmits: Bool
}

extension ShotStatus {
    /// The status of `plan` (from ``ShotPlanner/plan(_:in:store:force:)``) of `scene`, whose
    /// semantic model `model` names the declaration of each picture.
    public init(plan: ShotPlan, scene: CompiledScene, model: SemanticModel, store: RunStore) {
        shot = plan.shot.name
        requestID = plan.record?.requestID
        submittedAt = plan.record?.submittedAt
        let video = store.videoPath(plan.shot.name)
        videoPath = AtomicFile.exists(video) ? video : nil
        nextRunSubmits = plan.action.submits
        switch plan.action {
        case .upToDate:
            state = .upToDate
            reasons = []
        case .fetchAgain:
            state = .upToDate
            reasons = ["the video file is missing; the next run downloads it again (already paid)"]
        case .resume(let id):
            state = .submitted
            reasons = ["request \(id) is not finished"]
            if let record = plan.record, record.fingerprint != plan.fingerprint {
                reasons.append(
                    "it renders an earlier version: "
                        + Self.changes(plan, record, scene, model, store).joined(separator: "; ")
                )
            }
        case .confirm(let id):
            state = .submitted
            reasons = ["fal answered request \(id) with an error, so it may have been accepted; the next run asks fal"]
        case .hold(let reason):
            state = .held
            reasons = [reason]
        case .submit:
            guard let record = plan.record else {
                state = .new
                reasons = ["never rendered"]
                return
            }
            switch record.state {
            case .failed:
                state = .failed
                reasons = [record.error ?? "failed"]
            case .cancelled:
                state = .new
                reasons = ["cancelled before"]
            case .completed where record.fingerprint != plan.fingerprint:
                state = .stale
                reasons = Self.changes(plan, record, scene, model, store)
            default:
                // Forced, or an unconfirmed submit forced: status never forces.
                state = .new
                reasons = [plan.action.summary]
            }
        }
    }

    /// What differs between the recorded request and the shot now.
    static func changes(
        _ plan: ShotPlan, _ record: RunRecord, _ scene: CompiledScene, _ model: SemanticModel, _ store: RunStore
    ) -> [String] {
        var reasons: [String] = []
        if record.endpoint != scene.endpointID {
            reasons.append("the model changed (\(record.endpoint) → \(scene.endpointID))")
        }
        var builder = RequestBuilder(scene: scene)
        let now = try? builder.body(for: plan.shot, images: .hashes(plan.files))
        func field(_ key: String) -> (then: String?, now: String?) {
            (record.body[key]?.stringValue, now?[key]?.stringValue)
        }
        if field("prompt").then != field("prompt").now { reasons.append("its prompt changed") }
        let duration = field("duration")
        if duration.then != duration.now {
            reasons.append("its duration changed (\(duration.then ?? "?") s → \(duration.now ?? "?") s)")
        }
        let aspect = field("aspect_ratio")
        if aspect.then != aspect.now {
            reasons.append("its aspect ratio changed (\(aspect.then ?? "?") → \(aspect.now ?? "?"))")
        }
        for (path, hash) in plan.files.sorted(by: { $0.key < $1.key }) {
            let recorded = record.files[store.recordedPath(of: path)]
            if let recorded, recorded != hash {
                let owner = Self.owner(of: path, in: model).map { " (\($0))" } ?? ""
                reasons.append("the bytes of '\(path)'\(owner) changed")
            }
        }
        // Otherwise the pictures it sends changed: others, or in another order.
        if reasons.isEmpty { reasons.append("its pictures changed") }
        return reasons
    }

    /// The declaration a local picture belongs to: `mara's front`, `one of mara's angles`,
    /// `ruin`; the first that reads the file at `path` (resolved, as the plan's files are).
    static func owner(of path: String, in model: SemanticModel) -> String? {
        guard let (index, picture) = model.pictures(readingFile: path).first else { return nil }
        let declaration = model.declarations[index]
        switch declaration.pictures[picture].role {
        case .front: return "\(declaration.name)'s front"
        case .reference: return "one of \(declaration.name)'s angles"
        case .image: return declaration.name
        }
    }
}
