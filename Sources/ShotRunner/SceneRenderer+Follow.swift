import FalKit
import Foundation
import ShotKit

extension SceneRenderer {
    /// Follows an accepted request to its end, fetches the result, returns the permit, then
    /// downloads the video. Only fal's word fails the render (a COMPLETED status with `error`, or a
    /// result call refusing with a 4xx); everything else (outages, refused calls) leaves the request
    /// recorded as submitted for a later run, once ``followPatience`` is spent.
    func follow(_ record: RunRecord, plan: ShotPlan, permit: inout Permit) async -> ShotOutcome {
        var record = record
        let name = record.shot
        guard let handle = record.handle else {
            await permit.release()
            return held(name, "its record has no request URLs to follow")
        }
        var patience = Patience(seconds: followPatience)
        var renderError: String?
        // Follow the status to COMPLETED.
        while true {
            do {
                for try await status in client.statusUpdates(handle) {
                    patience.succeeded()
                    switch status {
                    case .inQueue(let position):
                        report(.queued(shot: name, position: position))
                    case .inProgress(let logs):
                        if logs.isEmpty { report(.rendering(shot: name, log: nil)) }
                        for log in logs { report(.rendering(shot: name, log: log.message)) }
                    case .completed(let logs, let error, let errorType, _):
                        for log in logs { report(.rendering(shot: name, log: log.message)) }
                        if let error { renderError = errorType.map { "\(error) [\($0)]" } ?? error }
                    }
                }
                try Task.checkCancellation()
                break
            } catch {
                if Task.isCancelled { return await permit.interrupted() }
                if let outcome = await giveUp(on: error, record: record, patience: &patience, permit: &permit) {
                    return outcome
                }
            }
        }
        if let renderError {
            // fal declared the render failed; its result carries the detail, as fal's clients read it.
            var message = "the render failed on fal: \(renderError)"
            do {
                _ = try await client.result(handle, retrying: false)
            } catch let error as FalError {
                if case .validation = error {
                    message = describe(error, shot: plan.shot)
                } else if case .http(_, let detail, _, _) = error, !detail.isEmpty, detail != renderError {
                    message += " (\(detail))"
                }
            } catch {}
            await permit.release()
            record.fail(message)
            try? store.save(record)
            return fail(name, message, remote: true)
        }
        // Fetch the result.
        let result: FalResult
        while true {
            do {
                result = try await client.result(handle)
                break
            } catch {
                if Task.isCancelled { return await permit.interrupted() }
                if let falError = error as? FalError, falError.isRejectionAtResult {
                    await permit.release()
                    let message = describe(falError, shot: plan.shot)
                    record.fail(message)
                    try? store.save(record)
                    return fail(name, message, remote: true)
                }
                if let outcome = await giveUp(on: error, record: record, patience: &patience, permit: &permit) {
                    return outcome
                }
            }
        }
        await permit.release()
        let video = RecordedVideo(url: result.video.url, fileSize: result.video.fileSize, path: store.videoPath(name))
        record.finished(video: video)
        try? store.save(record)
        return await download(video, record: &record, stale: record.fingerprint != plan.fingerprint)
    }

    /// Decides whether following gives up after `error`: nil to try again (after a pause), or the
    /// outcome. A refused key gives up at once; fal not knowing the request too; anything else
    /// once the patience is spent.
    private func giveUp(
        on error: Error, record: RunRecord, patience: inout Patience, permit: inout Permit
    ) async
        -> ShotOutcome?
    {
        let name = record.shot
        let id = record.requestID ?? "?"
        let advice =
            "request \(id) stays recorded: the render may still finish on fal, and running the same command again picks it up"
        if let falError = error as? FalError {
            if case .untrustedHost = falError {
                await permit.release()
                return unfinished(
                    name,
                    "\(falError); its record '\(store.recordPath(name))' names a host that is not fal's: restore the "
                        + "record, or run with --force --shot \(name) to render it again")
            }
            if falError.isKeyRefused {
                noteRunWide(falError)
                await permit.release()
                return unfinished(name, "fal refused the key while following; \(advice)")
            }
            if case .http(404, _, _, _) = falError {
                await permit.release()
                return unfinished(
                    name,
                    "fal does not know request \(id) (HTTP 404); it stays recorded; run with --force --shot \(name) to render it again"
                )
            }
        }
        guard let remaining = patience.failed() else {
            await permit.release()
            return unfinished(name, "could not follow it for \(Int(followPatience)) s (\(error)); \(advice)")
        }
        do {
            try await client.retryPolicy.sleep(min(remaining, client.retryPolicy.delay(beforeRetry: patience.failures)))
        } catch {
            return await permit.interrupted()
        }
        return nil
    }

    /// Downloads the finished video into place and completes the record. `stale`: the video is
    /// of an earlier version of the shot (a request accepted before the shot changed).
    func download(_ video: RecordedVideo, record: inout RunRecord, stale: Bool) async -> ShotOutcome {
        let name = record.shot
        let path = store.videoPath(name)
        report(.downloading(shot: name, bytes: video.fileSize))
        do {
            try AtomicFile.makeDirectory(store.directory)
            try await client.download(url: video.url, to: path, expectedSize: video.fileSize)
        } catch {
            if Task.isCancelled { return .interrupted }
            return unfinished(
                name, "download failed: \(error); the render is paid for and recorded, run again to fetch it")
        }
        record.downloaded()
        var saved = true
        do {
            try store.save(record)
        } catch {
            saved = false
            notice("cannot update the record '\(store.recordPath(name))': \(error.reason)")
        }
        report(.done(shot: name, path: path))
        if state.withLock({ $0.unrecorded.contains(name) }) {
            // The run must not end as if all were well: for a while, a paid request had no record.
            return unfinished(
                name,
                "the video is saved, but the record of request \(record.requestID ?? "?") could not be written when fal "
                    + "accepted it" + (saved ? " (it is written now)" : " and still cannot be; keep the request id"))
        }
        if stale {
            return unfinished(
                name,
                "saved the render of the earlier version of this shot (request \(record.requestID ?? "?")); run again to render the changed shot"
            )
        }
        return .done(path: path)
    }
}

/// How long following may keep failing: the first failure starts the clock, any success stops it.
struct Patience {
    let seconds: Double
    private var failingSince: Date?
    /// Failures in a row.
    private(set) var failures = 0

    init(seconds: Double) { self.seconds = seconds }

    mutating func succeeded() {
        failingSince = nil
        failures = 0
    }

    /// Notes a failure; the seconds of patience left, or nil when it is spent.
    mutating func failed(now: Date = Date()) -> Double? {
        let since = failingSince ?? now
        failingSince = since
        failures += 1
        let elapsed = now.timeIntervalSince(since)
        guard elapsed < seconds else { return nil }
        return seconds - elapsed
    }
}

extension FalError {
    /// Whether a result call's error is fal rejecting the request (the render's failure), not a
    /// problem reaching it: a 422, or another 4xx with fal's error body, except a refused key (401,
    /// 403), an unknown request (404), and the transient 408, 409 and 429.
    var isRejectionAtResult: Bool {
        switch self {
        case .validation: return true
        case .http(let status, _, _, _):
            return (400..<500).contains(status) && ![401, 403, 404, 408, 409, 429].contains(status)
        default: return false
        }
    }
}
