import Testing
@testable import ShotKit

/// The analyzer's parts on their own: the pure checks of settings and image values, and the
/// one name rule of both syntaxes.
@Suite struct AnalyzerPartsTests {
    private func located(_ text: String) -> Located<String> {
        Located(text, at: SourceSpan(file: FileID(0), start: 0, end: text.utf8.count))
    }

    @Test func durationsAreWholeSecondsFromThreeToTen() {
        #expect((try? SceneSettings.duration(located("5s")).get()) == 5)
        #expect((try? SceneSettings.duration(located("10")).get()) == 10)
        for bad in ["2s", "11", "5.5s", "", "s", "05 s"] {
            guard case .failure(let problem) = SceneSettings.duration(located(bad)) else {
                Issue.record("'\(bad)' accepted")
                continue
            }
            #expect(problem.diagnostic.code == .invalidDuration)
        }
        guard case .failure(let problem) = SceneSettings.duration(located("5.4s")) else { return }
        #expect(problem.diagnostic.help == ["Kling renders whole seconds: use '5s'"])
    }

    @Test func aspectsAndModels() {
        #expect((try? SceneSettings.aspect(located("9:16")).get()) == .portrait)
        guard case .failure(let problem) = SceneSettings.aspect(located("16x9")) else {
            Issue.record("16x9 accepted")
            return
        }
        #expect(problem.diagnostic.fixIts.first?.edits.first?.replacement == "16:9")
        #expect((try? SceneSettings.model(located("pro")).get()) == .pro)
        guard case .failure(let model) = SceneSettings.model(located("prp")) else { return }
        #expect(model.diagnostic.help.first == "did you mean 'pro'?")
    }

    @Test func imageValuesAreClassifiedByTheirText() throws {
        #expect(try Analyzer.classify("https://x.com/a.png").get() == .url)
        #expect(try Analyzer.classify("data:image/png;base64,AAAA").get() == .dataURI)
        #expect(try Analyzer.classify("refs/a.png").get() == .localFile)
        #expect(Analyzer.classify("https://") == .failure(.init(text: "the URL has no host")))
        #expect(Analyzer.classify("ftp://x/a.png") == .failure(.init(text: "'ftp' URLs are not supported")))
        #expect(Analyzer.classify("") == .failure(.init(text: "it is empty")))
    }

    /// Both syntaxes break the name rule with the same help, from the one check.
    @Test func theNameRuleSaysTheSameInBothSyntaxes() {
        let shot = Compiler.compile(
            path: "t.shot", text: Array("image bad- https://x.com/a.png\nshot a\n  @bad\n".utf8))
        let yaml = Compiler.compile(
            path: "t.yaml",
            text: Array("images:\n  bad-: https://x.com/a.png\nshots:\n  a:\n    prompt: x\n".utf8))
        let fromShot = shot.diagnostics.sorted.filter { $0.code == .invalidName }
        let fromYAML = yaml.diagnostics.sorted.filter { $0.code == .invalidName }
        #expect(fromShot.map(\.message) == ["invalid name 'bad-'"])
        #expect(fromYAML.map(\.message) == ["invalid image name 'bad-'"])
        #expect(fromShot.map(\.help) == fromYAML.map(\.help))
    }

    /// The front end that recovered marks the declaration and the value; the analyzer does
    /// not report again what is missing there, and checks the other values.
    @Test func recoveredDeclarationsAreMarkedByTheFrontEnd() throws {
        let text = """
            character mara
              frnt a.png
              refs "bad\\q.png", missing.png

            shot a
              @mara
            """
        var bag = DiagnosticBag()
        var sources = SourceMap()
        let id = sources.add(path: "t.shot", bytes: Array(text.utf8))
        let tree = ShotFrontEnd.parse(sources[id], diagnostics: &bag)
        let declaration = try #require(tree.declarations.first)
        #expect(declaration.recovered)
        let refs = try #require(declaration.field("refs"))
        #expect(declaration.recoveredValues == [refs.values[0].span])
        let compilation = Compiler.compile(path: "t.shot", text: Array(text.utf8))
        let codes = compilation.diagnostics.sorted.map(\.code.id)
        // E0007 (frnt) and E0004 (the escape) from the parser; no E0206 for the front it
        // lost; missing.png is still looked for (E0301), the bad value is not.
        #expect(codes == ["E0007", "E0004", "E0301"], "\(codes)")
        // YAML: a wrong node kind inside a character marks it.
        let yaml = Compiler.compile(
            path: "t.yaml",
            text: Array("characters:\n  mara:\n    front: [a.png]\n    refs: [b.png]\nshots:\n  a: \"@mara\"\n".utf8))
        #expect(yaml.trees.values.first?.declarations.first?.recovered == true)
        #expect(!yaml.diagnostics.sorted.map(\.code).contains(.missingFront))
    }
}
