import Foundation
import ShotcTestSupport
import Testing

/// `shotc check --fix`: each certain fix-it turns a broken copy of the greenhouse example back
/// into the original, which passes `check`; an uncertain one is left alone.
@Suite struct FixTests {
    private let environment = ShotcProcess.environment([:])

    /// Breaks `file` of a scratch greenhouse by replacing `original` with `broken`, runs
    /// `check --fix` on `scene`, and checks that it fixed `code` back to the original text.
    private func expectFixed(
        _ file: String, _ original: String, _ broken: String, code: String, scene: String = "greenhouse.shot",
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let scratch = try Scratch(example: "greenhouse", file: scene)
        defer { scratch.remove() }
        let path = scratch.folder + "/" + file
        let good = try String(contentsOfFile: path, encoding: .utf8)
        #expect(good.contains(original), sourceLocation: sourceLocation)
        let bad = good.replacingOccurrences(of: original, with: broken)
        try bad.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o640)
        let before = try scratch.run(["check", scene, "--deny-warnings"], environment: environment)
        #expect(before.status == 1, "\(before)", sourceLocation: sourceLocation)
        #expect(before.stderr.contains("[\(code)]"), "\(before)", sourceLocation: sourceLocation)
        let fixed = try scratch.run(["check", "--fix", scene], environment: environment)
        #expect(fixed.status == 0, "\(fixed)", sourceLocation: sourceLocation)
        #expect(fixed.stdout.contains("fixed \(code): "), "\(fixed)", sourceLocation: sourceLocation)
        #expect(fixed.stderr.isEmpty, "\(fixed)", sourceLocation: sourceLocation)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == good, sourceLocation: sourceLocation)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect(
            (attributes[.posixPermissions] as? Int) == 0o640, "the file keeps its permissions",
            sourceLocation: sourceLocation)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.folder).filter {
            $0.contains("shotc-fix")
        }
        #expect(leftovers.isEmpty, sourceLocation: sourceLocation)
        let after = try scratch.run(["check", scene, "--deny-warnings"], environment: environment)
        #expect(after.status == 0, "\(after)", sourceLocation: sourceLocation)
    }

    /// A scratch greenhouse whose greenhouse.shot is rewritten by `edit`: the scratch (for the
    /// caller to remove), the file's path and its new text.
    private func editedGreenhouse(
        _ edit: (String) -> String
    ) throws -> (scratch: Scratch, path: String, text: String) {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        do {
            let path = scratch.folder + "/greenhouse.shot"
            let text = edit(try String(contentsOfFile: path, encoding: .utf8))
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return (scratch, path, text)
        } catch {
            scratch.remove()
            throw error
        }
    }

    @Test func misspeltMentionWithOneCloseMatch() throws {
        try expectFixed("greenhouse.shot", "revealing @mara standing", "revealing @mra standing", code: "E0101")
    }

    @Test func fixedLineNamesTheChange() throws {
        let (scratch, _, _) = try editedGreenhouse {
            $0.replacingOccurrences(of: "revealing @mara", with: "revealing @mra")
        }
        defer { scratch.remove() }
        let fixed = try scratch.run(["check", "--fix", "greenhouse.shot"], environment: environment)
        #expect(fixed.stdout == "greenhouse.shot:18:62: fixed E0101: '@mra' → '@mara'\n", "\(fixed)")
    }

    @Test func aspectWrittenWithAnX() throws {
        try expectFixed("greenhouse.shot", "shot opening 5s 16:9", "shot opening 5s 16x9", code: "E0202")
    }

    @Test func misspeltKeyword() throws {
        try expectFixed("greenhouse.shot", "image ruin", "imgae ruin", code: "E0006")
    }

    @Test func misspeltField() throws {
        try expectFixed("greenhouse.shot", "  front refs/mara-front.png", "  fornt refs/mara-front.png", code: "E0007")
    }

    @Test func tabInIndentation() throws {
        try expectFixed("greenhouse.shot", "  front refs/mara-front.png", "\tfront refs/mara-front.png", code: "E0002")
    }

    @Test func misspeltModel() throws {
        try expectFixed("greenhouse.shot", "model standard", "model standrd", code: "E0203")
    }

    @Test func misspeltYAMLKey() throws {
        try expectFixed(
            "greenhouse.yaml", "    front: refs/mara-front.png", "    fornt: refs/mara-front.png", code: "E0007",
            scene: "greenhouse.yaml")
    }

    @Test func misspeltFieldInAnImportedFile() throws {
        try expectFixed("cast.shot", "  front \"refs/glowing", "  fornt \"refs/glowing", code: "E0007")
    }

    @Test func misspeltKeywordInAnImportedFileThenTheMentionsItDeclares() throws {
        try expectFixed("cast.shot", "prop stone", "porp stone", code: "E0006")
    }

    @Test func ambiguousSuggestionIsNotApplied() throws {
        // '@mar' is one edit from both 'mara' and 'marb'.
        let (scratch, path, bad) = try editedGreenhouse {
            $0.replacingOccurrences(of: "revealing @mara", with: "revealing @mar")
                .replacingOccurrences(of: "image ruin", with: "image marb refs/greenhouse.png\nimage ruin")
        }
        defer { scratch.remove() }
        let result = try scratch.run(["check", "--fix", "greenhouse.shot"], environment: environment)
        #expect(result.status == 1, "\(result)")
        #expect(!result.stdout.contains("fixed"), "\(result)")
        #expect(result.stderr.contains("[E0101]"), "\(result)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == bad)
    }

    @Test func jsonDiagnosticsSayWhetherAFixItIsMachineApplicable() throws {
        let (scratch, _, _) = try editedGreenhouse {
            $0.replacingOccurrences(of: "revealing @mara", with: "revealing @mra")
        }
        defer { scratch.remove() }
        let result = try scratch.run(["check", "greenhouse.shot", "--diagnostics", "json"], environment: environment)
        let line = try #require(result.stderr.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let fixIts = try #require(object["fixIts"] as? [[String: Any]])
        #expect(fixIts.first?["machineApplicable"] as? Bool == true)
    }
}

