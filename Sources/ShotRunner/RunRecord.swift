import FalKit
import Foundation
import ShotKit

/// Where a shot's render stands, as recorded in `DIR/NAME.run.json`.
public enum RecordState: String, Sendable {
    /// Written and flushed before the request is sent. Without a request id it means fal may
    /// have accepted the request and shotc cannot tell; with one (from an error reply that
    /// carried it) the next run asks fal about that id.
    case submitting
    /// fal accepted the request; it has not finished (or its end was not seen).
    case submitted
    /// The render finished and the video was downloaded.
    case completed
    /// fal rejected the input or declared the render failed, or the request was never accepted;
    /// a later run submits it again.
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

    /// A video reference.
    public init(url: String, fileSize: Int?, path: String) {
        self.url = url
        self.fileSize = fileSize
        self.path = path
    }
}

/// `DIR/NAME.run.json`: written and flushed before a request is sent, given the request id the
/// moment fal accepts it, and updated to the end, so an interrupted run loses nothing and never
/// pays twice. Its changes are the methods below; every field read is written back, so a record
/// read and saved again is the same bytes.
public struct RunRecord: Sendable, Equatable {
    /// The shot's name.
    public var shot: String
    /// The scene file it came from, relative to the output folder (nil in records written before
    /// shotc named scenes).
    public var scene: String?
    /// The endpoint the request goes to.
    public var endpoint: String
    /// The fingerprint of endpoint and body (local files by content hash).
    public var fingerprint: String
    /// The content hash (`sha256:…`) of each local picture the body was built from, by path
    /// relative to the output folder: how `shotc status` tells which picture changed.
    public var files: [String: String] = [:]
    /// Where the render stands.
    public var state: RecordState
    /// fal's request id, once known.
    public var requestID: String?
    /// The URLs fal returned for following the request (nil until fal accepted it).
    public var handle: QueueHandle?
    /// When the request was sent (ISO 8601).
    public var submittedAt: String?
    /// When the record was last written (``RunStore/save(_:)`` sets it).
    public var updatedAt: String
    /// The video, once the result was fetched.
    public var video: RecordedVideo?
    /// fal's error text (or why the request was not accepted), for failed renders.
    public var error: String?
    /// The body as sent.
    public var body: JSONValue

    // MARK: Transitions

    /// The record written before a request is sent.
    public static func submitting(
        shot: String, scene: String?, endpoint: String, fingerprint: String, files: [String: String] = [:],
        body: JSONValue
    ) -> RunRecord {
        let now = timestamp()
        return RunRecord(
            shot: shot, scene: scene, endpoint: endpoint, fingerprint: fingerprint, files: files, state: .submitting,
            requestID: nil, handle: nil, submittedAt: now, updatedAt: now, video: nil, error: nil, body: body)
    }

    /// fal accepted the request.
    public mutating func accept(_ handle: QueueHandle) {
        state = .submitted
        requestID = handle.requestID
        self.handle = handle
        error = nil
    }

    /// fal answered the submit with an error that carried a request id: it may have accepted it.
    public mutating func acceptedPerhaps(requestID: String, because reason: String) {
        state = .submitting
        self.requestID = requestID
        error = reason
    }

    /// fal certainly did not accept the request (refused before or at submit).
    public mutating func notAccepted(because reason: String) {
        state = .failed
        error = reason
    }

    /// fal declared the render failed, or rejected its input at the result.
    public mutating func fail(_ reason: String) {
        state = .failed
        error = reason
    }

    /// fal's result named the video.
    public mutating func finished(video: RecordedVideo) {
        self.video = video
    }

    /// The video is downloaded and in place.
    public mutating func downloaded() {
        state = .completed
        error = nil
    }

    /// `shotc cancel` asked fal to stop it.
    public mutating func cancel() {
        state = .cancelled
    }

    // MARK: JSON

    /// The record as JSON, keys in a fixed order.
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [("shot", .string(shot))]
        if let scene { fields.append(("scene", .string(scene))) }
        fields += [
            ("endpoint", .string(endpoint)), ("fingerprint", .string(fingerprint)),
        ]
        if !files.isEmpty {
            fields.append(("files", .object(files.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })))
        }
        fields.append(("state", .string(state.rawValue)))
        if let requestID { fields.append(("request_id", .string(requestID))) }
        if let handle {
            fields += [
                ("status_url", .string(handle.statusURL)), ("response_url", .string(handle.responseURL)),
                ("cancel_url", .string(handle.cancelURL)),
            ]
        }
        if let submittedAt { fields.append(("submitted_at", .string(submittedAt))) }
        fields.append(("updated_at", .string(updatedAt)))
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

    /// Why some bytes are not a run record.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        /// What is wrong.
        public var reason: String
        /// A description for people.
        public var description: String { reason }
    }

    /// Reads a record written by ``json``.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> RunRecord {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw ParseError(reason: "not JSON (\(error))")
        }
        guard value.objectFields != nil else { throw ParseError(reason: "not a JSON object") }
        func text(_ key: String) throws(ParseError) -> String? {
            guard let field = value[key] else { return nil }
            guard let string = field.stringValue else { throw ParseError(reason: "'\(key)' is not a string") }
            return string
        }
        func required(_ key: String) throws(ParseError) -> String {
            guard let string = try text(key) else { throw ParseError(reason: "it has no '\(key)'") }
            return string
        }
        let stateText = try required("state")
        guard let state = RecordState(rawValue: stateText) else {
            throw ParseError(reason: "unknown state '\(stateText)'")
        }
        let requestID = try text("request_id")
        var handle: QueueHandle?
        if let status = try text("status_url"), let response = try text("response_url"),
            let cancel = try text("cancel_url")
        {
            guard let requestID else { throw ParseError(reason: "it has URLs but no 'request_id'") }
            handle = QueueHandle(requestID: requestID, statusURL: status, responseURL: response, cancelURL: cancel)
        }
        if state == .submitted, handle == nil {
            throw ParseError(reason: "it says 'submitted' but has no request id and URLs")
        }
        var files: [String: String] = [:]
        if let entry = value["files"] {
            guard let fields = entry.objectFields else { throw ParseError(reason: "'files' is not an object") }
            for (path, hash) in fields {
                guard let text = hash.stringValue else {
                    throw ParseError(reason: "'files' holds a value that is not a string")
                }
                files[path] = text
            }
        }
        var video: RecordedVideo?
        if let entry = value["video"] {
            guard let url = entry["url"]?.stringValue, let path = entry["path"]?.stringValue else {
                throw ParseError(reason: "its 'video' has no 'url' or 'path'")
            }
            video = RecordedVideo(url: url, fileSize: entry["file_size"]?.intValue, path: path)
        }
        return RunRecord(
            shot: try required("shot"), scene: try text("scene"), endpoint: try required("endpoint"),
            fingerprint: try required("fingerprint"), files: files, state: state, requestID: requestID, handle: handle,
            submittedAt: try text("submitted_at"), updatedAt: try text("updated_at") ?? "", video: video,
            error: try text("error"), body: value["body"] ?? .null)
    }
}

/// The current time as ISO 8601 in UTC.
public func timestamp() -> String {
    Date.now.formatted(.iso8601)
}
