import FalKit
import Foundation
import ShotKit
import ShotRunner
import Synchronization

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
/// once; the display's state sits behind one mutex, so the output stays whole.
final class ProgressReporter: Sendable {
    private let display: Mutex<ProgressDisplay>
    private let ticker = Mutex<Task<Void, Never>?>(nil)
    private let began = Date()
    /// Whether the live display is drawn (a terminal, and not `-q`).
    let drawsLive: Bool

    /// A reporter in `mode`; `quiet` keeps problems and notices only, `verbose` adds HTTP lines.
    init(mode: ProgressMode, quiet: Bool, verbose: Bool) {
        display = Mutex(ProgressDisplay(mode: mode, quiet: quiet, verbose: verbose))
        drawsLive = mode == .live && !quiet
    }

    /// Starts the once-a-second redraw of elapsed times (live mode only).
    func start() {
        guard drawsLive else { return }
        let task = Task { [weak self] in
            while true {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                if Task.isCancelled { return }
                self?.display.withLock { $0.redraw() }
            }
        }
        ticker.withLock { $0 = task }
    }

    /// Stops redrawing and leaves the last frame on screen; after Ctrl-C (`interrupted`) the
    /// shots still going are marked first. Nothing is drawn after this, so what is written next
    /// (the summary, the advice after Ctrl-C) stays visible.
    func stop(interrupted: Bool = false) {
        ticker.withLock { ticker in
            ticker?.cancel()
            ticker = nil
        }
        display.withLock { $0.stop(interrupted: interrupted) }
    }

    /// How many shots have a request on fal and were stopped by Ctrl-C before their end.
    var stillOnFal: Int { display.withLock { $0.stillOnFal } }

    /// Shows `event` as the mode wants (any task may call it).
    func handle(_ event: RunEvent) { display.withLock { $0.handle(event) } }

    /// Writes a line of the program's own (above the live display, which is redrawn under it).
    func say(_ text: String) { display.withLock { $0.say(text) } }

    /// The wall time since the reporter was made.
    var elapsedSeconds: Double { Date().timeIntervalSince(began) }
}

/// What the live display, the lines and the JSON events are made from; only
/// ``ProgressReporter`` touches it, under its mutex.
private struct ProgressDisplay {
    private enum Phase {
        case waiting, uploading, queued(Int?), rendering, downloading, done(String), upToDate(String)
        case failed(String), unfinished(String), held(String)
        /// Stopped by Ctrl-C: `onFal` when the shot has a request on fal (it keeps running).
        case interrupted(onFal: Bool, downloading: Bool)
        /// Stopped by Ctrl-C before fal was asked about a request it may have accepted.
        case interruptedUnconfirmed

        /// Whether the shot reached an end of its own (not stopped by Ctrl-C).
        var isSettled: Bool {
            switch self {
            case .done, .upToDate, .failed, .unfinished, .held: true
            default: false
            }
        }
    }

    private struct ShotLine {
        var phase: Phase = .waiting
        var requestID: String?
        /// The shot has a request on fal: submitted in this run, seen queued or rendering, or
        /// resumed from an earlier run.
        var onFal = false
        /// An earlier submit's answer was lost: fal may have the request (not yet asked).
        var maybeOnFal = false
        var started: Date?
        var lastLog: String?
    }

    private let mode: ProgressMode
    private let quiet: Bool
    private let verbose: Bool
    private var order: [String] = []
    private var shots: [String: ShotLine] = [:]
    private var uploads: (done: Int, total: Int) = (0, 0)
    private var drawnLines = 0
    /// Set once the final frame is drawn: nothing redraws (or wipes) the screen after it.
    private var finished = false
    /// Notices already shown: each is shown once.
    private var noticesShown: Set<String> = []
    /// Failure messages already shown, with the first shot that had each.
    private var failuresShown: [String: String] = [:]
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

    /// Whether the live display is drawn (a terminal, and not `-q`).
    var drawsLive: Bool { mode == .live && !quiet }

    /// Stops redrawing and leaves the last frame on screen; after Ctrl-C (`interrupted`) the
    /// shots still going are marked first. Nothing is drawn after this, so what is written next
    /// (the summary, the advice after Ctrl-C) stays visible.
    mutating func stop(interrupted: Bool = false) {
        if interrupted {
            for name in order {
                guard var line = shots[name], !line.phase.isSettled else { continue }
                var downloading = false
                if case .downloading = line.phase { downloading = true }
                line.phase =
                    line.maybeOnFal && !line.onFal
                    ? .interruptedUnconfirmed : .interrupted(onFal: line.onFal, downloading: downloading)
                shots[name] = line
            }
        }
        if drawsLive, !finished { draw() }
        finished = true
        drawnLines = 0
    }

    /// How many shots have a request on fal and were stopped by Ctrl-C before their end.
    var stillOnFal: Int {
        return order.filter { name in
            guard let line = shots[name] else { return false }
            if case .interrupted(true, false) = line.phase { return true }
            return line.onFal && !line.phase.isSettled
        }.count
    }

