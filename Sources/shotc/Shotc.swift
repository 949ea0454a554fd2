import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

/// The `shotc` command.
struct Shotc: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shotc",
        abstract: "Compile scene files into Kling O1 video requests, and render them on fal.",
        discussion: """
            A scene declares characters, props, images and styles once, by name, and writes
            each shot as prose that mentions them as @name. shotc numbers the mentions the
            way the model expects (@Element1, @Image1, ...), checks what fal would reject,
            and prints the request JSON or renders the shots.

            Examples:
              shotc check scenes/greenhouse.shot
              shotc build scenes/greenhouse.shot --shot opening
              shotc build scenes/greenhouse.yaml -o requests/ --cost
              FAL_KEY=... shotc run scenes/greenhouse.shot -j 2
              shotc explain E0101
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, Check.self, Fmt.self, Build.self, Run.self, Status.self, Board.self, Cancel.self, Explain.self,
            Lsp.self,
        ]
    )
}

/// Exit statuses of spec section 7.
enum ExitStatus {
    static let compileErrors: Int32 = 1
    static let usage: Int32 = 2
    static let remoteFailures: Int32 = 3
    /// Some shots are not finished (accepted, or maybe accepted, and not followed to the end) or
    /// were not submitted (held): recorded, the writer must look. Wins over ``remoteFailures``.
    static let unfinished: Int32 = 4
    static let interrupted: Int32 = 130
}

@main
enum Main {
    static func main() async {
        // A write past a file-size limit fails with EFBIG (reported like a full disk) instead of
        // killing the process between a submit and its record.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try Shotc.parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = Shotc.exitCode(for: error)
            // Usage errors exit with 2, as the spec says, not argument-parser's 64.
            if code.rawValue == 64 {
                Terminal.writeError(Shotc.fullMessage(for: error) + "\n")
                exit(ExitStatus.usage)
            }
            Shotc.exit(withError: error)
        }
    }
}
