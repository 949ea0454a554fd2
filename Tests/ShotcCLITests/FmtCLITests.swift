import Foundation
import ShotcTestSupport
import Testing

/// `shotc fmt`, run as a writer runs it, in a scratch copy of the greenhouse example.
@Suite struct FmtCLITests {
    private let environment = ShotcProcess.environment([:])

    private func write(_ text: String, to name: String, in scratch: Scratch) throws {
        try text.write(toFile: scratch.folder + "/" + name, atomically: true, encoding: .utf8)
    }

    private func read(_ name: String, in scratch: Scratch) throws -> String {
        try String(contentsOfFile: scratch.folder + "/" + name, encoding: .utf8)
    }

    @Test func checkNamesUnformattedFilesAndInPlaceFixesThem() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        let messy = "model   pro\nshot a   5s\n    @mara waves.   # not a comment\n"
        try write(messy, to: "messy.shot", in: scratch)
        let checked = try scratch.run(["fmt", "--check", "greenhouse.shot", "messy.shot"], environment: environment)
        #expect(checked.status == 1, "\(checked)")
        #expect(checked.stdout == "messy.shot\n", "\(checked)")
        let printed = try scratch.run(["fmt", "messy.shot"], environment: environment)
        #expect(printed.status == 0, "\(printed)")
        #expect(printed.stdout == "model pro\n\nshot a 5s\n  @mara waves.   # not a comment\n")
        #expect(try read("messy.shot", in: scratch) == messy, "printing must not rewrite")
        let rewritten = try scratch.run(["fmt", "-i", "messy.shot"], environment: environment)
        #expect(rewritten.status == 0, "\(rewritten)")
        #expect(try read("messy.shot", in: scratch) == printed.stdout)
        let again = try scratch.run(["fmt", "--check", "messy.shot"], environment: environment)
        #expect(again.status == 0 && again.stdout.isEmpty, "\(again)")
    }

    @Test func aFileWithSyntaxErrorsIsNotRewritten() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        let broken = "model pro\nshto a\n  text\n"
        try write(broken, to: "broken.shot", in: scratch)
        let result = try scratch.run(["fmt", "-i", "broken.shot"], environment: environment)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("broken.shot:2:1"), "\(result)")
        #expect(result.stderr.contains("E0006"), "\(result)")
        #expect(try read("broken.shot", in: scratch) == broken)
    }

    @Test func anUnknownYAMLKeyIsNotDropped() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        try write("common: 1\nmodel: pro\n", to: "w.yaml", in: scratch)
        let result = try scratch.run(["fmt", "-i", "w.yaml"], environment: environment)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("W0002"), "\(result)")
        #expect(result.stderr.contains("formatting would drop the keys the compiler ignores"), "\(result)")
        #expect(try read("w.yaml", in: scratch) == "common: 1\nmodel: pro\n")
    }

    @Test func toConvertsAndBuildsTheSameBytes() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        try FileManager.default.removeItem(atPath: scratch.folder + "/greenhouse.yaml")
        let converted = try scratch.run(["fmt", "--to", "yaml", "-i", "greenhouse.shot"], environment: environment)
        #expect(converted.status == 0, "\(converted)")
        #expect(converted.stderr == "wrote greenhouse.yaml\n", "\(converted)")
        let yaml = try read("greenhouse.yaml", in: scratch)
        #expect(yaml.contains("import: [cast.shot]"), "imports keep their paths:\n\(yaml)")
        let fromShot = try scratch.run(["build", "greenhouse.shot", "--keep-paths"], environment: environment)
        let fromYAML = try scratch.run(["build", "greenhouse.yaml", "--keep-paths"], environment: environment)
        #expect(fromShot.status == 0 && fromYAML.status == 0, "\(fromShot)\(fromYAML)")
        #expect(fromShot.stdout == fromYAML.stdout)
        // Never over an existing file.
        let refused = try scratch.run(["fmt", "--to", "yaml", "-i", "greenhouse.shot"], environment: environment)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("exists already"), "\(refused)")
        #expect(try read("greenhouse.yaml", in: scratch) == yaml)
        // Printed to standard output without -i.
        let printed = try scratch.run(["fmt", "--to", "shot", "greenhouse.yaml"], environment: environment)
        #expect(printed.status == 0, "\(printed)")
        #expect(printed.stdout.contains("shot opening 5s 16:9\n"), "\(printed)")
    }

    @Test func toTakesOneFile() throws {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        defer { scratch.remove() }
        let result = try scratch.run(["fmt", "--to", "yaml", "greenhouse.shot", "cast.shot"], environment: environment)
        #expect(result.status == 2, "\(result)")
    }
}
