import Foundation
import Testing
import ShotKit

/// One fixture per diagnostic code: `Fixtures/diagnostics/CODE/` holds `scene.shot` or
/// `scene.yaml` (and the files it needs); its rendered diagnostics are compared byte for
/// byte with `expected.txt`, and must include the code itself.
@Suite struct DiagnosticGoldenTests {
    static let codes = DiagnosticCode.all.map(\.id)

    @Test(arguments: codes)
    func fixtureRendersAsExpected(code: String) throws {
        let folder = Path.join(fixturesDirectory, "diagnostics/\(code)")
        let candidates = ["scene.shot", "scene.yaml", "scenes/greenhouse.shot"]
        let fileSystem = FixtureFileSystem(base: folder)
        guard let root = candidates.first(where: { (try? fileSystem.size($0)) != nil }) else {
            Issue.record("no fixture scene for \(code) in \(folder)")
            return
        }
        let compilation = Compiler.compile(path: root, fileSystem: fileSystem)
        var diagnostics = compilation.diagnostics.sorted
        if let selection = try? String(contentsOfFile: folder + "/select.txt", encoding: .utf8),
            let scene = compilation.scene
        {
            let names = selection.split(separator: "\n").map(String.init)
            if case .failure(let error) = scene.select(names) { diagnostics += error.diagnostics }
        }
        if let data = FileManager.default.contents(atPath: folder + "/rejection.json"),
            let issues = try JSONSerialization.jsonObject(with: data) as? [[String: Any]],
            let scene = compilation.scene, let shot = scene.shots.first
        {
            let fields = issues.map { issue in
                RejectedField(
                    loc: (issue["loc"] as? [Any] ?? []).map { "\($0)" },
                    message: issue["msg"] as? String ?? "", type: issue["type"] as? String ?? "")
            }
            diagnostics += RejectionLocator(scene: scene, shot: shot).diagnostics(fields)
        }
        let rendered = DiagnosticRenderer(sources: compilation.sources).render(diagnostics)
        #expect(rendered.contains("[\(code)]"), "the fixture for \(code) does not produce it:\n\(rendered)")
        if let difference = compareGolden(rendered, folder + "/expected.txt") {
            Issue.record(Comment(rawValue: difference))
        }
    }

    /// Codes that both syntaxes report differently enough to need a YAML golden too:
    /// `Fixtures/diagnostics/CODE/yaml…/scene.yaml` against its `expected.txt`.
    @Test(arguments: ["E0007/yaml", "E0007/yaml-shot"])
    func yamlFixtureRendersAsExpected(fixture: String) throws {
        let code = String(fixture.prefix { $0 != "/" })
        let folder = Path.join(fixturesDirectory, "diagnostics/\(fixture)")
        let compilation = Compiler.compile(path: "scene.yaml", fileSystem: FixtureFileSystem(base: folder))
        let rendered = DiagnosticRenderer(sources: compilation.sources).render(compilation.diagnostics.sorted)
        #expect(rendered.contains("[\(code)]"), "the fixture for \(code) does not produce it:\n\(rendered)")
        if let difference = compareGolden(rendered, folder + "/expected.txt") {
            Issue.record(Comment(rawValue: difference))
        }
    }

    @Test func everyCodeIsUnique() {
        #expect(Set(Self.codes).count == Self.codes.count)
    }

    @Test func jsonRendererGivesPositionsAndNotes() throws {
        let folder = Path.join(fixturesDirectory, "diagnostics/E0102")
        let compilation = Compiler.compile(path: "scene.shot", fileSystem: FixtureFileSystem(base: folder))
        let lines = JSONDiagnosticRenderer(sources: compilation.sources)
            .render(compilation.diagnostics.sorted).split(separator: "\n")
        let first = try #require(lines.first)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(object["file"] as? String == "scene.shot")
        #expect(object["line"] as? Int == 5)
        #expect(object["column"] as? Int == 7)
        #expect(object["endLine"] as? Int == 5)
        #expect(object["endColumn"] as? Int == 11)
        #expect(object["severity"] as? String == "error")
        #expect(object["code"] as? String == "E0102")
        #expect(object["message"] as? String == "duplicate name 'mara'")
        let notes = try #require(object["notes"] as? [[String: Any]])
        #expect(notes.first?["line"] as? Int == 1)
        #expect(notes.first?["column"] as? Int == 11)
    }
}
