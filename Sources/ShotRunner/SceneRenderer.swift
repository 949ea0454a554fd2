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
    /// The record found in the output folder, if any.
    public var record: RunRecord?
}

/// Renders a compiled scene on fal (spec section 7): uploads each distinct local image once,
/// submits, follows, fetches and downloads, at most `concurrency` accepted requests unfinished
/// at a time, recording everything in the output folder as it happens.
public final class SceneRenderer: Sendable {
    /// The scene.
    public let scene: CompiledScene
    /// The output folder.
    public let store: RunStore
    /// The scene's files, for pointing rejections at their place.
    public let sources: SourceMap
    private let client: FalClient
    private let concurrency: Int
    private let report: @Sendable (RunEvent) -> Void

    /// A renderer of `scene` into `store` through `client`.
    public init(
        scene: CompiledScene, sources: SourceMap, store: RunStore, client: FalClient,
        concurrency: Int, report: @escaping @Sendable (RunEvent) -> Void
    ) {
        self.scene = scene
        self.sources = sources
        self.store = store
        self.client = client
        self.concurrency = max(1, concurrency)
        self.report = report
    }

    // MARK: - Planning

    /// The content hash of every local file `shots` use, by resolved path.
    public static func hashLocalFiles(of shots: [CompiledShot], in scene: CompiledScene) throws
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

    /// Decides what to do with each shot from its record and video.
    public static func plan(
        _ shots: [CompiledShot], in scene: CompiledScene, store: RunStore, force: Bool
    ) throws -> [ShotPlan] {
        let hashes = try hashLocalFiles(of: shots, in: scene)
        return try shots.map { shot in
            let fingerprint = try fingerprint(of: shot, in: scene, hashes: hashes)
            let record = store.record(shot.name)
            let action: ShotAction
            switch record {
            case nil:
                action = .submit(reason: "new")
            case let record? where record.fingerprint != fingerprint:
                action = .submit(reason: "changed since the last render")
            case let record? where record.state == .submitted:
                // Never submit twice what fal already accepted, even with --force.
                action = .resume(requestID: record.handle.requestID)
            case let record? where record.state == .completed:
                if force {
                    action = .submit(reason: "forced")
                } else if AtomicFile.exists(store.videoPath(shot.name)) {
                    action = .upToDate
                } else if record.video != nil {
                    action = .fetchAgain
                } else {
                    action = .resume(requestID: record.handle.requestID)
                }
            case let record?:
                action = .submit(reason: record.state == .failed ? "failed before" : "cancelled before")
            }
            return ShotPlan(shot: shot, fingerprint: fingerprint, action: action, record: record)
        }
    }

    // MARK: - Running

    /// Runs the plans; returns each shot's outcome in plan order. Cancelling the calling task
    /// (Ctrl-C) stops following but never loses an accepted request: a submit under way is
    /// finished and recorded first.
    public func run(_ plans: [ShotPlan]) async -> RunReport {
        let outcomes = await runPlans(plans)
        return RunReport(outcomes: outcomes, submitted: [])
    }

    private func runPlans(_ plans: [ShotPlan]) async -> [String: ShotOutcome] {
        for plan in plans { report(.planned(shot: plan.shot.name, action: plan.action)) }
        let submitting = plans.filter { if case .submit = $0.action { true } else { false } }
        let urls: [String: String]
        do {
            urls = try await uploadImages(of: submitting.map(\.shot))
        } catch {
            var outcomes: [String: ShotOutcome] = [:]
            let interrupted = Task.isCancelled
            for plan in plans {
                if case .submit = plan.action {
                    let message = "upload failed: \(error)"
                    if !interrupted { report(.failed(shot: plan.shot.name, message: message, remote: false)) }
                    outcomes[plan.shot.name] = interrupted ? .interrupted : .failed(message: message, remote: false)
                }
            }
            let others = plans.filter { outcomes[$0.shot.name] == nil }
            return outcomes.merging(await runAll(others, urls: [:])) { first, _ in first }
        }
        return await runAll(plans, urls: urls)
    }

    private func runAll(_ plans: [ShotPlan], urls: [String: String]) async -> [String: ShotOutcome] {
        let slots = AsyncSemaphore(permits: concurrency)
        return await withTaskGroup(of: (String, ShotOutcome).self) { group in
            for plan in plans {
                group.addTask { (plan.shot.name, await self.render(plan, urls: urls, slots: slots)) }
            }
            var outcomes: [String: ShotOutcome] = [:]
            for await (name, outcome) in group { outcomes[name] = outcome }
            return outcomes
        }
    }

