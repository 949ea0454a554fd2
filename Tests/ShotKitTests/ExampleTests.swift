import Foundation
import Testing
import ShotKit

/// Every scene in `examples/` compiles without a diagnostic, its `.shot` and YAML forms give
/// the same bytes, and those bytes are the expected JSON (written by the independent Python
/// reference compiler in `bench/`).
@Suite struct ExampleTests {
    static let examples: [String] = {
        let folder = repositoryDirectory + "/examples"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: "\(folder)/\($0)/\($0).shot") }.sorted()
    }()

    private func build(_ path: String) throws -> String {
        let compilation = Compiler.compile(path: path)
        let rendered = DiagnosticRenderer(sources: compilation.sources).render(compilation.diagnostics.sorted)
        #expect(rendered.isEmpty, "\(path) has diagnostics:\n\(rendered)")
        let scene = try #require(compilation.scene)
        var builder = RequestBuilder(scene: scene)
        return try builder.buildArray(scene.shots, images: .writtenPaths).rendered(pretty: true) + "\n"
    }

    @Test func thereAreAtLeastFourExamples() {
        #expect(Self.examples.count >= 4, "\(Self.examples)")
    }

    @Test(arguments: examples)
    func bothSyntaxesGiveTheExpectedJSON(name: String) throws {
        let folder = "\(repositoryDirectory)/examples/\(name)"
        let fromShot = try build("\(folder)/\(name).shot")
        let fromYAML = try build("\(folder)/\(name).yaml")
        #expect(fromShot == fromYAML)
        let expected = try String(contentsOfFile: "\(folder)/\(name).expected.json", encoding: .utf8)
        #expect(fromShot == expected)
    }

    /// Without --keep-paths, a local image is embedded with its bytes and MIME type.
    @Test func localImagesAreEmbeddedAsDataURIs() throws {
        let folder = "\(repositoryDirectory)/examples/greenhouse"
        let compilation = Compiler.compile(path: "\(folder)/greenhouse.shot")
        let scene = try #require(compilation.scene)
        var builder = RequestBuilder(scene: scene)
        let body = try builder.body(for: scene.shots[0], images: .dataURIs)
        guard case .array(let urls)? = body["image_urls"], case .string(let first)? = urls.first else {
            Issue.record("no image_urls in \(body.rendered(pretty: true))")
            return
        }
        let prefix = "data:image/png;base64,"
        #expect(first.hasPrefix(prefix))
        let decoded = Data(base64Encoded: String(first.dropFirst(prefix.count)))
        let original = FileManager.default.contents(atPath: "\(folder)/refs/greenhouse.png")
        #expect(decoded != nil && decoded == original)
        // Deterministic: a second build gives the same bytes.
        var again = RequestBuilder(scene: scene)
        #expect(try again.body(for: scene.shots[0], images: .dataURIs) == body)
    }
}
