import FalKit
import Foundation
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

extension HTTPLogEvent {
    /// The request line, then each request header indented under it (the key redacted), for `-v`.
    var verboseText: String {
        ([description] + requestHeaders.map { "    \($0.name): \($0.value)" }).joined(separator: "\n")
    }
}
