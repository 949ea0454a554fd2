import ArgumentParser
import ShotKit
import ShotRunner

/// `shotc build`: print or write the request bodies.
struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile a scene and print its requests as JSON.",
        discussion: """
            Without --shot, prints a JSON array with one {"shot", "endpoint", "input"} object
            per shot, in file order. With --shot, prints that shot's request body alone.
            Local images are embedded as data: URIs so every body is a complete request;
            --keep-paths leaves them as written. Output is deterministic.

            Examples:
              shotc build scenes/greenhouse.shot
              shotc build scenes/greenhouse.shot --shot opening --keep-paths
              shotc build scenes/greenhouse.yaml -o requests/     # requests/NAME.json
              shotc build scenes/greenhouse.shot --cost           # estimate on stderr

            Exit status: 0 built, 1 the scene has errors, 2 usage errors.
            """)

    @Argument(help: "The scene file (.shot, .yaml or .yml).")
    var file: String

    @Option(name: .long, help: "Build only this shot (repeatable); alone, prints its body.")
    var shot: [String] = []

    @Option(name: .shortAndLong, help: "Write DIR/NAME.json for each shot instead of printing.")
    var output: String?

    @Flag(name: .long, help: "Leave local image paths as written instead of embedding them.")
    var keepPaths = false

    @Flag(name: .long, help: "Print a cost estimate to standard error.")
    var cost = false

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    /// What these arguments ask for.
    var job: BuildJob {
        BuildJob(
            file: file, shotNames: shot, output: output, keepPaths: keepPaths, cost: cost,
            diagnostics: diagnosticOptions.settings)
    }

    func run() throws { try job.run() }
}

/// A `shotc build`, however its arguments were read (argument-parser, or `DirectCommand`).
struct BuildJob: Equatable {
    var file: String
    /// The names given with `--shot`, in order.
    var shotNames: [String] = []
    var output: String?
    var keepPaths = false
    var cost = false
    var diagnostics = DiagnosticSettings()

    func run() throws {
        var compilation = Compiler.compile(path: file)
        let failed = diagnostics.report(&compilation)
        guard !failed, let scene = compilation.scene else {
            throw ExitCode(ExitStatus.compileErrors)
        }
        let shots = try select(shotNames, from: scene, sources: compilation.sources)
        var builder = RequestBuilder(scene: scene)
        let form: LocalImageForm = keepPaths ? .writtenPaths : .dataURIs
        do {
            if let output {
                try AtomicFile.makeDirectory(output)
                for shot in shots {
                    let body = try builder.body(for: shot, images: form)
                    try AtomicFile.write(
                        body.bytes(pretty: true) + [0x0A],
                        to: Path.join(output, shot.name + ".json"))
                }
                Terminal.writeError("wrote \(shots.count) request\(shots.count == 1 ? "" : "s") to \(output)\n")
            } else if shotNames.count == 1, let only = shots.first {
                Terminal.write(bytes: try builder.body(for: only, images: form).bytes(pretty: true) + [0x0A])
            } else {
                // Streamed in chunks: a large scene's output never sits in memory whole. Images
                // are read first, so nothing fails once output has begun.
                if !keepPaths { try builder.embedLocalFiles(of: shots) }
                var writer = JSONWriter(pretty: true) { chunk in
                    Terminal.write(bytes: chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
                try builder.emitArray(shots, images: form, into: &writer)
                writer.finish()
                Terminal.write("\n")
            }
        } catch let error as RequestBuildError {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(ExitStatus.compileErrors)
        } catch {
            Terminal.writeError("error: \(error)\n")
            throw ExitCode(ExitStatus.usage)
        }
        if cost { Terminal.writeError(CostEstimate(scene: scene, shots: shots).report) }
        Terminal.exitKeepingMemory()
    }
}

/// The shots named by `--shot`; an unknown name is a usage error with a suggestion.
func select(_ names: [String], from scene: CompiledScene, sources: SourceMap) throws -> [CompiledShot] {
    switch scene.select(names) {
    case .success(let shots):
        return shots
    case .failure(let error):
        Terminal.writeError(DiagnosticRenderer(sources: sources).render(error.diagnostics))
        throw ExitCode(ExitStatus.usage)
    }
}
