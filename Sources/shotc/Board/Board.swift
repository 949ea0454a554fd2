import ArgumentParser
import Foundation
import ShotKit
import ShotRunner

#if canImport(Glibc)
    import Glibc
#endif

/// `shotc board`: a storyboard page of the scene and its renders.
struct Board: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a storyboard page of the scene and its renders (one HTML file).",
        discussion: """
            The page shows every shot as a card: its aspect frame, its prose with each mention
            as a chip (mara → @Element1), the pictures it sends in positional order, its cost,
            its render state from the run records, and its video once rendered. A cast panel
            filters the cards by declaration, a timeline shows the pacing, and Play runs the
            scene as an animatic at its real timing. The page needs no network: CSS and JS are
            inline, local pictures and videos are referenced relative to the page, remote
            pictures are links that are never loaded.

            Examples:
              shotc board scenes/greenhouse.shot            # renders/greenhouse/board.html
              shotc board scene.yaml -o /tmp/board.html --embed --open
              shotc board scene.shot --serve --port 8080    # live preview on 127.0.0.1

            Exit status: 0 written, 1 the scene has errors (the page is still written, with the
            diagnostics at the top), 2 usage errors or the page could not be written.
            """)

    @Argument(help: "The scene file (.shot, .yaml or .yml).")
    var file: String

    @Option(name: .shortAndLong, help: "Where to write the page (default: renders/SCENE/board.html beside the scene).")
    var output: String?

    @Option(name: .long, help: "The scene's output folder, where the run records are (default: renders/SCENE/).")
    var renders: String?

    @Flag(name: .long, help: "Inline local pictures as data: URIs, for a page that can be mailed.")
    var embed = false

    @Flag(name: .long, help: "Open the page in the desktop's browser (xdg-open).")
    var open = false

    @Flag(
        name: .long,
        help: "Serve the page on 127.0.0.1 and reload it when the scene, its pictures or its renders change.")
    var serve = false

    @Option(name: .long, help: "The port for --serve (default: a free one).")
    var port: Int?

    /// The page size above which `--embed` warns.
    static let embedWarningBytes = 25 * 1024 * 1024

    /// Rejects options that do not go together.
    func validate() throws {
        if port != nil && !serve { throw ValidationError("--port goes with --serve") }
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
        if serve && embed { throw ValidationError("--embed writes a file to send; --serve serves the page: use one") }
    }

    /// Writes (or serves) the page.
    func run() throws {
        let rendersDirectory = renders ?? RunStore.defaultDirectory(forScene: file)
        guard FileManager.default.fileExists(atPath: file) else {
            Terminal.writeError("error: cannot read '\(file)': no such file\n")
            throw ExitCode(ExitStatus.usage)
        }
        if serve {
            let server = BoardServer(scenePath: file, rendersDirectory: rendersDirectory, port: port ?? 0)
            try server.run()
            return
        }
        let pagePath = BoardData.absolute(output ?? Path.join(rendersDirectory, "board.html"))
        let data = BoardData.gather(scenePath: file, outputDirectory: rendersDirectory)
        let directory = Path.directory(of: pagePath)
        var page = BoardPage(
            data: data, links: embed ? .embedded(pageDirectory: directory) : .relative(pageDirectory: directory))
        let html = page.render()
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try AtomicFile.write(Array(html.utf8), to: pagePath)
        } catch {
            Terminal.writeError("error: cannot write the board to '\(pagePath)': \(error)\n")
            throw ExitCode(ExitStatus.usage)
        }
        if !data.diagnostics.isEmpty { Terminal.writeError(data.diagnostics) }
        if embed && html.utf8.count > Self.embedWarningBytes {
            Terminal.writeError(
                "warning: the page is \(html.utf8.count / (1024 * 1024)) MB with its pictures inlined; "
                    + "mail services often refuse more than 25 MB (leave out --embed to link them instead)\n")
        }
        Terminal.write("wrote \(pagePath)\n")
        if open { Self.openInBrowser(pagePath) }
        if data.errorCount > 0 { throw ExitCode(ExitStatus.compileErrors) }
    }

    /// Hands `path` to `xdg-open`, or says how to open it when there is none.
    static func openInBrowser(_ path: String) {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        guard
            let opener = candidates.map({ "\($0)/xdg-open" }).first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            Terminal.writeError(
                "note: xdg-open is not installed, so the page was not opened; open \(path) in a browser\n")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: opener)
        process.arguments = [path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            Terminal.writeError("note: could not start xdg-open (\(error)); open \(path) in a browser\n")
        }
    }
}
