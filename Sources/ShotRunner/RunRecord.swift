import FalKit
import Foundation
import ShotKit

/// Where a shot's render stands, as recorded in `DIR/NAME.run.json`.
public enum RecordState: String, Sendable {
    /// fal accepted the request; it has not finished (or its end was not seen).
    case submitted
    /// The render finished and the video was downloaded.
    case completed
    /// The render failed on fal's side; a later run submits it again.
    case failed
    /// `shotc cancel` asked fal to stop it.
    case cancelled
}

/// The video a finished render produced.
public struct RecordedVideo: Sendable, Equatable {
    /// Where fal serves it (kept so a lost file can be fetched again without paying).
    public var url: String
    /// Its size as fal announced it.
    public var fileSize: Int?
    /// Where it was saved.
    public var path: String
}

/// `DIR/NAME.run.json`: written atomically as soon as fal accepts a request and updated to the
/// end, so an interrupted run loses nothing and never pays twice.
public struct RunRecord: Sendable {
    /// The shot's name.
    public var shot: String
    /// The endpoint the request went to.
    public var endpoint: String
    /// The fingerprint of endpoint and body (local files by content hash).
    public var fingerprint: String
    /// Where the render stands.
    public var state: RecordState
    /// fal's request id and the URLs it returned.
    public var handle: QueueHandle
    /// The body as sent.
    public var body: JSONValue
    /// When fal accepted it (ISO 8601).
    public var submittedAt: String
    /// When the record was last written (``RunStore/save(_:)`` sets it).
    public var updatedAt: String
    /// The video, once the result was fetched.
    public var video: RecordedVideo?
    /// fal's error text, for failed renders.
    public var error: String?

    /// The record as JSON, keys in a fixed order.
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [
            ("shot", .string(shot)), ("endpoint", .string(endpoint)),
            ("fingerprint", .string(fingerprint)), ("state", .string(state.rawValue)),
            ("request_id", .string(handle.requestID)), ("status_url", .string(handle.statusURL)),
            ("response_url", .string(handle.responseURL)), ("cancel_url", .string(handle.cancelURL)),
            ("submitted_at", .string(submittedAt)), ("updated_at", .string(updatedAt)),
        ]
        if let video {
            var videoFields: [(String, JSONValue)] = [("url", .string(video.url))]
            if let size = video.fileSize { videoFields.append(("file_size", .int(size))) }
            videoFields.append(("path", .string(video.path)))
            fields.append(("video", .object(videoFields)))
        }
        if let error { fields.append(("error", .string(error))) }
        fields.append(("body", body))
        return .object(fields)
    }

    /// Reads a record written by ``json``; nil for anything else (a foreign or damaged file).
    public static func parse(_ bytes: [UInt8]) -> RunRecord? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let shot = object["shot"] as? String, let endpoint = object["endpoint"] as? String,
            let fingerprint = object["fingerprint"] as? String,
            let state = (object["state"] as? String).flatMap(RecordState.init(rawValue:)),
            let requestID = object["request_id"] as? String,
            let statusURL = object["status_url"] as? String,
            let responseURL = object["response_url"] as? String,
            let cancelURL = object["cancel_url"] as? String
        else { return nil }
        var video: RecordedVideo? = nil
        if let entry = object["video"] as? [String: Any], let url = entry["url"] as? String,
            let path = entry["path"] as? String
        {
            video = RecordedVideo(url: url, fileSize: entry["file_size"] as? Int, path: path)
        }
        return RunRecord(
            shot: shot, endpoint: endpoint, fingerprint: fingerprint, state: state,
            handle: QueueHandle(
                requestID: requestID, statusURL: statusURL, responseURL: responseURL,
                cancelURL: cancelURL),
            body: .null, submittedAt: object["submitted_at"] as? String ?? "",
            updatedAt: object["updated_at"] as? String ?? "", video: video,
            error: object["error"] as? String)
    }
}

/// The output folder of a scene's renders: videos, records and the upload cache.
public struct RunStore: Sendable {
    /// The folder.
    public let directory: String

    /// The store in `directory`.
    public init(directory: String) { self.directory = directory }

    /// The scene's name: its file name without the extension (`greenhouse` for
    /// `scenes/greenhouse.shot` and `scenes/greenhouse.yaml` alike).
    public static func sceneName(of scenePath: String) -> String {
        let file = scenePath.split(separator: "/").last.map(String.init) ?? scenePath
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
        return String(file[..<dot])
    }

    /// The default output folder of a scene: `renders/SCENE/` beside the scene file, so the
    /// `.shot` and YAML forms of a scene share their renders and two scenes never do.
    public static func defaultDirectory(forScene scenePath: String) -> String {
        Path.join(Path.join(Path.directory(of: scenePath), "renders"), sceneName(of: scenePath))
    }

    /// `DIR/NAME.mp4`.
    public func videoPath(_ shot: String) -> String { Path.join(directory, shot + ".mp4") }
    /// `DIR/NAME.run.json`.
    public func recordPath(_ shot: String) -> String { Path.join(directory, shot + ".run.json") }
    /// `DIR/.shotc-uploads.json`.
    public var uploadCachePath: String { Path.join(directory, ".shotc-uploads.json") }

    /// The record of `shot`, if there is a readable one.
    public func record(_ shot: String) -> RunRecord? {
        guard let bytes = try? LocalFileSystem().read(recordPath(shot)), var record = RunRecord.parse(bytes)
        else { return nil }
        if record.shot != shot { record.shot = shot }
        return record
    }

    /// Every record in the folder, by shot name.
    public func allRecords() -> [RunRecord] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.sorted().filter { $0.hasSuffix(".run.json") }.compactMap { name in
            record(String(name.dropLast(".run.json".count)))
        }
    }

    /// Writes `record` atomically, stamping ``RunRecord/updatedAt`` with the time of writing.
    public func save(_ record: RunRecord) throws {
        var record = record
        record.updatedAt = timestamp()
        try AtomicFile.makeDirectory(directory)
        try AtomicFile.write(record.json.bytes(pretty: true) + [0x0A], to: recordPath(record.shot))
    }

    /// The upload cache's key for a file with content hash `hash` (`sha256:…`) stored at `cdn`:
    /// a URL from one storage host is never reused for another.
    public static func uploadCacheKey(cdn: String, hash: String) -> String { cdn + " " + hash }

    /// The upload cache: fal URL by ``uploadCacheKey(cdn:hash:)``.
    public func uploadCache() -> [String: String] {
        guard let bytes = try? LocalFileSystem().read(uploadCachePath),
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String]
        else { return [:] }
        return object
    }

    /// Writes the upload cache atomically, keys sorted.
    public func saveUploadCache(_ cache: [String: String]) throws {
        try AtomicFile.makeDirectory(directory)
        let json = JSONValue.object(cache.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
        try AtomicFile.write(json.bytes(pretty: true) + [0x0A], to: uploadCachePath)
    }
}

/// The current time as ISO 8601 in UTC.
public func timestamp() -> String {
    Date.now.formatted(.iso8601)
}
