import ArgumentParser

#if canImport(Glibc)
    import CMalloc
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
            if let direct = DirectCommand.parse(Array(CommandLine.arguments.dropFirst())) {
                tuneAllocator(hugePages: direct.inputSize >= 256 << 10)
                do {
                    try direct.run()
                } catch let code as ExitCode {
                    // The usual ending of a scene with errors: asking argument-parser for the
                    // status would build the command tree that reading by hand avoided.
                    exit(code.rawValue)
                }
                return
            }
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

    /// For `build` and `check`, which compile and end: keeps freed memory in the process for
    /// the next allocation instead of handing it back to the kernel (the commands that run
    /// long, `run`, `lsp` and `board --serve`, keep glibc's defaults). A compile of a large
    /// scene grows arrays of megabytes (source, trees, model, prompts); by default glibc maps
    /// each such array afresh and unmaps it when freed, and every new page costs a page fault.
    /// Large blocks come from the heap and stay there. Memory stays bounded by the command's
    /// peak.
    ///
    /// With `hugePages` (inputs of 256 KiB and more, whose heap grows to several megabytes),
    /// the heap also asks the kernel for 2 MB pages where it allows them on request
    /// (transparent huge pages in `madvise` mode, Debian's default): a build of 5,000 shots
    /// takes 900 to 1,400 page faults instead of 4,000 (BENCHMARKS.md). Small inputs keep 4 KB
    /// pages: zeroing a 2 MB page costs at least what the few faults it saves do.
    private static func tuneAllocator(hugePages: Bool) {
        #if canImport(Glibc)
            _ = mallopt(M_MMAP_THRESHOLD, 256 << 20)
            _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
            guard hugePages else { return }
            // Grow the heap now, by a block and a pad of 64 MB that later growth uses first,
            // and mark the part of it from the first 2 MB boundary on. The heap's later growth
            // extends the same mapping, which keeps the mark. The block is used, so the
            // compiler cannot drop the allocation.
            let hugePage = 2 << 20
            _ = mallopt(M_TOP_PAD, 64 << 20)
            let start = Int(bitPattern: sbrk(0))
            let block = malloc(1 << 20)
            _ = malloc_usable_size(block)
            free(block)
            let end = Int(bitPattern: sbrk(0))
            let first = (start + hugePage - 1) & ~(hugePage - 1)
            if end > first, let address = UnsafeMutableRawPointer(bitPattern: first) {
                _ = madvise(address, end - first, MADV_HUGEPAGE)
            }
        #endif
    }
}