    /// Shows `event` as the mode wants (any task may call it).
    mutating func handle(_ event: RunEvent) {
        let firstFailure = apply(event)
        switch mode {
        case .json:
            // -q: problems and notices only (the summary object follows at the end).
            if !quiet || Self.isProblem(event) { Terminal.write(json(event).rendered(pretty: false) + "\n") }
        case .lines:
            if let line = line(event, firstFailure: firstFailure) {
                Terminal.writeError(stamp() + " " + line + "\n")
            }
        case .live:
            var above: String?
            switch event {
            case .http(let text): above = verbose ? text : nil
            case .retrying(let retry): above = quiet ? nil : "retrying: \(retry)"
            case .notice(let text): above = firstFailure ? text : nil
            case .failed(let shot, let message, _): above = firstFailure ? "\(shot): failed: \(message)" : nil
            case .unfinished(let shot, let message): above = firstFailure ? "\(shot): not finished: \(message)" : nil
            case .held(let shot, let message): above = firstFailure ? "\(shot): not submitted: \(message)" : nil
            default: break
            }
            if finished {
                // After the final frame: plain lines, nothing is redrawn.
                if let above { Terminal.writeError(above + "\n") }
                return
            }
            if let above {
                clear()
                Terminal.writeError(above + "\n")
                drawnLines = 0
            }
            if !quiet { draw() }
        }
    }

    /// Whether `event` is a problem or a notice: what `-q` keeps.
    private static func isProblem(_ event: RunEvent) -> Bool {
        switch event {
        case .failed, .unfinished, .held, .notice: true
        default: false
        }
    }

    /// Writes a line of the program's own (above the live display, which is redrawn under it).
    mutating func say(_ text: String) {
        if drawsLive, !finished {
            clear()
            Terminal.writeError(text + "\n")
            drawnLines = 0
            draw()
        } else {
            Terminal.writeError(text + "\n")
        }
    }

    /// Updates the shot table; true when the event is a notice or a problem whose message is
    /// shown for the first time (so it is printed in full, once).
    private mutating func apply(_ event: RunEvent) -> Bool {
        func update(_ shot: String, _ change: (inout ShotLine) -> Void) {
            if shots[shot] == nil { order.append(shot) }
            change(&shots[shot, default: ShotLine()])
        }
        func firstTime(_ shot: String, _ message: String) -> Bool {
            if failuresShown[message] != nil { return false }
            failuresShown[message] = shot
            return true
        }
        switch event {
        case .planned(let shot, let action):
            update(shot) {
                switch action {
                case .resume(let id), .confirm(let id):
                    $0.requestID = id
                    if case .resume = action { $0.onFal = true } else { $0.maybeOnFal = true }
                default: break
                }
            }
        case .uploading: uploads.total += 1
        case .uploaded(_, _, let cached):
            if cached { uploads.total += 1 }
            uploads.done += 1
        case .submitted(let shot, let id):
            update(shot) {
                $0.requestID = id
                $0.onFal = true
                $0.phase = .queued(nil)
            }
        case .queued(let shot, let position):
            update(shot) {
                $0.onFal = true
                $0.phase = .queued(position)
            }
        case .rendering(let shot, let log):
            update(shot) {
                if $0.started == nil { $0.started = Date() }
                $0.onFal = true
                $0.phase = .rendering
                if let log { $0.lastLog = log }
            }
        case .downloading(let shot, _): update(shot) { $0.phase = .downloading }
        case .done(let shot, let path): update(shot) { $0.phase = .done(path) }
        case .upToDate(let shot, let path): update(shot) { $0.phase = .upToDate(path) }
        case .failed(let shot, let message, _):
            update(shot) { $0.phase = .failed(message) }
            return firstTime(shot, message)
        case .unfinished(let shot, let message):
            update(shot) { $0.phase = .unfinished(message) }
            return firstTime(shot, message)
        case .held(let shot, let message):
            update(shot) { $0.phase = .held(message) }
            return firstTime(shot, message)
        case .notice(let text):
            return noticesShown.insert(text).inserted
        case .retrying, .http: break
        }
        return false
    }

    // MARK: Live display

    private func elapsed(_ since: Date?) -> String {
        guard let since else { return "" }
        let seconds = Int(Date().timeIntervalSince(since))
        return String(format: "%d:%02d", seconds / 60, seconds % 60)
    }

    private static func firstLine(_ message: String) -> String {
        message.split(separator: "\n").first.map(String.init) ?? ""
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
        case .failed(let message): return "failed: " + Self.firstLine(message)
        case .unfinished(let message): return "not finished: " + Self.firstLine(message)
        case .held(let message): return "not submitted: " + Self.firstLine(message)
        case .interrupted(_, true): return "interrupted while downloading (rendered and recorded; a re-run fetches it)"
        case .interrupted(true, false): return "interrupted (still running on fal, recorded)"
        case .interrupted(false, false): return "interrupted (not started)"
        case .interruptedUnconfirmed: return "interrupted (fal may have its request; recorded, a re-run asks fal)"
        }
    }

    private func clear() {
        guard drawnLines > 0 else { return }
        Terminal.writeError("\u{1B}[\(drawnLines)A\u{1B}[J")
    }

    private mutating func draw() {
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

    mutating func redraw() {
        if drawsLive, !finished { draw() }
    }

    // MARK: Lines and JSON

    private func stamp() -> String { clock.string(from: Date()) }

    /// The log line of `event`, nil when it is not shown. `-q` keeps problems and notices only;
    /// a problem whose message was already shown names the shot and points at it.
    private func line(_ event: RunEvent, firstFailure: Bool) -> String? {
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

    private func json(_ event: RunEvent) -> JSONValue {
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

extension HTTPLogEvent {
    /// The request line, then each request header indented under it (the key redacted), for `-v`.
    var verboseText: String {
        ([description] + requestHeaders.map { "    \($0.name): \($0.value)" }).joined(separator: "\n")
    }
}
