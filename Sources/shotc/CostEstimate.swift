import Foundation
import ShotKit

/// `--cost`: seconds × the tier's price per second, per shot and in total.
struct CostEstimate {
    let scene: CompiledScene
    let shots: [CompiledShot]

    /// Price in thousandths of a dollar per second (exact for fal's prices).
    private var millsPerSecond: Int { Int((scene.model.centsPerSecond * 10).rounded()) }

    /// The estimate of `shot`, in thousandths of a dollar.
    func mills(of shot: CompiledShot) -> Int { shot.duration * millsPerSecond }

    /// The estimate of every shot, in thousandths of a dollar.
    var totalMills: Int { shots.reduce(0) { $0 + mills(of: $1) } }

    /// `$1.092`: thousandths of a dollar, exactly.
    static func dollars(_ mills: Int) -> String {
        let fraction = String(mills % 1000)
        return "$\(mills / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// `$1.09`: thousandths of a dollar rounded to cents, for "about" figures.
    static func roughDollars(_ mills: Int) -> String {
        let cents = (mills + 5) / 10
        let fraction = String(cents % 100)
        return "$\(cents / 100).\(String(repeating: "0", count: 2 - fraction.count))\(fraction)"
    }

    /// Reads a dollar amount such as `2`, `1.5` or `$0.75` as thousandths of a dollar; nil for
    /// anything else (negative, not a number, more than three decimals).
    static func parseMills(_ text: String) -> Int? {
        var text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("$") { text.removeFirst() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty || parts.count == 2,
            whole.allSatisfy(\.isASCIIDigit), whole.count <= 9
        else { return nil }
        var mills = (Int(whole) ?? 0) * 1000
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 3, fraction.allSatisfy(\.isASCIIDigit),
                let value = Int(fraction)
            else { return nil }
            var scaled = value
            for _ in fraction.count..<3 { scaled *= 10 }
            mills += scaled
        }
        return mills
    }

    /// The report, one line per shot and a total.
    var report: String {
        let width = max(5, shots.map(\.name.count).max() ?? 0)
        func pad(_ text: String) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var out = "cost estimate: \(scene.model.rawValue) tier, \(Self.dollars(millsPerSecond))/s\n"
        var seconds = 0
        for shot in shots {
            seconds += shot.duration
            let secondsText = shot.duration < 10 ? " \(shot.duration)" : "\(shot.duration)"
            out += "  \(pad(shot.name))  \(secondsText) s  \(Self.dollars(mills(of: shot)))\n"
        }
        out += "  \(pad("total"))  \(seconds) s  \(Self.dollars(seconds * millsPerSecond))\n"
        return out
    }
}

extension Character {
    /// `0`…`9` only (not other scripts' digits).
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
