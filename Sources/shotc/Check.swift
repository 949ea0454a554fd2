import ArgumentParser
import ShotKit

/// `shotc check`: diagnostics only.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scene files and report problems, without building.",
        discussion: """
            Reports every error and warning of each file, with file:line:column. Prints
            nothing for a clean file.

            Examples:
              shotc check scenes/greenhouse.shot
              shotc check scenes/*.shot --deny-warnings
              shotc check scene.yaml --diagnostics json     # for editors and scripts

            Exit status: 0 no errors, 1 errors (or warnings with --deny-warnings).
            """)

    @Argument(help: "The scene files (.shot, .yaml or .yml).")
    var files: [String]

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one scene file") }
    }

    func run() throws {
        var failed = false
        for file in files {
            var compilation = Compiler.compile(path: file)
            if diagnosticOptions.report(&compilation) { failed = true }
        }
        if failed { throw ExitCode(ExitStatus.compileErrors) }
    }
}
