import ArgumentParser
import ShotcTestSupport
import Testing

@testable import shotc

/// `build` and `check` arguments read by hand (`DirectCommand`) must mean what argument-parser
/// reads from them, and whatever the hand reader does not take is left to argument-parser.
@Suite struct DirectCommandTests {
    /// What the whole command tree makes of `arguments`: a build or check job, or nil when it
    /// rejects them or asks for something else (help, another command).
    private func treeReading(_ arguments: [String]) -> DirectCommand? {
        guard let command = try? Shotc.parseAsRoot(arguments) else { return nil }
        if let build = command as? Build { return .build(build.job) }
        if let check = command as? Check { return .check(check.job) }
        return nil
    }

    @Test(
        "the plain forms are read by hand, and mean what argument-parser reads",
        arguments: [
            ["build", "a.shot"],
            ["build", "a.yaml", "--keep-paths"],
            ["build", "--keep-paths", "a.shot", "--cost"],
            ["build", "a.shot", "--shot", "opening"],
            ["build", "a.shot", "--shot=opening", "--shot", "orbit"],
            ["build", "a.shot", "-o", "requests/"],
            ["build", "a.shot", "--output=requests/", "--cost"],
            ["build", "a.shot", "--output", "out", "--diagnostics", "json", "--color=never", "--deny-warnings"],
            ["build", "a.shot", "--color", "always"],
            ["build", "", "--cost"],
            ["build", "odd=name.shot"],
            ["check", "a.shot"],
            ["check", "a.shot", "b.yaml", "c.yml"],
            ["check", "--fix", "a.shot"],
            ["check", "a.shot", "--diagnostics=json", "b.shot", "--deny-warnings"],
            ["check", "a.shot", "--color", "auto", "--fix"],
        ])
    func plainForms(arguments: [String]) throws {
        let direct = try #require(DirectCommand.parse(arguments), "not read by hand: \(arguments)")
        #expect(direct == treeReading(arguments), "\(arguments)")
    }

    @Test(
        "help, versions, repeats, mistakes and unusual forms are left to argument-parser",
        arguments: [
            ["build"], ["build", "-h"], ["build", "--help"], ["build", "a.shot", "--version"],
            ["build", "a.shot", "b.shot"], ["build", "a.shot", "--frobnicate"], ["build", "a.shot", "--shot"],
            ["build", "a.shot", "--shot", "--cost"], ["build", "a.shot", "-o", "x", "-o", "y"],
            ["build", "a.shot", "--cost", "--cost"], ["build", "a.shot", "--cost=yes"],
            ["build", "a.shot", "--diagnostics", "xml"], ["build", "a.shot", "--color", "sometimes"],
            ["build", "a.shot", "--shot="], ["build", "--", "-a.shot"], ["build", "-", "--cost"],
            ["build", "a.shot", "-oout"], ["build", "a.shot", "--fix"], ["check"], ["check", "--fix"],
            ["check", "a.shot", "--keep-paths"], ["check", "a.shot", "--fix", "--fix"], ["check", "-h"],
            ["run", "a.shot"], ["status", "a.shot"], ["--version"], ["help", "build"], [],
        ])
    func leftToArgumentParser(arguments: [String]) {
        #expect(DirectCommand.parse(arguments) == nil, "\(arguments)")
    }

    /// 2,000 argument lists drawn from a vocabulary of files, options, values and mistakes:
    /// whenever the hand reader takes one, argument-parser reads the same job from it.
    @Test func generatedArgumentListsAgree() {
        let vocabulary = [
            "a.shot", "b.yaml", "x", "", "--shot", "--shot=x", "opening", "-o", "--output", "--output=d", "d/",
            "--keep-paths", "--cost", "--fix", "--diagnostics", "json", "human", "xml", "--diagnostics=json",
            "--color", "auto", "always", "never", "--color=never", "--deny-warnings", "-h", "--", "-", "-x",
            "--version", "--cost=1",
        ]
        var random = SplitMix64(seed: 0xA26_5EED)
        var taken = 0
        for _ in 0..<2_000 {
            var arguments = [Bool.random(using: &random) ? "build" : "check"]
            for _ in 0..<Int.random(in: 0...6, using: &random) {
                arguments.append(vocabulary.randomElement(using: &random)!)
            }
            guard let direct = DirectCommand.parse(arguments) else { continue }
            taken += 1
            #expect(direct == treeReading(arguments), "\(arguments)")
        }
        // Enough of the lists are read by hand for the comparison to mean something.
        #expect(taken > 200, "only \(taken) lists were read by hand")
    }
}
