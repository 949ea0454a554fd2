import ShotKit

/// `--cost`: seconds × the tier's price per second, per shot and in total.
struct CostEstimate {
    let scene: CompiledScene
    let shots: [CompiledShot]

    /// Price in thousandths of a dollar per second (exact for fal's prices).
    private var millsPerSecond: Int { Int((scene.model.centsPerSecond * 10).rounded()) }

    private static func dollars(_ mills: Int) -> String {
        let fraction = String(mills % 1000)
        return "$\(mills / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
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
            out += "  \(pad(shot.name))  \(secondsText) s  \(Self.dollars(shot.duration * millsPerSecond))\n"
        }
        out += "  \(pad("total"))  \(seconds) s  \(Self.dollars(seconds * millsPerSecond))\n"
        return out
    }
}
