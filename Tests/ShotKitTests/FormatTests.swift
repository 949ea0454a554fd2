import Foundation
import ShotcTestSupport
import Testing
import ShotKit

/// `shotc fmt` and `--to`: idempotent, meaning-preserving (`build` gives the same bytes) and
/// comment-preserving on every example, every diagnostic fixture and 1,000 generated scenes.
@Suite struct FormatTests {
    /// Every scene file of the examples and of the diagnostic fixtures.
    static let sceneFiles: [String] = {
        var found: [String] = []
        for folder in ["examples", "Tests/ShotKitTests/Fixtures/diagnostics"] {
            let root = repositoryDirectory + "/" + folder
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            for case let path as String in walker
            where path.hasSuffix(".shot") || path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                found.append(root + "/" + path)
            }
        }
        return found.sorted()
    }()

    static func other(_ surface: SurfaceSyntax) -> SurfaceSyntax { surface == .shot ? .yaml : .shot }

    /// `path` renamed to the syntax `surface`, with a marker so it names no real file.
    static func sibling(_ path: String, _ surface: SurfaceSyntax) -> String {
        let stem = path.split(separator: "/").last.map(String.init) ?? path
        let folder = String(path.dropLast(stem.count))
        let base = stem.split(separator: ".").first.map(String.init) ?? stem
        return folder + base + ".fmt-test." + (surface == .shot ? "shot" : "yaml")
    }

    static func formatted(_ path: String, _ bytes: [UInt8], to target: SurfaceSyntax? = nil) -> String? {
        if case .formatted(let text) = SceneFormatter.format(path: path, bytes: bytes, to: target) { return text }
        return nil
    }

    /// The build output of the scene whose root is `text` at `path`, or nil when it has errors.
    static func build(path: String, text: [UInt8], fileSystem: any FileSystem = LocalFileSystem()) throws -> String? {
        let compilation = Compiler.compile(path: path, text: text, fileSystem: fileSystem)
        guard let scene = compilation.scene else { return nil }
        var builder = RequestBuilder(scene: scene)
        return try builder.buildArray(scene.shots, images: .writtenPaths).rendered(pretty: true)
    }

    static func comments(_ path: String, _ text: String) -> [String] {
        SceneFormatter.commentTexts(path: path, bytes: Array(text.utf8)).sorted()
    }

    @Test func thereAreScenesToFormat() {
        #expect(Self.sceneFiles.count >= 40, "\(Self.sceneFiles.count)")
    }

    @Test(arguments: sceneFiles)
    func formatIsIdempotentAndKeepsMeaningAndComments(path: String) throws {
        let bytes = try #require(FileManager.default.contents(atPath: path).map { [UInt8]($0) })
        guard let once = Self.formatted(path, bytes) else {
            // Not formatted: it must have syntax errors, which compiling shows too.
            // (or a key the compiler ignores, W0002, which formatting would drop).
            let diagnostics = Compiler.compile(path: path).diagnostics
            #expect(
                diagnostics.hasErrors || diagnostics.sorted.contains { $0.code.id == "W0002" },
                "\(path) was refused without errors")
            return
        }
        let surface = SceneLoader.surface(forPath: path)
        let original = SceneFormatter.commentTexts(path: path, bytes: bytes).sorted()
        #expect(Self.formatted(path, Array(once.utf8)) == once, "\(path): not idempotent:\n\(once)")
        #expect(Self.comments(path, once) == original, "\(path): comments changed:\n\(once)")
        let built = try Self.build(path: path, text: bytes)
        #expect(try Self.build(path: path, text: Array(once.utf8)) == built, "\(path): build changed:\n\(once)")
        // Converted both ways.
        let otherPath = Self.sibling(path, Self.other(surface))
        let converted = try #require(Self.formatted(path, bytes, to: Self.other(surface)), "\(path) cannot convert")
        #expect(
            Self.formatted(otherPath, Array(converted.utf8)) == converted,
            "\(path): conversion not canonical:\n\(converted)")
        #expect(Self.comments(otherPath, converted) == original, "\(path): conversion lost comments:\n\(converted)")
        #expect(
            try Self.build(path: otherPath, text: Array(converted.utf8)) == built,
            "\(path): conversion changed build:\n\(converted)")
        let back = try #require(Self.formatted(otherPath, Array(converted.utf8), to: surface))
        #expect(Self.comments(path, back) == original)
        #expect(
            try Self.build(path: path, text: Array(back.utf8)) == built, "\(path): round trip changed build:\n\(back)")
        #expect(Self.formatted(path, Array(back.utf8)) == back)
    }

    /// `text` with comments put where its syntax allows them: whole-line comments before
    /// any line (YAML: before key lines only, never inside a block scalar), trailing comments
    /// after header and field lines (never after prose, nor after a `.shot` note), and blank
    /// lines.
    static func commented(_ text: [UInt8], path: String, random: inout SplitMix64) -> [UInt8] {
        let yaml = path.hasSuffix(".yaml")
        var out: [String] = []
        var number = 0
        func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }
        for line in String(decoding: text, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = line.prefix { $0 == " " }.count
            let trimmed = line.dropFirst(indent)
            let isKeyLine = yaml ? indent <= 4 && !trimmed.isEmpty : true
            if isKeyLine, chance(15) {
                number += 1
                out.append(
                    String(repeating: " ", count: yaml ? indent : Int(random.next() % 3)) + "# c\(number) before")
                if chance(30) { out.append("") }
            }
            var written = String(line)
            let trailingAllowed: Bool
            if yaml {
                trailingAllowed = indent <= 4 && !trimmed.isEmpty
            } else {
                let first = trimmed.split(separator: " ").first.map(String.init) ?? ""
                trailingAllowed =
                    ["shot", "character", "prop", "image", "style", "import", "duration", "front", "refs"].contains(
                        first)
            }
            if trailingAllowed, chance(20) {
                number += 1
                written += "  # c\(number) trailing"
            }
            out.append(written)
        }
        return Array(out.joined(separator: "\n").utf8)
    }

    @Test func aThousandGeneratedScenesFormatAndConvertWithTheSameBuild() throws {
        var generator = SceneGenerator(random: SplitMix64(seed: 0xF0_4D47))
        var commentRandom = SplitMix64(seed: 0xC0_33E7)
        var commentsSeen = 0
        for number in 0..<1000 {
            var scene = generator.scene()
            for (path, bytes) in scene.files {
                scene.files[path] = Self.commented(bytes, path: path, random: &commentRandom)
            }
            let fileSystem = MemoryFileSystem(files: scene.files)
            let rootBytes = try #require(scene.files[scene.root])
            let built = try #require(
                try Self.build(path: scene.root, text: rootBytes, fileSystem: fileSystem), "scene \(number)")
            // Every file formatted in place.
            var formattedFiles = scene.files
            for (path, bytes) in scene.files {
                let text = try #require(
                    Self.formatted(path, bytes), "scene \(number): \(path)\n\(String(decoding: bytes, as: UTF8.self))")
                #expect(Self.formatted(path, Array(text.utf8)) == text, "scene \(number): \(path) not idempotent")
                let comments = SceneFormatter.commentTexts(path: path, bytes: bytes).sorted()
                commentsSeen += comments.count
                #expect(Self.comments(path, text) == comments, "scene \(number): \(path) lost comments:\n\(text)")
                // Every file converted keeps its comments, and reads back.
                let otherPath = Self.sibling(path, Self.other(SceneLoader.surface(forPath: path)))
                let converted = try #require(
                    Self.formatted(path, bytes, to: Self.other(SceneLoader.surface(forPath: path))), "scene \(number)")
                #expect(
                    Self.comments(otherPath, converted) == comments, "scene \(number): \(path) converted:\n\(converted)"
                )
                #expect(Self.formatted(otherPath, Array(converted.utf8)) == converted, "scene \(number): \(path)")
                formattedFiles[path] = Array(text.utf8)
            }
            let formattedSystem = MemoryFileSystem(files: formattedFiles)
            let formattedRoot = try #require(formattedFiles[scene.root])
            #expect(
                try Self.build(path: scene.root, text: formattedRoot, fileSystem: formattedSystem) == built,
                "scene \(number)")
            // The root converted to the other syntax, and back.
            let surface = SceneLoader.surface(forPath: scene.root)
            let otherPath = Self.sibling(scene.root, Self.other(surface))
            let converted = try #require(
                Self.formatted(scene.root, rootBytes, to: Self.other(surface)), "scene \(number)")
            #expect(
                try Self.build(path: otherPath, text: Array(converted.utf8), fileSystem: fileSystem) == built,
                "scene \(number): conversion changed build:\n\(converted)")
            let back = try #require(Self.formatted(otherPath, Array(converted.utf8), to: surface))
            #expect(
                try Self.build(path: scene.root, text: Array(back.utf8), fileSystem: fileSystem) == built,
                "scene \(number)")
            #expect(
                Self.comments(scene.root, back)
                    == SceneFormatter.commentTexts(path: scene.root, bytes: rootBytes).sorted())
        }
        #expect(commentsSeen > 1000, "\(commentsSeen) comments")
    }

    // MARK: - Layout

    static func format(_ text: String, path: String = "scene.shot", to target: SurfaceSyntax? = nil) -> String? {
        formatted(path, Array(text.utf8), to: target)
    }

    @Test func shotLayoutAlignsFieldsAndSeparatesBlocks() {
        let text = """
            # header
            model   pro
            duration 5s
            character mara  # the hero
               front  refs/a.png
               refs refs/b.png,refs/c.png
              note A note # with a hash
            image ruin refs/r.png
            style gh   refs/g.png
            shot one 16:9 5s
                First line
                  second line.
              # between paragraphs


              Second paragraph.
            """
        let expected = """
            # header
            model pro
            duration 5s

            character mara  # the hero
              front refs/a.png
              refs  refs/b.png, refs/c.png
              note  A note # with a hash

            image ruin refs/r.png
            style gh   refs/g.png

            shot one 5s 16:9
              First line
              second line.

              # between paragraphs
              Second paragraph.

            """
        #expect(Self.format(text) == expected)
        #expect(Self.format(expected) == expected)
    }

    /// Regression: the blank line after a comment block was looked up one line off, so a
    /// detached header comment lost its blank line and a second format added it back.
    @Test func aBlankLineAfterAHeaderCommentIsKept() {
        let text = "# header\n\nmodel pro\n# attached\nduration 5s\n"
        #expect(Self.format(text) == text)
        let yaml = "# header\n\nmodel: pro\n"
        #expect(Self.format(yaml, path: "a.yaml") == yaml)
    }

    /// Regression: a comment indented under a block's last line (YAML) stays in the block
    /// instead of moving above the next section's key.
    @Test func anIndentedCommentAfterABlockStaysInIt() {
        let text = "characters:\n  mara:\n    front: a.png\n    # end of mara\nimages:\n  ruin: r.png\n"
        #expect(Self.format(text, path: "a.yaml") == text)
        #expect(
            Self.format(text, path: "a.yaml", to: .shot)
                == "character mara\n  front a.png\n  # end of mara\n\nimage ruin r.png\n")
    }

    /// A YAML note `""` has no `.shot` form (an empty `note` is error E0024 there).
    @Test func anEmptyNoteDoesNotConvertToShot() {
        let text = "characters:\n  m:\n    front: a.png\n    note: \"\"\n"
        guard case .cannotConvert(let error) = SceneFormatter.format(path: "a.yaml", bytes: Array(text.utf8), to: .shot)
        else {
            Issue.record("converted an empty note")
            return
        }
        #expect(error.message.contains("the note of 'm' is empty"))
    }

    @Test func quotedValuesStayQuoted() {
        let text = "image ruin \"refs/my ruin.png\"\nimport \"a#b.shot\"\n"
        #expect(Self.format(text) == "image ruin \"refs/my ruin.png\"\n\nimport \"a#b.shot\"\n")
    }

    @Test func syntaxErrorsAreNotFormatted() {
        guard
            case .rejected(_, let diagnostics) = SceneFormatter.format(
                path: "a.shot", bytes: Array("bogus line\n".utf8))
        else {
            Issue.record("formatted a file with a syntax error")
            return
        }
        #expect(diagnostics.map(\.code.id) == ["E0006"])
        // An unknown YAML key is dropped by the compiler: formatting would lose it, so it refuses.
        guard case .rejected = SceneFormatter.format(path: "a.yaml", bytes: Array("modle: pro\n".utf8)) else {
            Issue.record("formatted a YAML file with an unknown key")
            return
        }
    }

    @Test func yamlPromptsBecomeFoldedBlocksWithTheirLineBreaks() {
        let text = """
            shots:
              a:
                prompt: "First line
                  second line.\\n\\nSecond paragraph."
              b: {prompt: '@mara waves'}
            """
        let expected = """
            shots:
              a:
                prompt: >
                  First line
                  second line.


                  Second paragraph.
              b:
                prompt: >
                  @mara waves

            """
        #expect(Self.format(text, path: "a.yaml") == expected)
        #expect(Self.format(expected, path: "a.yaml") == expected)
    }

    @Test func aPromptWithASingleLineBreakCannotBecomeShotProse() {
        let text = "shots:\n  a:\n    prompt: |\n      one\n      two\n"
        guard case .cannotConvert(let error) = SceneFormatter.format(path: "a.yaml", bytes: Array(text.utf8), to: .shot)
        else {
            Issue.record("converted a prompt .shot cannot hold")
            return
        }
        #expect(error.message.contains("shot 'a'"))
        // YAML keeps it, as a folded block (one empty line is one line feed).
        #expect(Self.format(text, path: "a.yaml") == "shots:\n  a:\n    prompt: >\n      one\n\n      two\n")
        // A line that starts with a blank cannot be folded: double-quoted.
        #expect(
            Self.format("shots:\n  a:\n    prompt: \"one\\n  two\"\n", path: "a.yaml")
                == "shots:\n  a:\n    prompt: \"one\\n  two\"\n")
    }

    @Test func commentsMoveToTheNearestLineThatCanHoldThem() {
        let text = """
            shot a 5s
              # top
              one
              # middle
              two
            """
        let yaml = Self.format(text, to: .yaml)
        #expect(
            yaml == """
                shots:
                  a:
                    duration: 5s
                    # top
                    # middle
                    prompt: >
                      one
                      two

                """)
        #expect(Self.format(yaml ?? "", path: "a.yaml", to: .shot) == "shot a 5s\n  # top\n  # middle\n  one\n  two\n")
    }
}
