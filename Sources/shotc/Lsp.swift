import ArgumentParser
import ShotLSP

#if canImport(Glibc)
    import Glibc
#endif

/// `shotc lsp`: the language server, over standard input and output.
struct Lsp: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the language server (LSP 3.17 over stdin/stdout) for editors.",
        discussion: """
            Editors start this themselves; see editors/vscode and editors/nvim. It speaks the
            Language Server Protocol on standard input and output: diagnostics as you type,
            completion of @names, hover, go to definition, references, rename, document
            symbols, quick fixes and semantic tokens, for .shot and YAML scenes.

            Exit status: 0 after shutdown and exit, or when standard input closes.
            """)

    @Option(name: .long, help: "Milliseconds to wait after a change before publishing diagnostics.")
    var debounceMs: Int = 100

    func validate() throws {
        if debounceMs < 0 || debounceMs > 10_000 { throw ValidationError("--debounce-ms must be 0 to 10000") }
    }

    func run() throws {
        // A client that closes its end must not kill the server mid-write.
        signal(SIGPIPE, SIG_IGN)
        let status = StdioTransport.run(debounce: Double(debounceMs) / 1000)
        if status != 0 { throw ExitCode(status) }
    }
}
