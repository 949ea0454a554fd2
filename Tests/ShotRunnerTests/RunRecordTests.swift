// Run records and planning without a network: the rules that keep a writer's money safe.
import FalKit
import Foundation
import ShotKit
import Testing

@testable import ShotRunner

private let handle = QueueHandle(
    requestID: "req-1", statusURL: "https://queue.fal.run/fal-ai/kling-video/requests/req-1/status",
    responseURL: "https://queue.fal.run/fal-ai/kling-video/requests/req-1",
    cancelURL: "https://queue.fal.run/fal-ai/kling-video/requests/req-1/cancel")
private let body: JSONValue = .object([
    ("prompt", .string("A slow orbit around @Element1, \"quoted\" — ünïcode ✓")),
    ("image_urls", .array([.string("https://example.com/a.png")])), ("duration", .string("5")),
])

private func record(_ state: RecordState, fingerprint: String = "sha256:aa") -> RunRecord {
    var record = RunRecord.submitting(
        shot: "orbit", scene: "../../scene.shot", endpoint: "fal-ai/kling-video/o1/standard/reference-to-video",
        fingerprint: fingerprint, files: ["../../refs/mara.png": "sha256:bb", "../../refs/a b.png": "sha256:cc"],
        body: body)
    switch state {
    case .submitting: break
    case .submitted: record.accept(handle)
    case .completed:
        record.accept(handle)
        record.finished(video: RecordedVideo(url: "https://v3.fal.media/x.mp4", fileSize: 1818, path: "r/orbit.mp4"))
        record.downloaded()
    case .failed:
        record.accept(handle)
        record.fail("the render failed on fal: boom")
    case .cancelled:
        record.accept(handle)
        record.cancel()
    }
    return record
}

@Suite struct RunRecordTests {
    @Test(arguments: [RecordState.submitting, .submitted, .completed, .failed, .cancelled])
    func aRecordRoundTripsByteForByte(state: RecordState) throws {
        var original = record(state)
        if state == .submitting { original.acceptedPerhaps(requestID: "req-9", because: "HTTP 500") }
        let bytes = original.json.bytes(pretty: true)
        let read = try RunRecord.parse(bytes)
        #expect(read == original)
        #expect(read.json.bytes(pretty: true) == bytes)
        #expect(read.body == body, "the body as sent survives reading")
    }

