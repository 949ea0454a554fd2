import Foundation
import Testing
import ShotKit

/// Compiling again with an ``AnalysisCache`` gives what compiling afresh gives, reading and
/// parsing only what changed.
@Suite struct AnalysisCacheTests {
    /// What a compile shows: its diagnostics rendered and, when it compiles, its requests.
    private func outcome(_ compilation: Compilation) throws -> String {
        var text = DiagnosticRenderer(sources: compilation.sources).render(compilation.diagnostics.sorted)
        if let scene = compilation.scene {
            var builder = RequestBuilder(scene: scene, fileSystem: FuzzFileSystem(input: []))
            text += try builder.buildArray(scene.shots, images: .writtenPaths).rendered(pretty: false)
        }
        return text
    }

    @Test func generatedScenesCompileTheSameFromTheCache() throws {
        var generator = SceneGenerator(random: SeededRandom(seed: 77))
        for _ in 0..<100 {
            let scene = generator.scene()
            let fileSystem = MemoryFileSystem(files: scene.files)
            let fresh = try outcome(Compiler.compile(path: scene.root, fileSystem: fileSystem))
            var cache = AnalysisCache(fileSystem: fileSystem)
            let first = try outcome(Compiler.compile(path: scene.root, cache: &cache))
            let parsed = cache.parsedFiles
            let again = try outcome(Compiler.compile(path: scene.root, cache: &cache))
            #expect(first == fresh)
            #expect(again == fresh)
            #expect(parsed == scene.files.count)
            #expect(cache.parsedFiles == parsed && cache.reusedFiles == scene.files.count)
        }
    }

    private static let cast = """
        character mara
          front pictures/mara.png
          refs  pictures/mara-side.png
        prop lamp
          front pictures/lamp.png
          refs  pictures/lamp-lit.png

        """

    /// An edit of the buffer parses the buffer alone and reads no image again.
    @Test func anEditReparsesTheBufferOnly() throws {
        let fileSystem = MemoryFileSystem(files: ["cast.shot": Array(Self.cast.utf8)])
        var cache = AnalysisCache(fileSystem: fileSystem)
        let before = "import \"cast.shot\"\n\nshot a\n  @mara lights @lamp.\n"
        _ = Compiler.compile(path: "scene.shot", text: Array(before.utf8), cache: &cache)
        #expect(cache.parsedFiles == 2 && cache.images.reads == 4)
        let after = "import \"cast.shot\"\n\nshot a\n  @mara lifts @lamp.\n"
        let edited = Compiler.compile(path: "scene.shot", text: Array(after.utf8), cache: &cache)
        #expect(cache.parsedFiles == 3 && cache.reusedFiles == 1 && cache.images.reads == 4)
        let fresh = Compiler.compile(path: "scene.shot", text: Array(after.utf8), fileSystem: fileSystem)
        #expect(try outcome(edited) == outcome(fresh))
        #expect(edited.scene?.shots.first?.prompt == "@Element1 lifts @Element2.")
    }

    /// A file that takes another place in the scene (another FileID, which its spans carry)
    /// is parsed again.
    @Test func aMovedOrChangedFileIsParsedAgain() throws {
        let other = "image ruin https://example.com/ruin.png\n"
        let files = ["cast.shot": Array(Self.cast.utf8), "other.shot": Array(other.utf8)]
        var cache = AnalysisCache(fileSystem: MemoryFileSystem(files: files))
        let both = "import \"other.shot\"\nimport \"cast.shot\"\n\nshot a\n  @mara @lamp @ruin\n"
        _ = Compiler.compile(path: "scene.shot", text: Array(both.utf8), cache: &cache)
        #expect(cache.parsedFiles == 3)
        // cast.shot was file 2; alone it is file 1.
        let castOnly = "import \"cast.shot\"\n\nshot a\n  @mara @lamp @nobody\n"
        let moved = Compiler.compile(path: "scene.shot", text: Array(castOnly.utf8), cache: &cache)
        #expect(cache.parsedFiles == 5 && cache.reusedFiles == 0)
        let fresh = Compiler.compile(
            path: "scene.shot", text: Array(castOnly.utf8), fileSystem: MemoryFileSystem(files: files))
        #expect(try outcome(moved) == outcome(fresh))
        // Compiled again as it is: reused.
        let again = Compiler.compile(path: "scene.shot", text: Array(castOnly.utf8), cache: &cache)
        #expect(cache.reusedFiles == 1)
        #expect(try outcome(again) == outcome(fresh))
    }

    /// On the real file system, a file rewritten with a new modification time is read again.
    @Test func aRewrittenFileOnDiskIsReadAgain() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("shotc-cache-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let cast = folder.appendingPathComponent("cast.shot").path
        let scene = folder.appendingPathComponent("scene.shot").path
        try "image ruin https://example.com/ruin.png\n".write(toFile: cast, atomically: false, encoding: .utf8)
        try "import \"cast.shot\"\nshot a\n  @ruin\n".write(toFile: scene, atomically: false, encoding: .utf8)
        var cache = AnalysisCache()
        #expect(Compiler.compile(path: scene, cache: &cache).scene != nil)
        #expect(Compiler.compile(path: scene, cache: &cache).scene != nil)
        #expect(cache.parsedFiles == 2 && cache.reusedFiles == 2)
        try "image ruins https://example.com/ruin.png\n".write(toFile: cast, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: cast)
        let changed = Compiler.compile(path: scene, cache: &cache)
        #expect(changed.diagnostics.sorted.map(\.code) == [.unknownReference])
        // The scene file is unchanged: only the cast is parsed again.
        #expect(cache.parsedFiles == 3 && cache.reusedFiles == 3)
    }
}
