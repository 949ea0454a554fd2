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
              shotc check scenes/*.shot --fix               # apply the certain fix-its

            --fix applies every fix-it that is certain (a misspelt name, keyword, field or
            key with one close match, '16x9' for '16:9', a tab in indentation) to the files
            and to the files they import, rewriting each atomically, prints each change as
            'file:line:col: fixed CODE: 'old' → 'new'', then reports what is left. A file
            that would not parse after its fixes is left as it is.

            Exit status: 0 no errors, 1 errors (or warnings with --deny-warnings).
            """)

    @Argument(help: "The scene files (.shot, .yaml or .yml).")
    var files: [String]

    @Flag(name: .long, help: "Apply every certain fix-it to the files (and their imports), then report what is left.")
    var fix = false

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one scene file") }
    }

    /// What these arguments ask for.
    var job: CheckJob { CheckJob(files: files, fix: fix, diagnostics: diagnosticOptions.settings) }

    func run() throws { try job.run() }
}

/// A `shotc check`, however its arguments were read (argument-parser, or `DirectCommand`).
struct CheckJob: Equatable {
    var files: [String]
    var fix = false
    var diagnostics = DiagnosticSettings()

    func run() throws {
        var failed = false
        for file in files {
            if fix {
                let result = SceneFixer.fix(path: file)
                for line in result.fixed { Terminal.write(line + "\n") }
                for line in result.failures { Terminal.writeError("error: " + line + "\n") }
                if !result.failures.isEmpty { failed = true }
            }
            var compilation = Compiler.compile(path: file)
            if diagnostics.report(&compilation) { failed = true }
        }
        if failed { throw ExitCode(ExitStatus.compileErrors) }
    }
}
