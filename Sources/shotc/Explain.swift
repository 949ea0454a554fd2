import ArgumentParser
import ShotKit

/// `shotc explain`: the long explanation of a diagnostic code.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain a diagnostic code, or list them all.",
        discussion: """
            Examples:
              shotc explain E0101
              shotc explain          # every code with its title
            """)

    @Argument(help: "A code such as E0101 or W0001.")
    var code: String?

    func run() throws {
        guard let code else {
            let lines = DiagnosticCode.all.map { "\($0.id)  \($0.severity.rawValue.padding(7))  \($0.title)" }
            Terminal.write(lines.joined(separator: "\n") + "\n")
            return
        }
        guard let known = DiagnosticCode.named(code) else {
            Terminal.writeError("error: unknown diagnostic code '\(code)'\n  = help: 'shotc explain' lists the codes\n")
            throw ExitCode(ExitStatus.usage)
        }
        Terminal.write("\(known.id): \(known.title) (\(known.severity.rawValue))\n\n\(known.explanation)\n")
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