    @Test func damagedRecordsAreErrorsNotNil() {
        let good = record(.submitted).json.bytes(pretty: true)
        for bad in [
            Array(good.prefix(good.count / 2)), Array("[]".utf8), Array(#"{"shot":"x"}"#.utf8),
            Array(#"{"shot":"x","endpoint":"e","fingerprint":"f","state":"submitted"}"#.utf8),
            Array(#"{"shot":"x","endpoint":"e","fingerprint":"f","state":"paused"}"#.utf8),
        ] {
            #expect(throws: RunRecord.ParseError.self) { try RunRecord.parse(bad) }
        }
    }

    @Test func theStoreTellsAMissingRecordFromADamagedOne() throws {
        let folder = NSTemporaryDirectory() + "shotc-store-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = RunStore(directory: folder, scenePath: folder + "/../scene.shot")
        guard case .none = store.load("orbit") else { Issue.record("expected no record"); return }
        try store.save(record(.submitted))
        guard case .record(let read) = store.load("orbit") else { Issue.record("expected a record"); return }
        #expect(read.requestID == "req-1")
        try Data("{\"shot\":".utf8).write(to: URL(fileURLWithPath: store.recordPath("orbit")))
        guard case .damaged(let path, _) = store.load("orbit") else {
            Issue.record("expected a damaged record"); return
        }
        #expect(path == store.recordPath("orbit"))
        #expect(store.damagedRecords().count == 1)
    }

    @Test func recordsNameTheirSceneRelativeToTheFolder() {
        let store = RunStore(directory: "/p/scenes/renders/greenhouse", scenePath: "/p/scenes/greenhouse.shot")
        #expect(store.sceneReference == "../../greenhouse.shot")
        var mine = record(.completed)
        mine.scene = "../../greenhouse.yaml"
        #expect(store.belongsToScene(mine), "the YAML form of a scene shares its renders")
        mine.scene = "../../other.shot"
        #expect(!store.belongsToScene(mine))
        mine.scene = nil
        #expect(store.belongsToScene(mine), "records from before scenes were named are taken as this scene's")
        #expect(RunStore.defaultDirectory(forScene: "scenes/greenhouse.yaml") == "scenes/renders/greenhouse")
        #expect(RunStore.defaultDirectory(forScene: "x.shot") == "renders/x")
        #expect(RunStore.relativePath(from: "/a/b", to: "/a/b") == ".")
        #expect(RunStore.relativePath(from: "/a/b/c", to: "/a/x.shot") == "../../x.shot")
    }
}

@Suite struct ShotPlannerTests {
    private let store = RunStore(directory: "/p/renders/scene", scenePath: "/p/scene.shot")

    private func action(
        _ stored: StoredRecord, fingerprint: String = "sha256:aa", own: Bool = true, video: Bool = false,
        force: Bool = false
    ) -> ShotAction {
        ShotPlanner.action(
            shot: "orbit", fingerprint: fingerprint, stored: stored, ownRecord: own, videoExists: video, force: force,
            store: store)
    }

    private func isHold(_ action: ShotAction) -> Bool {
        if case .hold = action { return true }
        return false
    }

    private func isSubmit(_ action: ShotAction) -> Bool {
        if case .submit = action { return true }
        return false
    }

    @Test func whatFalMayHaveAcceptedIsNeverSubmittedWithoutForce() {
        #expect(isHold(action(.record(record(.submitting)))))
        #expect(isHold(action(.record(record(.submitting)), fingerprint: "sha256:changed")))
        #expect(isSubmit(action(.record(record(.submitting)), force: true)))
        var withID = record(.submitting)
        withID.acceptedPerhaps(requestID: "req-9", because: "HTTP 500")
        #expect(action(.record(withID)) == .confirm(requestID: "req-9"))
        #expect(action(.record(withID), force: true) == .confirm(requestID: "req-9"), "fal is asked first, even forced")
    }

    @Test func anAcceptedRequestIsFollowedNotPaidAgain() {
        #expect(action(.record(record(.submitted))) == .resume(requestID: "req-1"))
        #expect(action(.record(record(.submitted)), force: true) == .resume(requestID: "req-1"))
        // Changed since: the paid request is still followed to its end (its video is kept).
        #expect(action(.record(record(.submitted)), fingerprint: "sha256:bb") == .resume(requestID: "req-1"))
        #expect(isSubmit(action(.record(record(.submitted)), fingerprint: "sha256:bb", force: true)))
    }

    @Test func finishedRendersAreSkippedFetchedOrRenderedAgain() {
        #expect(action(.record(record(.completed)), video: true) == .upToDate)
        #expect(action(.record(record(.completed)), video: false) == .fetchAgain)
        #expect(
            action(.record(record(.completed)), fingerprint: "sha256:bb", video: true)
                == .submit(reason: "changed since the last render"))
        #expect(action(.record(record(.completed)), video: true, force: true) == .submit(reason: "forced"))
        #expect(isSubmit(action(.record(record(.failed)))))
        #expect(isSubmit(action(.record(record(.cancelled)))))
    }

    @Test func damagedForeignAndUnrecordedFilesAreHeld() {
        #expect(isHold(action(.damaged(path: "/p/renders/scene/orbit.run.json", reason: "not JSON"))))
        #expect(isSubmit(action(.damaged(path: "/p/renders/scene/orbit.run.json", reason: "not JSON"), force: true)))
        #expect(isHold(action(.record(record(.completed)), own: false)))
        #expect(isSubmit(action(.record(record(.completed)), own: false, force: true)))
        #expect(isHold(action(.record(record(.submitted)), own: false, force: true)), "another scene's running request")
        #expect(isHold(action(.none, video: true)), "a video no record explains")
        #expect(action(.none) == .submit(reason: "new"))
    }

    @Test func patienceRunsFromTheFirstFailureAndResetsOnSuccess() {
        var patience = Patience(seconds: 10)
        let start = Date()
        #expect(patience.failed(now: start) == 10)
        #expect(patience.failed(now: start.addingTimeInterval(4)) == 6)
        #expect(patience.failed(now: start.addingTimeInterval(10)) == nil)
        patience.succeeded()
        #expect(patience.failed(now: start.addingTimeInterval(11)) == 10)
        var none = Patience(seconds: 0)
        #expect(none.failed(now: start) == nil)
    }
}
