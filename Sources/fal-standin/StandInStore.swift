import Foundation

/// What `--state-dir DIR` keeps across restarts: every accepted request (with its timeline and fault outcome),
/// every uploaded file, the CDN tokens handed out, legacy uploads waiting for their PUT, and the upload counter.
/// Real fal never forgets an accepted request; with a state folder, neither does a killed and restarted stand-in.
///
/// Layout: `DIR/requests/{id}.json` (one per request), `DIR/files/{hex of the path}.json` (path, content type,
/// base64 bytes), `DIR/state.json` (counter, tokens, pending uploads). Each file is replaced atomically
/// (written beside, then renamed), so a stand-in killed mid-write leaves the previous version.
/// Faults, outages and counts are not kept: a restart starts with none.
struct StandInStore: Sendable {
    /// The folder given with `--state-dir`.
    let directory: URL

    /// Why the state folder cannot be used.
    struct StoreError: Error, CustomStringConvertible {
        /// A sentence for stderr.
        var description: String
    }

    /// A store in `path`, creating the folder and its `requests/` and `files/` subfolders when missing.
    init(path: String) throws(StoreError) {
        directory = URL(fileURLWithPath: path, isDirectory: true)
        do {
            for sub in ["requests", "files"] {
                try FileManager.default.createDirectory(
                    at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
        } catch {
            throw StoreError(description: "cannot create the state folder \(path): \(error.localizedDescription)")
        }
    }

    /// Reads everything kept in the folder into a fresh state; files that cannot be read are skipped
    /// and named in the returned warnings.
    func load() -> (state: StandInState, warnings: [String]) {
        var state = StandInState()
        var warnings: [String] = []
        let now = ContinuousClock.now
        let nowDate = Date()
        for url in entries(in: "requests") {
            guard let json = read(url), let job = RenderJob(json: json, now: now, nowDate: nowDate) else {
                warnings.append("skipped unreadable request file \(url.path)")
                continue
            }
            state.jobs[job.id] = job
        }
        for url in entries(in: "files") {
            guard let json = read(url), let path = json["path"]?.stringValue,
                let contentType = json["content_type"]?.stringValue,
                let encoded = json["bytes_base64"]?.stringValue, let data = Data(base64Encoded: encoded)
            else {
                warnings.append("skipped unreadable file record \(url.path)")
                continue
            }
            state.files[path] = StoredFile(bytes: Array(data), contentType: contentType)
        }
        let stateURL = directory.appendingPathComponent("state.json")
        if FileManager.default.fileExists(atPath: stateURL.path) {
            if let json = read(stateURL) {
                state.nextUploadNumber = max(1, json["next_upload_number"]?.integerValue ?? 1)
                state.cdnTokens = Set((json["cdn_tokens"]?.arrayValue ?? []).compactMap(\.stringValue))
                for (uploadID, pending) in json["pending_uploads"]?.objectValue ?? [:] {
                    if let filePath = pending["file_path"]?.stringValue,
                        let contentType = pending["content_type"]?.stringValue
                    {
                        state.pendingUploads[uploadID] = PendingUpload(filePath: filePath, contentType: contentType)
                    }
                }
            } else {
                warnings.append("skipped unreadable \(stateURL.path)")
            }
        }
        return (state, warnings)
    }

    /// Keeps `job` (after submit and after a cancel).
    func save(_ job: RenderJob) {
        write(job.json, to: requestURL(job.id))
    }

    /// Forgets every request (`POST /_standin/reset`).
    func removeAllRequests() {
        for url in entries(in: "requests") { try? FileManager.default.removeItem(at: url) }
    }

    /// Keeps an uploaded file.
    func save(file: StoredFile, at path: String) {
        let json: JSON = [
            "path": .string(path), "content_type": .string(file.contentType),
            "bytes_base64": .string(Data(file.bytes).base64EncodedString()),
        ]
        let name = path.utf8.map { String(format: "%02x", $0) }.joined()
        write(json, to: directory.appendingPathComponent("files/\(name).json"))
    }

    /// Keeps the upload counter, the CDN tokens and the legacy uploads waiting for their PUT.
    func saveCounters(of state: StandInState) {
        var pending: [String: JSON] = [:]
        for (uploadID, upload) in state.pendingUploads {
            pending[uploadID] = ["file_path": .string(upload.filePath), "content_type": .string(upload.contentType)]
        }
        let json: JSON = [
            "next_upload_number": .integer(state.nextUploadNumber),
            "cdn_tokens": .array(state.cdnTokens.sorted().map(JSON.string)),
            "pending_uploads": .object(pending),
        ]
        write(json, to: directory.appendingPathComponent("state.json"))
    }

    private func requestURL(_ id: String) -> URL {
        // Request ids are lowercase UUIDs, safe as file names.
        directory.appendingPathComponent("requests/\(id).json")
    }

    private func entries(in sub: String) -> [URL] {
        let folder = directory.appendingPathComponent(sub)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { folder.appendingPathComponent($0) }
    }

    private func read(_ url: URL) -> JSON? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return JSON.parse(Array(data))
    }

    /// Replaces `url` atomically; a failure is reported on stderr (the stand-in has no other log) and the
    /// server goes on, as the state in memory is still right.
    private func write(_ json: JSON, to url: URL) {
        do {
            try Data(json.serializedBytes).write(to: url, options: .atomic)
        } catch {
            FileHandle.standardError.write(
                Data("fal-standin: cannot write \(url.path): \(error.localizedDescription)\n".utf8))
        }
    }
}
