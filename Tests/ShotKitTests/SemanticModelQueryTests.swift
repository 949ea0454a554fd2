import Foundation
import Testing
import ShotKit

/// The model's answers that `shotc status` and the board read instead of re-deriving them: which
/// declaration reads a local picture, and the scene's settings, errors or not.
@Suite struct SemanticModelQueryTests {
    /// Which reference of `scene` reads `path`, and as what, walking ``CompiledScene/references``
    /// as `shotc status` did before the model answered it.
    private static func referenceWalk(
        _ path: String, in scene: CompiledScene
    ) -> (reference: Int, role: SemanticModel.PictureRole)? {
        for (index, reference) in scene.references.enumerated() {
            if case .localFile(let file, _)? = reference.primary?.source, file == path {
                return (index, reference.kind.isElement ? .front : .image)
            }
            for image in reference.referenceImages {
                if case .localFile(let file, _) = image.source, file == path { return (index, .reference) }
            }
        }
        return nil
    }

    @Test(arguments: SemanticModelTests.exampleFiles)
    func picturesOfEveryLocalFileAreTheReferenceWalks(path: String) throws {
        let compilation = Compiler.compile(path: path)
        let scene = try #require(compilation.scene)
        let model = compilation.model
        let files = RequestBuilder(scene: scene).localFiles(of: scene.shots)
        #expect(!files.isEmpty)
        for file in files {
            let found = try #require(model.pictures(readingFile: file).first, "\(path): nobody reads \(file)")
            let walked = try #require(Self.referenceWalk(file, in: scene))
            #expect(found.declaration == walked.reference, "\(path): \(file)")
            #expect(model.declarations[found.declaration].pictures[found.picture].role == walked.role)
            #expect(model.declarations[found.declaration].pictures[found.picture].localPath == file)
        }
    }

    @Test func aFileReadByTwoDeclarationsIsFoundForBoth() throws {
        let cast = """
            character mara
              front ../pictures/mara.png
              refs  ../pictures/side.png, https://example.com/back.png
            image ruin ../pictures/mara.png

            """
        let scene = "import \"cast/cast.shot\"\n\nshot a\n  @mara by @ruin\n"
        let fileSystem = MemoryFileSystem(files: ["cast/cast.shot": Array(cast.utf8)])
        let compilation = Compiler.compile(path: "scene.shot", text: Array(scene.utf8), fileSystem: fileSystem)
        #expect(compilation.diagnostics.sorted.isEmpty, "\(compilation.diagnostics.sorted)")
        let model = compilation.model
        let mara = try #require(model.declaration(named: "mara"))
        let ruin = try #require(model.declaration(named: "ruin"))
        let front = Path.join("cast", "../pictures/mara.png")
        #expect(front == "pictures/mara.png")
        #expect(model.pictures(readingFile: front).map { [$0.declaration, $0.picture] } == [[mara, 0], [ruin, 0]])
        #expect(model.pictures(readingFile: "pictures/side.png").map { [$0.declaration, $0.picture] } == [[mara, 1]])
        // As written is not as resolved; a URL reads no local file.
        #expect(model.pictures(readingFile: "../pictures/mara.png").isEmpty)
        #expect(model.declarations[mara].pictures.map(\.localPath) == [front, "pictures/side.png", nil])
    }

    /// The scene's settings, with where each is written, even when the scene has errors.
    @Test(arguments: [
        "model pro\nduration 7s\naspect 9:16\n\nshot a\n  @nobody waits\n",
        "model: pro\nduration: 7s\naspect: \"9:16\"\nshots:\n  a:\n    prompt: '@nobody waits'\n",
    ])
    func theSettingsOfABrokenScene(text: String) throws {
        let path = text.hasPrefix("model:") ? "scene.yaml" : "scene.shot"
        let compilation = Compiler.compile(path: path, text: Array(text.utf8), fileSystem: MemoryFileSystem(files: [:]))
        #expect(compilation.scene == nil)
        #expect(compilation.diagnostics.sorted.map(\.code) == [.unknownReference])
        let settings = compilation.model.settings
        let root = try #require(compilation.model.root)
        let source = compilation.sources[root]
        #expect(settings.model == .pro && settings.duration == 7 && settings.aspect == .portrait)
        #expect(settings.modelSpan.map(source.text(of:)) == "pro")
        #expect(settings.durationSpan.map(source.text(of:)) == "7s")
        #expect(settings.aspectSpan.map { source.text(of: $0).contains("9:16") } == true)
        #expect(compilation.model.shots.map(\.duration) == [7])
        #expect(compilation.model.shots.map(\.aspect) == [.portrait])
    }

    /// A setting written wrong, or not at all, leaves the default, with no span.
    @Test func wrongOrMissingSettingsAreTheDefaults() throws {
        let text = "model prp\nduration 99s\n\nshot a\n  waits\n"
        let compilation = Compiler.compile(path: "scene.shot", text: Array(text.utf8))
        #expect(compilation.diagnostics.sorted.map(\.code).count == 2)
        let settings = compilation.model.settings
        #expect(settings.model == .standard && settings.modelSpan == nil)
        #expect(settings.duration == 5 && settings.durationSpan == nil)
        #expect(settings.aspect == .landscape && settings.aspectSpan == nil)
    }

    /// A scene that compiles: the model's settings are the compiled scene's.
    @Test(arguments: SemanticModelTests.exampleFiles)
    func theSettingsOfEveryExampleAreTheCompiledScenes(path: String) throws {
        let compilation = Compiler.compile(path: path)
        let scene = try #require(compilation.scene)
        #expect(compilation.model.settings.model == scene.model)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let writesModel = lines.contains { $0.hasPrefix("model") }
        #expect((compilation.model.settings.modelSpan != nil) == writesModel, "\(path)")
    }
}