    /// Uploads each distinct local file once, reusing URLs from earlier runs (by content hash).
    private func uploadImages(of shots: [CompiledShot]) async throws -> [String: String] {
        let files = RequestBuilder(scene: scene).localFiles(of: shots)
        guard !files.isEmpty else { return [:] }
        var cache = store.uploadCache()
        let known = cache
        var urls: [String: String] = [:]
        try await withThrowingTaskGroup(of: (String, String, String, Bool).self) { group in
            var pending = files[...]
            func startNext() {
                guard let path = pending.popFirst() else { return }
                group.addTask {
                    let bytes = try LocalFileSystem().read(path)
                    let key = RunStore.uploadCacheKey(
                        cdn: self.client.endpoints.cdn, hash: "sha256:" + hex(SHA256.hash(data: bytes)))
                    if let url = known[key] {
                        self.report(.uploaded(file: path, url: url, cached: true))
                        return (path, key, url, true)
                    }
                    self.report(.uploading(file: path, bytes: bytes.count))
                    let format = ImageProbe.format(of: bytes[...])
                    let name = path.split(separator: "/").last.map(String.init) ?? "image"
                    let url = try await self.client.upload(
                        data: bytes, contentType: format?.mimeType ?? "application/octet-stream",
                        fileName: name)
                    self.report(.uploaded(file: path, url: url, cached: false))
                    return (path, key, url, false)
                }
            }
            for _ in 0..<min(4, files.count) { startNext() }
            while let (path, key, url, cached) = try await group.next() {
                urls[path] = url
                if !cached {
                    cache[key] = url
                    try? store.saveUploadCache(cache)
                }
                startNext()
            }
        }
        return urls
    }

    private func render(_ plan: ShotPlan, urls: [String: String], slots: AsyncSemaphore) async
        -> ShotOutcome
    {
        let name = plan.shot.name
        let videoPath = store.videoPath(name)
        switch plan.action {
        case .upToDate:
            report(.upToDate(shot: name, path: videoPath))
            return .upToDate(path: videoPath)
        case .fetchAgain:
            guard var record = plan.record, let video = record.video else {
                return fail(name, "the record has no video to fetch", remote: false)
            }
            return await download(video.url, size: video.fileSize, record: &record)
        case .hold(let reason):
            report(.held(shot: name, message: reason))
            return .held(message: reason)
        case .resume, .confirm:
            guard let record = plan.record else { return fail(name, "no record to resume", remote: false) }
            guard await slots.acquire() else { return .interrupted }
            return await follow(record, slots: slots)
        case .submit:
            guard await slots.acquire() else { return .interrupted }
            var builder = RequestBuilder(scene: scene)
            let body: JSONValue
            do {
                body = try builder.body(for: plan.shot, images: .urls(urls))
            } catch {
                await slots.release()
                return fail(name, "\(error)", remote: false)
            }
            // The submit and its record are shielded from Ctrl-C: once the request may have
            // reached fal, it must be recorded, or a re-run would pay for it twice.
            let submission = Task { () -> Result<RunRecord, Error> in
                do {
                    let handle = try await client.submit(
                        endpointID: scene.endpointID, body: Array(body.rendered(pretty: false).utf8))
                    let now = timestamp()
                    let record = RunRecord(
                        shot: name, endpoint: scene.endpointID, fingerprint: plan.fingerprint,
                        state: .submitted, handle: handle, body: body, submittedAt: now,
                        updatedAt: now, video: nil, error: nil)
                    try store.save(record)
                    return .success(record)
                } catch {
                    return .failure(error)
                }
            }
            switch await submission.value {
            case .failure(let error):
                await slots.release()
                if Task.isCancelled, !(error is FalError) { return .interrupted }
                return fail(name, describe(error, shot: plan.shot), remote: error.isRemoteRejection)
            case .success(let record):
                report(.submitted(shot: name, requestID: record.handle.requestID))
                if Task.isCancelled {
                    await slots.release()
                    return .interrupted
                }
                return await follow(record, slots: slots)
            }
        }
    }

