import ArgumentParser
import ShotKit

/// How diagnostics are shown: shared by every command that compiles.
struct DiagnosticOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case human, json
    }

    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    @Option(name: .long, help: "How to print diagnostics: human (default) or json (one object per line).")
    var diagnostics: Format = .human

    @Flag(name: .long, help: "Treat warnings as errors.")
    var denyWarnings = false

    @Option(name: .long, help: "Colour diagnostics: auto (on a terminal), always or never.")
    var color: ColorChoice = .auto

    /// The settings these options make.
    var settings: DiagnosticSettings {
        DiagnosticSettings(format: diagnostics, denyWarnings: denyWarnings, color: color)
    }

    /// Prints `compilation`'s diagnostics to standard error (promoting warnings first when
    /// asked) and returns whether it has errors.
    func report(_ compilation: inout Compilation) -> Bool { settings.report(&compilation) }
}

/// How diagnostics are shown, however the arguments were read.
struct DiagnosticSettings: Equatable {
    var format: DiagnosticOptions.Format = .human
    var denyWarnings = false
    var color: DiagnosticOptions.ColorChoice = .auto

    /// Prints `compilation`'s diagnostics to standard error (promoting warnings first when
    /// asked) and returns whether it has errors.
    func report(_ compilation: inout Compilation) -> Bool {
        if denyWarnings { compilation.diagnostics.promoteWarnings() }
        let sorted = compilation.diagnostics.sorted
        guard !sorted.isEmpty else { return false }
        switch format {
        case .json:
            Terminal.writeError(JSONDiagnosticRenderer(sources: compilation.sources).render(sorted))
        case .human:
            let colored = color == .always || (color == .auto && Terminal.stderrTakesColor)
            let renderer = DiagnosticRenderer(
                sources: compilation.sources, style: colored ? .ansi : .plain)
            Terminal.writeError(renderer.render(sorted) + summary(of: compilation.diagnostics))
        }
        return compilation.diagnostics.hasErrors
    }

    /// `2 errors, 1 warning` and where, for the end of human output.
    private func summary(of bag: DiagnosticBag) -> String {
        func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var parts: [String] = []
        if bag.errorCount > 0 { parts.append(count(bag.errorCount, "error")) }
        if bag.warningCount > 0 { parts.append(count(bag.warningCount, "warning")) }
        return parts.joined(separator: ", ") + "\n"
    }
}
