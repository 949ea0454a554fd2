import FalKit
import Foundation
import ShotKit
import ShotRunner

/// How `shotc run` shows progress.
enum ProgressMode {
    /// A live display redrawn in place: for a terminal.
    case live
    /// Plain timestamped lines: for logs and pipes.
    case lines
    /// One JSON object per line on standard output: for programs.
    case json
}

/// Turns run events into what a person (or a program) sees. Events arrive from many tasks at
/// once; a lock keeps the output whole.
final class ProgressReporter: @unchecked Sendable {
    private enum Phase {
        case waiting, uploading, queued(Int?), rendering, downloading, done(String), upToDate(String)
        case failed(String), interrupted
    }

    private struct ShotLine {
        var phase: Phase = .waiting
        var requestID: String?
        var started: Date?
        var lastLog: String?
    }

    private let mode: ProgressMode
    private let quiet: Bool
    private let verbose: Bool
    private let lock = NSLock()
    private var order: [String] = []
    private var shots: [String: ShotLine] = [:]
    private var uploads: (done: Int, total: Int) = (0, 0)
    private var drawnLines = 0
    private var ticker: Task<Void, Never>?
    private let began = Date()
    /// Made once: a formatter is costly, and every event line needs one.
    private let clock: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter
    }()

    init(mode: ProgressMode, quiet: Bool, verbose: Bool) {
        self.mode = mode
        self.quiet = quiet
        self.verbose = verbose
    }

    /// Starts the once-a-second redraw of elapsed times (live mode only).
    func start() {
        guard mode == .live, !quiet else { return }
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                self?.redraw()
            }
        }
    }

    /// Stops redrawing and leaves the last frame on screen.
    func stop() {
        ticker?.cancel()
        redraw()
    }

    func handle(_ event: RunEvent) {
        lock.lock()
        defer { lock.unlock() }
        apply(event)
        switch mode {
        case .json: Terminal.write(json(event).rendered(pretty: false) + "\n")
        case .lines: if let line = line(event) { Terminal.writeError(stamp() + " " + line + "\n") }
        case .live:
            if case .http(let text) = event { clear(); Terminal.writeError(text + "\n"); drawnLines = 0 }
            if case .retrying(let retry) = event, !quiet { clear(); Terminal.writeError("retrying: \(retry)\n"); drawnLines = 0 }
            if case .failed(let shot, let message, _) = event { clear(); Terminal.writeError("\(shot): \(message)\n"); drawnLines = 0 }
            if !quiet { draw() }
        }
    }

    private func apply(_ event: RunEvent) {
        func update(_ shot: String, _ change: (inout ShotLine) -> Void) {
            if shots[shot] == nil { order.append(shot) }
            change(&shots[shot, default: ShotLine()])
        }
        switch event {
        case .planned(let shot, _): update(shot) { _ in }
        case .uploading: uploads.total += 1
        case .uploaded(_, _, let cached):
            if cached { uploads.total += 1 }
            uploads.done += 1
        case .submitted(let shot, let id): update(shot) { $0.requestID = id; $0.phase = .queued(nil) }
        case .queued(let shot, let position): update(shot) { $0.phase = .queued(position) }
        case .rendering(let shot, let log):
            update(shot) {
                if $0.started == nil { $0.started = Date() }
                $0.phase = .rendering
                if let log { $0.lastLog = log }
            }
        case .downloading(let shot, _): update(shot) { $0.phase = .downloading }
        case .done(let shot, let path): update(shot) { $0.phase = .done(path) }
        case .upToDate(let shot, let path): update(shot) { $0.phase = .upToDate(path) }
        case .failed(let shot, let message, _), .unfinished(let shot, let message), .held(let shot, let message):
            update(shot) { $0.phase = .failed(message) }
        case .retrying, .http, .notice: break
        }
    }

    /// Marks unfinished shots as interrupted (after Ctrl-C).
    func interrupted() {
        lock.lock()
        defer { lock.unlock() }
        for name in order {
            switch shots[name]?.phase {
            case .done?, .upToDate?, .failed?: continue
            default: shots[name]?.phase = .interrupted
            }
        }
        if mode == .live { draw() }
    }

    // MARK: Live display

    private func elapsed(_ since: Date?) -> String {
        guard let since else { return "" }
        let seconds = Int(Date().timeIntervalSince(since))
        return String(format: "%d:%02d", seconds / 60, seconds % 60)
    }

    private func describe(_ line: ShotLine) -> String {
        switch line.phase {
        case .waiting: return "waiting"
        case .uploading: return "uploading"
        case .queued(let position?): return "queued, position \(position)"
        case .queued(nil): return "queued"
        case .rendering:
            return "rendering \(elapsed(line.started))" + (line.lastLog.map { "  \($0)" } ?? "")
        case .downloading: return "downloading"
        case .done(let path): return "done → \(path)"
        case .upToDate(let path): return "up to date → \(path)"
        case .failed(let message): return "failed: " + (message.split(separator: "\n").first.map(String.init) ?? "")
        case .interrupted: return "interrupted (still running on fal, recorded)"
        }
    }

    private func clear() {
        guard drawnLines > 0 else { return }
        Terminal.writeError("\u{1B}[\(drawnLines)A\u{1B}[J")
    }

    private func draw() {
        let width = max(4, order.map(\.count).max() ?? 0)
        var lines: [String] = []
        if uploads.total > 0 { lines.append("uploads: \(uploads.done)/\(uploads.total)") }
        for name in order {
            guard let line = shots[name] else { continue }
            let padded = name + String(repeating: " ", count: width - name.count)
            var text = "  \(padded)  \(describe(line))"
            if text.count > 120 { text = String(text.prefix(119)) + "…" }
            lines.append(text)
        }
        clear()
        Terminal.writeError(lines.map { $0 + "\n" }.joined())
        drawnLines = lines.count
    }

    private func redraw() {
        lock.lock()
        defer { lock.unlock() }
        if mode == .live, !quiet { draw() }
    }

    // MARK: Lines and JSON

    private func stamp() -> String { clock.string(from: Date()) }

    private func line(_ event: RunEvent) -> String? {
        switch event {
        case .planned(let shot, let action): return quiet || action == .upToDate ? nil : "\(shot): \(action.summary)"
        case .uploading(let file, let bytes): return quiet ? nil : "upload \(file) (\(bytes) bytes)"
        case .uploaded(let file, _, let cached): return quiet ? nil : "uploaded \(file)\(cached ? " (cached from an earlier run)" : "")"
        case .submitted(let shot, let id): return quiet ? nil : "\(shot): submitted, request \(id)"
        case .queued(let shot, let position): return quiet ? nil : "\(shot): queued" + (position.map { ", position \($0)" } ?? "")
        case .rendering(let shot, let log): return quiet ? nil : "\(shot): rendering" + (log.map { ": \($0)" } ?? "")
        case .downloading(let shot, _): return quiet ? nil : "\(shot): downloading"
        case .done(let shot, let path): return "\(shot): done → \(path)"
        case .upToDate(let shot, let path): return "\(shot): up to date → \(path)"
        case .failed(let shot, let message, _): return "\(shot): failed: \(message)"
        case .unfinished(let shot, let message): return "\(shot): not finished: \(message)"
        case .held(let shot, let message): return "\(shot): not submitted: \(message)"
        case .notice(let text): return text
        case .retrying(let retry): return quiet ? nil : "retrying: \(retry)"
        case .http(let text): return verbose ? text : nil
        }
    }

    private func json(_ event: RunEvent) -> JSONValue {
        var fields: [(String, JSONValue)] = [("time", .string(timestamp()))]
        switch event {
        case .planned(let shot, let action):
            fields += [("event", .string("planned")), ("shot", .string(shot)), ("action", .string(action.summary))]
        case .uploading(let file, let bytes):
            fields += [("event", .string("uploading")), ("file", .string(file)), ("bytes", .int(bytes))]
        case .uploaded(let file, let url, let cached):
            fields += [("event", .string("uploaded")), ("file", .string(file)), ("url", .string(url)), ("cached", .bool(cached))]
        case .submitted(let shot, let id):
            fields += [("event", .string("submitted")), ("shot", .string(shot)), ("request_id", .string(id))]
        case .queued(let shot, let position):
            fields += [("event", .string("queued")), ("shot", .string(shot)), ("position", position.map(JSONValue.int) ?? .null)]
        case .rendering(let shot, let log):
            fields += [("event", .string("rendering")), ("shot", .string(shot)), ("log", log.map(JSONValue.string) ?? .null)]
        case .downloading(let shot, let bytes):
            fields += [("event", .string("downloading")), ("shot", .string(shot)), ("bytes", bytes.map(JSONValue.int) ?? .null)]
        case .done(let shot, let path):
            fields += [("event", .string("done")), ("shot", .string(shot)), ("path", .string(path))]
        case .upToDate(let shot, let path):
            fields += [("event", .string("up_to_date")), ("shot", .string(shot)), ("path", .string(path))]
        case .failed(let shot, let message, let remote):
            fields += [("event", .string("failed")), ("shot", .string(shot)), ("message", .string(message)), ("remote", .bool(remote))]
        case .retrying(let retry):
            fields += [("event", .string("retrying")), ("operation", .string(retry.operation)), ("attempt", .int(retry.attempt)),
                ("delay", .string(String(format: "%.1f", retry.delay))), ("reason", .string(retry.reason))]
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

    /// The wall time since the reporter was made.
    var elapsedSeconds: Double { Date().timeIntervalSince(began) }
}
