import Foundation
import ShotcTestSupport
import Testing

/// `shotc build`, `check` and `explain`, run as a writer runs them: the built binary, in a
/// scratch copy of an example, with its exit status, stdout and stderr.
@Suite struct BuildCLITests {
    private let environment = ShotcProcess.environment([:])

    private func scratch() throws -> Scratch {
        try Scratch(example: "greenhouse", file: "greenhouse.shot")
    }

    private func write(_ text: String, to name: String, in scratch: Scratch) throws {
        try text.write(toFile: scratch.folder + "/" + name, atomically: true, encoding: .utf8)
    }

    @Test func buildPrintsTheExpectedArray() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        let result = try scratch.run(["build", "greenhouse.shot", "--keep-paths"], environment: environment)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
        let expected = try String(contentsOfFile: scratch.folder + "/greenhouse.expected.json", encoding: .utf8)
        #expect(result.stdout == expected)
    }

    @Test func oneShotPrintsItsBodyAlone() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        let result = try scratch.run(
            ["build", "greenhouse.yaml", "--shot", "orbit", "--keep-paths"], environment: environment)
        #expect(result.status == 0, "\(result)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(body["prompt"] as? String == "A slow 180-degree orbit around @Element1, @Image1 palette.")
        #expect(body["duration"] as? String == "8")
        #expect(result.stdout.hasPrefix("{\n  \"prompt\": "))
    }

    @Test func outputFolderGetsOneFilePerShot() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        let result = try scratch.run(
            ["build", "greenhouse.shot", "-o", "requests", "--keep-paths"], environment: environment)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "wrote 2 requests to requests\n")
        let names = try FileManager.default.contentsOfDirectory(atPath: scratch.folder + "/requests").sorted()
        #expect(names == ["opening.json", "orbit.json"])
        let single = try scratch.run(
            ["build", "greenhouse.shot", "--shot", "opening", "--keep-paths"], environment: environment)
        let written = try String(contentsOfFile: scratch.folder + "/requests/opening.json", encoding: .utf8)
        #expect(written == single.stdout)
    }

    @Test func embeddedImagesAreDeterministic() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        let first = try scratch.run(["build", "greenhouse.shot"], environment: environment)
        let second = try scratch.run(["build", "greenhouse.yaml"], environment: environment)
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("\"frontal_image_url\": \"data:image/png;base64,iVBORw0KGgo"))
        #expect(!first.stdout.contains("refs/mara-front.png"))
        #expect(first.stdout == second.stdout)
    }

    @Test func costGoesToStandardError() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        let result = try scratch.run(["build", "greenhouse.shot", "--keep-paths", "--cost"], environment: environment)
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stderr == """
                cost estimate: standard tier, $0.084/s
                  opening   5 s  $0.420
                  orbit     8 s  $0.672
                  total    13 s  $1.092

                """)
    }

    @Test func unknownShotIsAUsageError() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        let result = try scratch.run(["build", "greenhouse.shot", "--shot", "openning"], environment: environment)
        #expect(result.status == 2, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("error[E0105]: unknown shot 'openning'\n  = help: did you mean 'opening'?\n"))
    }

    @Test func errorsExitOneWithEveryDiagnosticAndNoOutput() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        try write(
            """
            character mara
              front refs/mara-front.png
              refs  refs/mara-side.png

            shot a 12s
              @mra waits.
            shot b 4:3
              @mara waits.
            """, to: "broken.shot", in: scratch)
        let result = try scratch.run(["build", "broken.shot"], environment: environment)
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("broken.shot:5:8: error[E0201]: invalid duration '12s'\n"))
        #expect(result.stderr.contains("broken.shot:6:3: error[E0101]: unknown reference '@mra'\n"))
        #expect(result.stderr.contains("broken.shot:7:8: error[E0202]: invalid aspect ratio '4:3'\n"))
        #expect(result.stderr.hasSuffix("\n3 errors\n"))
        #expect(!result.stderr.contains("\u{1B}["), "no colour off a terminal")
        let colored = try scratch.run(["check", "broken.shot", "--color", "always"], environment: environment)
        #expect(colored.status == 1)
        #expect(colored.stderr.contains("\u{1B}[1;31merror[E0201]\u{1B}[0m"))
    }

    @Test func jsonDiagnosticsAreOneObjectPerLine() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        try write("shot a\n  @nobody waits.\n", to: "one.shot", in: scratch)
        let result = try scratch.run(["check", "one.shot", "--diagnostics", "json"], environment: environment)
        #expect(result.status == 1, "\(result)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["file"] as? String == "one.shot")
        #expect(object["line"] as? Int == 2)
        #expect(object["column"] as? Int == 3)
        #expect(object["endColumn"] as? Int == 10)
        #expect(object["code"] as? String == "E0101")
        #expect(object["severity"] as? String == "error")
        #expect(object["notes"] is [Any])
    }

    @Test func denyWarningsTurnsWarningsIntoFailures() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        try write("image attic refs/greenhouse.png\nshot a\n  An empty stage.\n", to: "warn.shot", in: scratch)
        let lenient = try scratch.run(["check", "warn.shot"], environment: environment)
        #expect(lenient.status == 0, "\(lenient)")
        #expect(lenient.stderr.contains("warn.shot:1:7: warning[W0001]: image 'attic' is never mentioned"))
        let strict = try scratch.run(["check", "warn.shot", "--deny-warnings"], environment: environment)
        #expect(strict.status == 1, "\(strict)")
        #expect(strict.stderr.contains("warn.shot:1:7: error[W0001]"))
    }

    @Test func checkReportsEachFileAndIsSilentWhenClean() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        let clean = try scratch.run(["check", "greenhouse.shot", "greenhouse.yaml"], environment: environment)
        #expect(clean.status == 0, "\(clean)")
        #expect(clean.stdout.isEmpty && clean.stderr.isEmpty)
        let missing = try scratch.run(["check", "greenhouse.shot", "nothere.yaml"], environment: environment)
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error[E0402]: cannot read scene file 'nothere.yaml': no such file\n"))
    }

    /// Issue 7, point 1: `shotc check` died with "Range requires lowerBound <= upperBound" on
    /// a YAML error in a line ending with a lone CR.
    @Test(arguments: ["\"\r", "a: 'x\r"])
    func loneCarriageReturnInAYAMLErrorIsReported(text: String) throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        try write(text, to: "m.yaml", in: scratch)
        let result = try scratch.run(["check", "m.yaml"], environment: environment)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.hasPrefix("m.yaml:"), "\(result)")
        #expect(result.stderr.contains("error[E0020]"), "\(result)")
    }

    /// Issue 7, points 2 and 5: a FIFO import is refused at once (it blocked forever), and a
    /// shot name too long for `NAME.run.json` is an error at the name (`build -o` failed with
    /// "File name too long" and no place).
    @Test func fifoImportAndLongShotNameAreDiagnostics() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        #expect(mkfifo(scratch.folder + "/pipe.shot", 0o600) == 0)
        try write("import \"pipe.shot\"\nshot a\n  A room.\n", to: "fifo.shot", in: scratch)
        let fifo = try scratch.run(["check", "fifo.shot"], environment: environment, timeout: 20)
        #expect(!fifo.timedOut)
        #expect(fifo.status == 1, "\(fifo)")
        #expect(
            fifo.stderr.hasPrefix(
                "fifo.shot:1:8: error[E0402]: cannot read imported file 'pipe.shot': it is a named pipe (FIFO), not a regular file\n"
            ), "\(fifo)")
        let name = String(repeating: "n", count: 245)
        try write("shot \(name)\n  A room.\n", to: "long.shot", in: scratch)
        let long = try scratch.run(["build", "long.shot", "-o", "requests"], environment: environment)
        #expect(long.status == 1, "\(long)")
        #expect(
            long.stderr.hasPrefix(
                "long.shot:1:6: error[E0010]: shot name 'nnnnnnnnnnnnnnnnnnnnnnnn…' is 245 bytes long; shot names are at most 200 bytes\n"
            ), "\(long)")
    }

    @Test func usageErrorsExitTwo() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        for arguments in [
            ["build"], ["frobnicate"], ["run", "greenhouse.shot", "-j", "0"],
            ["build", "greenhouse.shot", "--diagnostics", "xml"],
        ] {
            let result = try scratch.run(arguments, environment: environment)
            #expect(result.status == 2, "\(arguments): \(result)")
            #expect(!result.stderr.isEmpty)
        }
    }

    /// `build` and `check` are parsed directly when their arguments are theirs alone; whatever
    /// they reject goes through the whole command tree, so help and errors name the command
    /// as `shotc build` and root options still work after them.
    @Test func buildAndCheckParsedDirectlyKeepTheWholeTreesMessages() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        for command in ["build", "check"] {
            let help = try scratch.run([command, "-h"], environment: environment)
            #expect(help.status == 0, "\(help)")
            #expect(help.stdout.contains("USAGE: shotc \(command) "), "\(help.stdout)")
            let missing = try scratch.run([command], environment: environment)
            #expect(missing.status == 2, "\(missing)")
            #expect(missing.stderr.contains("shotc \(command)"), "\(missing.stderr)")
            let unknown = try scratch.run([command, "greenhouse.shot", "--frobnicate"], environment: environment)
            #expect(unknown.status == 2, "\(unknown)")
            #expect(unknown.stderr.contains("--frobnicate"), "\(unknown.stderr)")
        }
        let checked = try scratch.run(["check", "greenhouse.shot", "--diagnostics", "json"], environment: environment)
        #expect(checked.status == 0, "\(checked)")
    }

    /// A scene of 256 KiB or more is built with 2 MB pages for the heap (`tuneAllocator`);
    /// its output must be the bytes glibc's defaults give. Arguments after `--` are left to
    /// argument-parser, whose path keeps the defaults.
    @Test func aLargeSceneBuildsToTheSameBytesWithHugePages() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        var text = try String(contentsOfFile: scratch.scene, encoding: .utf8)
        for index in 0..<1_600 {
            text += """

                shot take\(index) \(index % 2 == 0 ? "5s" : "10s")
                  Take @ruin as the start frame; @mara turns to the light, holding @stone, in the
                  palette of @ghibli. The camera drifts left as the glass fogs, take \(index).

                """
        }
        try write(text, to: "large.shot", in: scratch)
        #expect(text.utf8.count >= 256 << 10, "the scene is under the threshold: \(text.utf8.count) bytes")
        let tuned = try scratch.run(["build", "large.shot", "--keep-paths"], environment: environment)
        let plain = try scratch.run(["build", "--keep-paths", "--", "large.shot"], environment: environment)
        #expect(tuned.status == 0, "\(tuned.stderr)")
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(tuned.stdout.components(separatedBy: "\"shot\": \"take").count == 1_601)
        #expect(tuned.stdout == plain.stdout)
    }

    @Test func explainShowsACodeOrListsThemAll() throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        let one = try scratch.run(["explain", "e0101"], environment: environment)
        #expect(one.status == 0, "\(one)")
        #expect(one.stdout.hasPrefix("E0101: unknown reference (error)\n\n"))
        let all = try scratch.run(["explain"], environment: environment)
        #expect(all.status == 0)
        #expect(all.stdout.contains("E0101  error    unknown reference\n"))
        #expect(all.stdout.contains("W0006  warning  setting in imported file ignored\n"))
        let unknown = try scratch.run(["explain", "E9999"], environment: environment)
        #expect(unknown.status == 2)
    }

    @Test(arguments: ["build", "check", "run", "cancel", "explain"])
    func everyHelpShowsExamples(command: String) throws {
        let scratch = try scratch()
        defer { scratch.remove() }
        let result = try scratch.run([command, "--help"], environment: environment)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("Examples:"), "\(result.stdout)")
        #expect(result.stdout.contains("shotc \(command == "explain" ? "explain E0101" : command)"))
    }
}