    /// Follows an accepted request to its end, fetches the result, releases the slot, then
    /// downloads the video.
    private func follow(_ record: RunRecord, slots: AsyncSemaphore) async -> ShotOutcome {
        var record = record
        let name = record.shot
        var released = false
        func releaseOnce() async {
            if !released {
                released = true
                await slots.release()
            }
        }
        do {
            for try await status in client.statusUpdates(record.handle) {
                switch status {
                case .inQueue(let position):
                    report(.queued(shot: name, position: position))
                case .inProgress(let logs):
                    if logs.isEmpty { report(.rendering(shot: name, log: nil)) }
                    for log in logs { report(.rendering(shot: name, log: log.message)) }
                case .completed(let logs, let error, let errorType, _):
                    for log in logs { report(.rendering(shot: name, log: log.message)) }
                    if let error {
                        throw FalError.renderFailed(errorType.map { "\(error) [\($0)]" } ?? error)
                    }
                }
            }
            try Task.checkCancellation()
            let result = try await client.result(record.handle)
            await releaseOnce()
            record.video = RecordedVideo(
                url: result.video.url, fileSize: result.video.fileSize, path: store.videoPath(name))
            try? store.save(record)
            return await download(result.video.url, size: result.video.fileSize, record: &record)
        } catch {
            await releaseOnce()
            if Task.isCancelled { return .interrupted }
            if case FalError.renderFailed(let text) = error {
                record.state = .failed
                record.error = text
                try? store.save(record)
                return fail(name, "\(error)", remote: true)
            }
            if case FalError.http(let status, _, _, _) = error, status >= 400 {
                // The result call answered with an error: the render failed on fal's side.
                record.state = .failed
                record.error = "\(error)"
                try? store.save(record)
                return fail(name, "the render failed on fal: \(error)", remote: true)
            }
            return fail(
                name,
                "\(error); request \(record.handle.requestID) is recorded, run again to resume it",
                remote: false)
        }
    }

    private func download(_ url: String, size: Int?, record: inout RunRecord) async -> ShotOutcome {
        let name = record.shot
        let path = store.videoPath(name)
        report(.downloading(shot: name, bytes: size))
        do {
            try AtomicFile.makeDirectory(store.directory)
            try await client.download(url: url, to: path, expectedSize: size)
        } catch {
            if Task.isCancelled { return .interrupted }
            return fail(name, "download failed: \(error); the render is paid for and recorded, run again to fetch it", remote: false)
        }
        record.state = .completed
        record.error = nil
        try? store.save(record)
        report(.done(shot: name, path: path))
        return .done(path: path)
    }

    private func fail(_ shot: String, _ message: String, remote: Bool) -> ShotOutcome {
        report(.failed(shot: shot, message: message, remote: remote))
        return .failed(message: message, remote: remote)
    }

    /// A rejection's text, pointing at the scene where fal's `loc` names a field.
    private func describe(_ error: Error, shot: CompiledShot) -> String {
        guard case FalError.validation(let issues) = error else { return "\(error)" }
        let fields = issues.map { RejectedField(loc: $0.loc, message: $0.message, type: $0.type) }
        let diagnostics = RejectionLocator(scene: scene, shot: shot).diagnostics(fields)
        return DiagnosticRenderer(sources: sources).render(diagnostics)
    }
}

extension Error {
    /// Whether fal refused the request itself (a 4xx): not worth retrying as it is.
    var isRemoteRejection: Bool {
        switch self as? FalError {
        case .validation?: true
        case .http(let status, _, _, _)?: (400..<500).contains(status)
        default: false
        }
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

/// A counting semaphore for tasks; waiting is cancellable.
actor AsyncSemaphore {
    private var permits: Int
    private var waiters: [CheckedContinuation<Bool, Never>] = []

    init(permits: Int) { self.permits = permits }

    /// Takes a permit, waiting for one; false when the task was cancelled while waiting.
    func acquire() async -> Bool {
        if Task.isCancelled { return false }
        if permits > 0 {
            permits -= 1
            return true
        }
        let granted = await withCheckedContinuation { waiters.append($0) }
        if !granted { return false }
        if Task.isCancelled {
            release()
            return false
        }
        return true
    }

    /// Returns a permit, waking one waiter.
    func release() {
        if waiters.isEmpty {
            permits += 1
        } else {
            waiters.removeFirst().resume(returning: true)
        }
    }
}