/// The YAML traps fixed by `check --fix`, and a cast file checked on its own.
@Suite struct YAMLFixTests {
    private let environment = ShotcProcess.environment([:])

    /// Writes `text` as `scene.yaml` in a scratch greenhouse, runs `check --fix` on it and
    /// returns the result and the file's text afterwards.
    private func fix(_ text: String) throws -> (ShotcResult, String) {
        let scratch = try Scratch(example: "greenhouse", file: "scene.yaml")
        defer { scratch.remove() }
        try text.write(toFile: scratch.scene, atomically: true, encoding: .utf8)
        let result = try scratch.run(["check", "--fix", "scene.yaml"], environment: environment)
        return (result, try String(contentsOfFile: scratch.scene, encoding: .utf8))
    }

    private let cast = "import: [cast.yaml]\nshots:\n  a:\n"

    @Test func promptStartingWithAnAtIsQuoted() throws {
        let (result, text) = try fix(cast + "    prompt: @stone glows. # the stone\n")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("fixed E0026: '@stone glows.' → '\"@stone glows.\"'"), "\(result)")
        #expect(text == cast + "    prompt: \"@stone glows.\" # the stone\n")
    }

    @Test func colonSpaceInAPromptIsQuoted() throws {
        let (result, text) = try fix(cast + "    prompt: The @stone says: \"hi\"\n")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("fixed E0027"), "\(result)")
        #expect(text == cast + "    prompt: \"The @stone says: \\\"hi\\\"\"\n")
    }

    @Test func continuedPlainValueIsNotQuotedByItself() throws {
        let broken = cast + "    prompt: @stone glows\n      and fades.\n"
        let (result, text) = try fix(broken)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("[E0026]"), "\(result)")
        #expect(text == broken)
    }

    @Test func tabInYAMLIndentation() throws {
        let (result, text) = try fix(
            cast + "\tprompt: The @stone glows.\n".replacingOccurrences(of: "\t", with: "  \t"))
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("fixed E0002"), "\(result)")
        #expect(text == cast + "    prompt: The @stone glows.\n")
    }

    @Test func castFileCheckedOnItsOwnHasNoUnusedWarnings() throws {
        let scratch = try Scratch(example: "greenhouse", file: "cast.shot")
        defer { scratch.remove() }
        let result = try scratch.run(
            ["check", "cast.shot", "cast.yaml", "greenhouse.shot", "--deny-warnings"], environment: environment)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test func shotNamedLikeAFieldNamesTheSlipOnce() throws {
        let scratch = try Scratch(example: "greenhouse", file: "scene.yaml")
        defer { scratch.remove() }
        try (cast.dropLast(5) + "  a:\n    duration: 5\n  prompt: The @stone glows.\n")
            .write(toFile: scratch.scene, atomically: true, encoding: .utf8)
        let result = try scratch.run(["check", "scene.yaml"], environment: environment)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("[E0028]"), "\(result)")
        #expect(result.stderr.hasSuffix("1 error\n"), "\(result)")
    }
}
