import Foundation

/// The live display: a frame of one line per shot, redrawn in place on a terminal.
extension ProgressDisplay {
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

    /// Wipes the live display's last frame.
    func clear() {
        guard drawnLines > 0 else { return }
        Terminal.writeError("\u{1B}[\(drawnLines)A\u{1B}[J")
    }

    /// Draws the live display's frame: the uploads, then one line per shot.
    mutating func draw() {
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

    /// Redraws the frame (the ticker's elapsed times), unless the display is finished.
    mutating func redraw() {
        if drawsLive, !finished { draw() }
    }
}
