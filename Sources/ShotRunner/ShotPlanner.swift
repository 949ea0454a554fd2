import Crypto
import FalKit
import Foundation
import ShotKit

/// One shot's plan: its fingerprint and what the run does with it.
public struct ShotPlan: Sendable {
    /// The shot.
    public var shot: CompiledShot
    /// sha256 of the endpoint and the body with local files by content hash.
    public var fingerprint: String
    /// What happens to it.
    public var action: ShotAction
    /// This scene's record of the shot, if there is a readable one.
    public var record: RunRecord?
    /// The content hash of each local picture of the shot, by resolved path.
    public var files: [String: String] = [:]
}

/// What a run does with each shot, decided from the shot's fingerprint and what the output
/// folder holds. ``action(shot:fingerprint:stored:ownRecord:videoExists:force:store:)`` is pure; the
/// rules that keep money safe are all in it.
public enum ShotPlanner {
    /// Reads the folder and plans every shot.
    public static func plan(
        _ shots: [CompiledShot], in scene: CompiledScene, store: RunStore, force: Bool
    ) throws -> [ShotPlan] {
        let hashes = try hashLocalFiles(of: shots, in: scene)
        return try shots.map { shot in
            let fingerprint = try fingerprint(of: shot, in: scene, hashes: hashes)
            let stored = store.load(shot.name)
            var own = true
            var record: RunRecord?
            if case .record(let found) = stored {
                own = store.belongsToScene(found)
                record = own ? found : nil
            }
            let action = action(
                shot: shot.name, fingerprint: fingerprint, stored: stored, ownRecord: own,
                videoExists: AtomicFile.exists(store.videoPath(shot.name)), force: force, store: store)
            let files = RequestBuilder(scene: scene).localFiles(of: [shot])
            return ShotPlan(
                shot: shot, fingerprint: fingerprint, action: action, record: record,
                files: Dictionary(files.compactMap { path in hashes[path].map { (path, $0) } }) { first, _ in first })
        }
    }

    /// The action for one shot. Never submits what fal may already have accepted, unless the
    /// writer forces it; never takes another scene's record or video as this scene's.
    public static func action(
        shot: String, fingerprint: String, stored: StoredRecord, ownRecord: Bool, videoExists: Bool, force: Bool,
        store: RunStore
    ) -> ShotAction {
        switch stored {
        case .damaged(let path, let reason):
            if force { return .submit(reason: "forced over the unreadable record '\(path)'") }
            return .hold(
                reason: "its record '\(path)' cannot be read (\(reason)); it may describe a request fal "
                    + "accepted and bills; look at it, then delete it or run with --force to submit again")
        case .none:
            if videoExists && !force {
                return .hold(
                    reason: "'\(store.videoPath(shot))' exists but no record says it is this "
                        + "scene's render; move it away, or run with --force to replace it")
            }
            return .submit(reason: "new")
        case .record(let record) where !ownRecord:
            let owner = record.scene ?? "another scene"
            if record.state == .submitting || record.state == .submitted {
                return .hold(
                    reason:
                        "'\(store.recordPath(record.shot))' belongs to scene '\(owner)', whose request may still be "
                        + "running; render this scene into another folder with -o")
            }
            if force { return .submit(reason: "forced over scene '\(owner)''s record") }
            return .hold(
                reason:
                    "'\(store.recordPath(record.shot))' belongs to scene '\(owner)'; render this scene into another "
                    + "folder with -o, or run with --force to take the name over")
        case .record(let record):
            return action(for: record, fingerprint: fingerprint, videoExists: videoExists, force: force)
        }
    }

    private static func action(
        for record: RunRecord, fingerprint: String, videoExists: Bool, force: Bool
    )
        -> ShotAction
    {
        switch record.state {
        case .submitting:
            if let id = record.requestID { return .confirm(requestID: id) }
            if force { return .submit(reason: "forced; an earlier submit may have been accepted by fal") }
            let when = record.submittedAt.map { " at \($0)" } ?? ""
            return .hold(
                reason: "a request for this shot was sent\(when) and fal's answer was never recorded, so fal may "
                    + "have accepted it (and bill it); look for it in your fal dashboard's requests, then run with "
                    + "--force to submit it again")
        case .submitted:
            guard let handle = record.handle else { return .hold(reason: "its record has no request URLs") }
            if record.fingerprint != fingerprint && force {
                return .submit(
                    reason: "forced; request \(handle.requestID) of the earlier version keeps running on fal")
            }
            // Changed or not, a request fal accepted is followed to its end: it is paid for.
            return .resume(requestID: handle.requestID)
        case .completed:
            if record.fingerprint != fingerprint { return .submit(reason: "changed since the last render") }
            if force { return .submit(reason: "forced") }
            if videoExists { return .upToDate }
            if record.video != nil { return .fetchAgain }
            guard let handle = record.handle else { return .submit(reason: "its record has no video") }
            return .resume(requestID: handle.requestID)
        case .failed:
            return .submit(reason: record.requestID == nil ? "not accepted before" : "failed before")
        case .cancelled:
            return .submit(reason: "cancelled before")
        }
    }

    /// The content hash of every local file `shots` use, by resolved path.
    public static func hashLocalFiles(
        of shots: [CompiledShot], in scene: CompiledScene
    ) throws
        -> [String: String]
    {
        var hashes: [String: String] = [:]
        for path in RequestBuilder(scene: scene).localFiles(of: shots) {
            let bytes = try LocalFileSystem().read(path)
            hashes[path] = "sha256:" + hex(SHA256.hash(data: bytes))
        }
        return hashes
    }

    /// The fingerprint of `shot`: endpoint and body, local files by content hash.
    public static func fingerprint(
        of shot: CompiledShot, in scene: CompiledScene, hashes: [String: String]
    ) throws -> String {
        var builder = RequestBuilder(scene: scene)
        let body = try builder.body(for: shot, images: .hashes(hashes))
        let text = scene.endpointID + "\n" + body.rendered(pretty: false)
        return "sha256:" + hex(SHA256.hash(data: Array(text.utf8)))
    }
}

/// Lowercase hexadecimal of a digest.
func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in digest {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}
