import ArgumentParser
import Foundation
import ShotKit
import ShotRunner

/// `shotc init`: a starter project a writer can check and render at once.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a starter project: a commented scene, a cast file it imports, and refs/.",
        discussion: """
            Writes scene.shot (or scene.yaml with --yaml), cast.shot (or cast.yaml), and
            refs/README.md saying what pictures to put there, into DIR (default: the
            current folder). The scene passes `shotc check` as written: it uses example
            URLs until you replace them with your pictures. Nothing is ever overwritten:
            if any of these files exists, nothing is written.

            Examples:
              shotc init my-film
              shotc init --yaml
              cd my-film && shotc check scene.shot && shotc build scene.shot --cost

            Exit status: 0 created, 2 a file exists already or cannot be written.
            """)

    @Argument(help: "The project folder (created if missing; default: the current folder).")
    var directory: String = "."

    @Flag(name: .long, help: "Write the scene and the cast in YAML instead of .shot.")
    var yaml = false

    func run() throws {
        let files = StarterProject.files(yaml: yaml).map { (path: Path.join(directory, $0.name), text: $0.text) }
        let existing = files.filter { FileManager.default.fileExists(atPath: $0.path) }.map(\.path)
        guard existing.isEmpty else {
            Terminal.writeError(
                "error: not overwriting \(existing.map { "'\($0)'" }.joined(separator: ", ")); nothing was written. "
                    + "Choose another folder: shotc init NEW-FOLDER\n")
            throw ExitCode(ExitStatus.usage)
        }
        for file in files {
            do {
                try AtomicFile.makeDirectory(
                    Path.directory(of: file.path).isEmpty ? "." : Path.directory(of: file.path))
                try AtomicFile.write(Array(file.text.utf8), to: file.path)
            } catch {
                Terminal.writeError("error: \(error)\n")
                throw ExitCode(ExitStatus.usage)
            }
        }
        let scene = files[0].path
        Terminal.write(
            "created " + files.map(\.path).joined(separator: ", ") + "\n"
                + "next: shotc check \(scene)   then   shotc build \(scene) --cost   then   FAL_KEY=... shotc run \(scene)\n"
        )
    }
}

/// The files of a starter project: the scene first.
enum StarterProject {
    static func files(yaml: Bool) -> [(name: String, text: String)] {
        yaml
            ? [("scene.yaml", sceneYAML), ("cast.yaml", castYAML), ("refs/README.md", refsReadme)]
            : [("scene.shot", sceneShot), ("cast.shot", castShot), ("refs/README.md", refsReadme)]
    }

    static let sceneShot = """
        # A starter scene for shotc. A line whose first non-blank character is '#' is a comment.
        #   shotc check scene.shot              find problems before paying for a render
        #   shotc build scene.shot --cost       the request JSON fal receives, and its cost
        #   FAL_KEY=... shotc run scene.shot    render it on fal (videos go to renders/scene/)

        # The cast lives in cast.shot, so every scene of the film can share it.
        import "cast.shot"

        model standard       # standard or pro
        duration 5s          # the default for every shot: 3 to 10 seconds
        aspect 16:9          # 16:9, 9:16 or 1:1

        # Images and styles become @Image1, @Image2, ... in a shot's prompt; characters and props
        # become @Element1, ... Replace these example URLs with your own pictures, such as
        # refs/harbour.png (see refs/README.md).
        image harbour https://example.com/shotc-starter/harbour.png
        style dusk    https://example.com/shotc-starter/dusk-style.png

        # A shot: its name, then optionally its length and aspect ratio; its prose is indented.
        # Mention what you declared as @name: each shot numbers its own mentions.
        shot arrival 5s
          Take @harbour as the start frame. @ana walks along the quay at dusk,
          carrying @lantern. Keep the colours of @dusk.

        shot farewell 8s 9:16
          Close on @ana as she lifts @lantern and waves goodbye. @dusk palette.

        """

    static let castShot = """
        # The cast: characters and props, shared by every scene that imports this file.
        # Each needs a front view and 1 to 3 other angles (refs), as files or URLs.
        character ana
          front https://example.com/shotc-starter/ana-front.png
          refs  https://example.com/shotc-starter/ana-side.png
          note  A ferry pilot in an orange raincoat. Notes are never sent.

        prop lantern
          front https://example.com/shotc-starter/lantern-front.png
          refs  https://example.com/shotc-starter/lantern-side.png

        """

    static let sceneYAML = """
        # A starter scene for shotc, in YAML (scene.shot would say the same in .shot syntax).
        #   shotc check scene.yaml              find problems before paying for a render
        #   shotc build scene.yaml --cost       the request JSON fal receives, and its cost
        #   FAL_KEY=... shotc run scene.yaml    render it on fal (videos go to renders/scene/)

        # The cast lives in cast.yaml, so every scene of the film can share it.
        import: [cast.yaml]

        model: standard      # standard or pro
        duration: 5s         # the default for every shot: 3 to 10 seconds
        aspect: "16:9"       # 16:9, 9:16 or 1:1

        # Images and styles become @Image1, @Image2, ... in a shot's prompt; characters and props
        # become @Element1, ... Replace these example URLs with your own pictures, such as
        # refs/harbour.png (see refs/README.md).
        images:
          harbour: https://example.com/shotc-starter/harbour.png
        styles:
          dusk: https://example.com/shotc-starter/dusk-style.png

        # Mention what you declared as @name: each shot numbers its own mentions. A prompt that
        # starts with @ must be quoted or written as a block (>), as here.
        shots:
          arrival:
            duration: 5s
            prompt: >
              Take @harbour as the start frame. @ana walks along the quay at dusk,
              carrying @lantern. Keep the colours of @dusk.
          farewell:
            duration: 8s
            aspect: "9:16"
            prompt: >
              Close on @ana as she lifts @lantern and waves goodbye. @dusk palette.

        """

    static let castYAML = """
        # The cast: characters and props, shared by every scene that imports this file.
        # Each needs a front view and 1 to 3 other angles (refs), as files or URLs.
        characters:
          ana:
            front: https://example.com/shotc-starter/ana-front.png
            refs: [https://example.com/shotc-starter/ana-side.png]
            note: A ferry pilot in an orange raincoat. Notes are never sent.
        props:
          lantern:
            front: https://example.com/shotc-starter/lantern-front.png
            refs: [https://example.com/shotc-starter/lantern-side.png]

        """

    static let refsReadme = """
        # Pictures for this project

        Put the pictures your scene names here, and point the scene at them instead of the
        example URLs: `front refs/ana-front.png` in `.shot`, `front: refs/ana-front.png` in YAML.
        shotc uploads each local picture to fal once and remembers it.

        What fal accepts (`shotc check` tells you when a picture is outside these):
        - JPEG or PNG (WebP and GIF are read too, with a warning).
        - At least 300 × 300 pixels.
        - Width divided by height between 0.40 and 2.50.
        - Front views at most 10 MB.

        What works well:
        - Characters and props: a clear front view (`front`), plus 1 to 3 other angles
          (`refs`): side, back, three-quarter. The same lighting and clothes in each.
        - Images: a start frame or a place, at the shot's aspect ratio (16:9, 9:16 or 1:1).
        - Styles: a picture whose look (palette, texture, era) the shot should copy.
        - At most 7 pictures per shot in all: each element counts once, each image once.

        """
}
