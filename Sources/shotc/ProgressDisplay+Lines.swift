import Foundation
import ShotKit
import ShotRunner

/// The plain timestamped lines (logs and pipes) and the JSON events (`--json`).
extension ProgressDisplay {
    /// The time of day, for a log line.
    func stamp() -> String { clock.string(from: Date()) }

    /// The log line of `event`, nil when it is not shown. `-q` keeps problems and notices only;
    /// a problem whose message was already shown names the shot and points at it.
    func line(_ event: RunEvent, firstFailure: Bool) -> String? {
        func problem(_ shot: String, _ what: String, _ message: String) -> String {
            if firstFailure { return "\(shot): \(what): \(message)" }
            return "\(shot): \(what) (the same as \(failuresShown[message] ?? "above"))"
        }
        switch event {
        case .planned(let shot, let action):
            // A held shot is said once, by its `held` event.
            if quiet || action == .upToDate { return nil }
            if case .hold = action { return nil }
            return "\(shot): \(action.summary)"
        case .uploading(let file, let bytes): return quiet ? nil : "upload \(file) (\(bytes) bytes)"
        case .uploaded(let file, _, let cached):
            return quiet ? nil : "uploaded \(file)\(cached ? " (cached from an earlier run)" : "")"
        case .submitted(let shot, let id): return quiet ? nil : "\(shot): submitted, request \(id)"
        case .queued(let shot, let position):
            return quiet ? nil : "\(shot): queued" + (position.map { ", position \($0)" } ?? "")
        case .rendering(let shot, let log): return quiet ? nil : "\(shot): rendering" + (log.map { ": \($0)" } ?? "")
        case .downloading(let shot, _): return quiet ? nil : "\(shot): downloading"
        case .done(let shot, let path): return quiet ? nil : "\(shot): done → \(path)"
        case .upToDate(let shot, let path): return quiet ? nil : "\(shot): up to date → \(path)"
        case .failed(let shot, let message, _): return problem(shot, "failed", message)
        case .unfinished(let shot, let message): return problem(shot, "not finished", message)
        case .held(let shot, let message): return problem(shot, "not submitted", message)
        case .notice(let text): return firstFailure ? text : nil
        case .retrying(let retry): return quiet ? nil : "retrying: \(retry)"
        case .http(let text): return verbose ? text : nil
        }
    }

    /// The JSON object of `event`, for `--json`.
    func json(_ event: RunEvent) -> JSONValue {
        var fields: [(String, JSONValue)] = [("time", .string(timestamp()))]
        switch event {
        case .planned(let shot, let action):
            fields += [("event", .string("planned")), ("shot", .string(shot)), ("action", .string(action.summary))]
        case .uploading(let file, let bytes):
            fields += [("event", .string("uploading")), ("file", .string(file)), ("bytes", .int(bytes))]
        case .uploaded(let file, let url, let cached):
            fields += [
                ("event", .string("uploaded")), ("file", .string(file)), ("url", .string(url)),
                ("cached", .bool(cached)),
            ]
        case .submitted(let shot, let id):
            fields += [("event", .string("submitted")), ("shot", .string(shot)), ("request_id", .string(id))]
        case .queued(let shot, let position):
            fields += [
                ("event", .string("queued")), ("shot", .string(shot)),
                ("position", position.map(JSONValue.int) ?? .null),
            ]
        case .rendering(let shot, let log):
            fields += [
                ("event", .string("rendering")), ("shot", .string(shot)), ("log", log.map(JSONValue.string) ?? .null),
            ]
        case .downloading(let shot, let bytes):
            fields += [
                ("event", .string("downloading")), ("shot", .string(shot)),
                ("bytes", bytes.map(JSONValue.int) ?? .null),
            ]
        case .done(let shot, let path):
            fields += [("event", .string("done")), ("shot", .string(shot)), ("path", .string(path))]
        case .upToDate(let shot, let path):
            fields += [("event", .string("up_to_date")), ("shot", .string(shot)), ("path", .string(path))]
        case .failed(let shot, let message, let remote):
            fields += [
                ("event", .string("failed")), ("shot", .string(shot)), ("message", .string(message)),
                ("remote", .bool(remote)),
            ]
        case .retrying(let retry):
            fields += [
                ("event", .string("retrying")), ("operation", .string(retry.operation)),
                ("attempt", .int(retry.attempt)),
                ("delay", .string(String(format: "%.1f", retry.delay))), ("reason", .string(retry.reason)),
            ]
        case .http(let text):
            fields += [("event", .string("http")), ("text", .string(text))]
        case .unfinished(let shot, let message):
            fields += [("event", .string("unfinished")), ("shot", .string(shot)), ("message", .string(message))]
        case .held(let shot, let message):
            fields += [("event", .string("held")), ("shot", .string(shot)), ("message", .string(message))]
        case .notice(let text):
            fields += [("event", .string("notice")), ("message", .string(text))]
        }
        return .object(fields)
    }
}
