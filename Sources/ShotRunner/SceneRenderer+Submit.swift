import FalKit
import Foundation
import ShotKit

extension SceneRenderer {
    /// Submits a new request for the shot: the record is written and flushed first (nothing is
    /// sent if it cannot be), the request id is recorded the moment fal answers, and a submit that
    /// fal may have accepted is never sent again.
    func submit(_ plan: ShotPlan, uploads: UploadTable, permit: inout Permit) async -> ShotOutcome {
        let name = plan.shot.name
        if let reason = stopReason {
            await permit.release()
            return held(name, reason)
        }
        let files = RequestBuilder(scene: scene).localFiles(of: [plan.shot])
        if let failure = files.lazy.compactMap(uploads.failure).first {
            await permit.release()
            if let reason = stopReason, failure == reason { return held(name, reason) }
            return fail(name, failure, remote: false)
        }
        var retriedUploads = false
        while true {
            let body: JSONValue
            do {
                var builder = RequestBuilder(scene: scene)
                body = try builder.body(for: plan.shot, images: .urls(uploads.urls))
            } catch {
                await permit.release()
                return fail(name, "\(error)", remote: false)
            }
            let hashes = Dictionary(plan.files.map { (store.recordedPath(of: $0.key), $0.value) }) { first, _ in first }
            let record = RunRecord.submitting(
                shot: name, scene: store.sceneReference, endpoint: scene.endpointID, fingerprint: plan.fingerprint,
                files: hashes, body: body)
            do {
                try store.save(record)
            } catch {
                stopSubmits(
                    "run records cannot be written",
                    diagnosis:
                        "cannot write the run record '\(store.recordPath(name))': \(error.reason); nothing was sent for it"
                )
                await permit.release()
                return fail(
                    name, "not submitted: its record cannot be written (\(error.reason)); nothing was sent",
                    remote: false)
            }
            // The submit and its record are shielded from Ctrl-C: once the request may have
            // reached fal, its answer must be recorded, or a re-run would pay for it twice.
            let sending = Task { [record] in await self.send(record) }
            let sent = await sending.value
            switch sent {
            case .accepted(let recorded):
                if Task.isCancelled { return await permit.interrupted() }
                return await follow(recorded, plan: plan, permit: &permit)
            case .rejected(let error):
                // fal could not download an upload an earlier run made: upload it again and
                // submit once more (fal rejected the input; nothing was paid).
                if !retriedUploads, case FalError.validation(let issues) = error,
                    issues.contains(where: { $0.type == "file_download_error" }),
                    files.contains(where: uploads.isFromCache)
                {
                    retriedUploads = true
                    notice("fal could not download an earlier upload of '\(name)'s pictures; uploading them again")
                    if await reupload(files.filter(uploads.isFromCache), into: uploads) { continue }
                }
                await permit.release()
                if let falError = error as? FalError, falError.isKeyRefused || falError.isUnreachable,
                    let reason = stopReason
                {
                    return held(name, reason)
                }
                return fail(name, describe(error, shot: plan.shot), remote: error.isRemoteRejection)
            case .unconfirmed(let message):
                await permit.release()
                return unfinished(name, message)
            }
        }
    }

    /// What became of one submit.
    enum SubmitResult: Sendable {
        /// fal accepted it; the record (saved, or not if the disk refused: the run says so) has the id.
        case accepted(RunRecord)
        /// fal certainly did not accept it; the record says so.
        case rejected(Error)
        /// fal may have accepted it; the record stays "submitting" (with the id, when fal sent one).
        case unconfirmed(String)
    }

    /// Sends the submit for `record` (already saved as "submitting") and records the answer.
    private func send(_ record: RunRecord) async -> SubmitResult {
        var record = record
        let name = record.shot
        let started = Date()
        do {
            let handle = try await client.submit(endpointID: scene.endpointID, body: record.body.bytes(pretty: false))
            record.accept(handle)
            state.withLock { $0.submitted.append(name) }
            report(.submitted(shot: name, requestID: handle.requestID))
            do {
                try store.save(record)
            } catch {
                state.withLock { _ = $0.unrecorded.insert(name) }
                stopSubmits(
                    "run records cannot be written",
                    diagnosis: "cannot write the run record '\(store.recordPath(name))': \(error.reason)")
                notice(
                    "fal accepted request \(handle.requestID) for shot '\(name)', but its record could not be written "
                        + "(\(error.reason)); note the id: 'shotc run' cannot resume it until its record is written")
            }
            return .accepted(record)
        } catch {
            noteRunWide(error, elapsed: Date().timeIntervalSince(started), url: client.endpoints.queue)
            let falError = error as? FalError
            if falError?.submitMayHaveBeenAccepted ?? true {
                return .unconfirmed(unconfirmed(&record, error: error))
            }
            record.notAccepted(because: "\(error)")
            try? store.save(record)
            return .rejected(error)
        }
    }

    /// Records a submit fal may have accepted and says what happens next.
    private func unconfirmed(_ record: inout RunRecord, error: Error) -> String {
        let name = record.shot
        if case FalError.http(_, _, _, let id?)? = error as? FalError,
            QueueHandle.forRequest(id, endpointID: record.endpoint, queue: client.endpoints.queue) != nil
        {
            record.acceptedPerhaps(requestID: id, because: "\(error)")
            try? store.save(record)
            return "\(error): fal may have accepted request \(id); it is recorded, and the next run asks fal about it "
                + "instead of submitting again"
        }
        record.error = "\(error)"
        try? store.save(record)
        return "\(error), after the request was sent: fal may have accepted it (and bill it); shotc does not submit "
            + "it again by itself: look for it in your fal dashboard's requests, then run with --force --shot \(name) "
            + "to submit it again"
    }

    /// Asks fal about a request id from an error reply: follows it if fal knows it, submits anew if
    /// fal answers that it does not know it.
    func confirm(
        _ record: RunRecord, plan: ShotPlan, uploads: UploadTable, permit: inout Permit
    ) async
        -> ShotOutcome
    {
        let name = plan.shot.name
        guard let id = record.requestID,
            let handle = record.handle
                ?? QueueHandle.forRequest(id, endpointID: record.endpoint, queue: client.endpoints.queue)
        else {
            await permit.release()
            return held(name, "its record names no request fal can be asked about; run with --force to submit again")
        }
        do {
            _ = try await client.status(handle, logs: false)
        } catch FalError.http(404, _, _, _) {
            // fal does not know it: it never accepted that submit.
            var updated = record
            updated.notAccepted(because: "fal does not know request \(id)")
            try? store.save(updated)
            return await submit(plan, uploads: uploads, permit: &permit)
        } catch {
            await permit.release()
            if Task.isCancelled { return .interrupted }
            noteRunWide(error)
            return unfinished(name, "cannot ask fal about request \(id): \(error); it stays recorded, run again")
        }
        var accepted = record
        accepted.accept(handle)
        try? store.save(accepted)
        return await follow(accepted, plan: plan, permit: &permit)
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
