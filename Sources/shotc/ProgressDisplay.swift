import Foundation
import ShotKit
import ShotRunner

/// What the live display, the lines and the JSON events are made from; only
/// ``ProgressReporter`` touches it, under its mutex. The live display is drawn in
/// ProgressDisplay+Live.swift, the lines and JSON events made in ProgressDisplay+Lines.swift.
struct ProgressDisplay {
    /// Where a shot is, as the display shows it.
    enum Phase {
        /// Before and during the work, and its good ends (with the video's path).
        case waiting, uploading, queued(Int?), rendering, downloading, done(String), upToDate(String)
        /// The ends that need a word: failed, not finished, not submitted (with the message).
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

    /// What the display knows of one shot.
    struct ShotLine {
        /// Where the shot is.
        var phase: Phase = .waiting
        /// Its fal request, once known.
        var requestID: String?
        /// The shot has a request on fal: submitted in this run, seen queued or rendering, or
        /// resumed from an earlier run.
        var onFal = false
        /// An earlier submit's answer was lost: fal may have the request (not yet asked).
        var maybeOnFal = false
        /// When rendering began, for the elapsed time.
        var started: Date?
        /// fal's last log line while rendering.
        var lastLog: String?
    }

    private let mode: ProgressMode
    /// `-q`: problems and notices only.
    let quiet: Bool
    /// `-v`: HTTP lines too.
    let verbose: Bool
    /// The shots in the order they were first heard of.
    var order: [String] = []
    /// Each shot's line, by name.
    var shots: [String: ShotLine] = [:]
    /// Uploads done and known of, for the live display.
    var uploads: (done: Int, total: Int) = (0, 0)
    /// How many lines the live display drew last, cleared before the next frame.
    var drawnLines = 0
    /// Set once the final frame is drawn: nothing redraws (or wipes) the screen after it.
    var finished = false
    /// Notices already shown: each is shown once.
    private var noticesShown: Set<String> = []
    /// Failure messages already shown, with the first shot that had each.
    var failuresShown: [String: String] = [:]
    /// Made once: a formatter is costly, and every event line needs one.
    let clock: DateFormatter = {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return formatter
    }()

    /// A display in `mode`; `quiet` keeps problems and notices only, `verbose` adds HTTP lines.
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
}
