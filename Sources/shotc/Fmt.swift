import ArgumentParser
import ShotKit
import ShotRunner

#if canImport(Glibc)
    import Glibc
#endif

/// `shotc fmt`: the canonical layout of scene files, or one file converted to the other syntax.
struct Fmt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Format scene files in the canonical layout, or convert one between .shot and YAML.",
        discussion: """
            Prints each file in the canonical layout of its syntax. Comments (whole-line and
            trailing), notes and paragraph breaks are kept; prose is never re-wrapped; the
            meaning is kept (`shotc build` prints the same bytes). A file with syntax errors
            is not formatted: its diagnostics are shown and the exit status is 1.

            --to shot|yaml converts the one file given to the other syntax (same requests
            from `build`); its imports keep their paths, since either syntax may import the
            other. With -i the converted file is written beside the original with the new
            extension (scene.shot -> scene.yaml), never over an existing file; the original
            is kept.

            Examples:
              shotc fmt scenes/greenhouse.shot            # print the formatted file
              shotc fmt -i scenes/*.shot scenes/*.yaml    # rewrite in place (atomically)
              shotc fmt --check scenes/*.shot             # exit 1, naming unformatted files
              shotc fmt --to yaml scenes/greenhouse.shot  # print the YAML form
              shotc fmt --to yaml -i scenes/greenhouse.shot   # write scenes/greenhouse.yaml

            Exit status: 0 done (or all formatted), 1 syntax errors, a file not formatted
            (--check) or a file that cannot be converted, 2 usage errors.
            """)

    /// The syntax `--to` names.
    enum Target: String, ExpressibleByArgument, CaseIterable {
        case shot, yaml
    }

    /// The files to format.
    @Argument(help: "The scene files (.shot, .yaml or .yml).")
    var files: [String]

    /// `-i`: rewrite (or, with `--to`, write beside).
    @Flag(name: [.customShort("i"), .long], help: "Rewrite the files (with --to: write the converted file beside).")
    var inPlace = false

    /// `--check`: name the files that are not formatted.
    @Flag(name: .long, help: "Write nothing; exit 1 naming each file that is not formatted.")
    var check = false

    /// `--to`: the syntax to convert to.
    @Option(name: .long, help: "Convert the one file given to this syntax: shot or yaml.")
    var to: Target?

    /// How diagnostics are shown.
    @OptionGroup var diagnosticOptions: DiagnosticOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one scene file") }
        if check && inPlace { throw ValidationError("--check and --in-place do not go together") }
        if to != nil && check { throw ValidationError("--check formats in place; it does not go with --to") }
        if to != nil && files.count != 1 { throw ValidationError("--to converts one file at a time") }
    }

    func run() throws {
        var failed = false
        for path in files {
            let bytes: [UInt8]
            do {
                bytes = try LocalFileSystem().read(path)
            } catch {
                Terminal.writeError("error: \(path): \(error)\n")
                failed = true
                continue
            }
            let target: SurfaceSyntax? = to.map { $0 == .shot ? .shot : .yaml }
            switch SceneFormatter.format(path: path, bytes: bytes, to: target) {
            case .rejected(let sources, let diagnostics):
                var bag = DiagnosticBag()
                for diagnostic in diagnostics { bag.report(diagnostic) }
                let colored =
                    diagnosticOptions.color == .always
                    || (diagnosticOptions.color == .auto && Terminal.stderrTakesColor)
                Terminal.writeError(
                    DiagnosticRenderer(sources: sources, style: colored ? .ansi : .plain).render(bag.sorted))
                let reason =
                    bag.hasErrors
                    ? "fix the errors above first"
                    : "formatting would drop the keys the compiler ignores; fix them first"
                Terminal.writeError("\(path): not formatted (\(reason))\n")
                failed = true
            case .cannotConvert(let error):
                Terminal.writeError("error: \(error.message)\n")
                failed = true
            case .formatted(let text):
                let output = Array(text.utf8)
                if let target {
                    if inPlace {
                        let destination = Self.converted(path, to: target)
                        do {
                            try Self.writeNew(output, to: destination)
                            Terminal.writeError("wrote \(destination)\n")
                        } catch {
                            Terminal.writeError("error: \(error)\n")
                            failed = true
                        }
                    } else {
                        Terminal.write(bytes: output)
                    }
                } else if check {
                    if output != bytes {
                        Terminal.write("\(path)\n")
                        failed = true
                    }
                } else if inPlace {
                    guard output != bytes else { continue }
                    do {
                        try AtomicFile.write(output, to: path)
                    } catch {
                        Terminal.writeError("error: \(error)\n")
                        failed = true
                    }
                } else {
                    Terminal.write(bytes: output)
                }
            }
        }
        if failed { throw ExitCode(ExitStatus.compileErrors) }
    }

    /// `path` with the extension of `target` (`a.shot` -> `a.yaml`, `a.yml` -> `a.shot`).
    static func converted(_ path: String, to target: SurfaceSyntax) -> String {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let name = path[slash...]
        let stem = name.lastIndex(of: ".").map { name[..<$0] } ?? name
        return String(path[..<slash]) + stem + (target == .shot ? ".shot" : ".yaml")
    }

    /// Writes `bytes` to a new file at `path`, whole or not at all, and never over an existing file.
    static func writeNew(_ bytes: [UInt8], to path: String) throws {
        if access(path, F_OK) == 0 {
            throw FormatWriteError(message: "'\(path)' exists already; not overwritten (move it away first)")
        }
        let temporary = path + ".tmp-fmt-\(getpid())"
        try AtomicFile.write(bytes, to: temporary)
        // link() fails if the name was taken meanwhile: an existing file is never replaced.
        guard link(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw FormatWriteError(message: "cannot write '\(path)': \(reason)")
        }
        unlink(temporary)
    }
}

/// A converted file that could not be written.
struct FormatWriteError: Error, CustomStringConvertible {
    /// What went wrong.
    var message: String
    /// `message`.
    var description: String { message }
}
