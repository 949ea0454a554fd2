import Foundation
import ShotcTestSupport
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
        var generator = SceneGenerator(random: SplitMix64(seed: 77))
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

    // MARK: The bound

    /// Three scenes of one file each, none importing.
    private static let scenes: [String: [UInt8]] = Dictionary(
        uniqueKeysWithValues: ["a", "b", "c"].map { ("\($0).shot", Array("shot \($0)\n  waits.\n".utf8)) })

    /// At the limit every file is kept; one more drops the least recently used, and only it.
    @Test func filesPastTheLimitDropTheLeastRecentlyUsed() {
        var cache = AnalysisCache(fileSystem: MemoryFileSystem(files: Self.scenes), fileLimit: 2)
        #expect(cache.fileLimit == 2)
        for name in ["a.shot", "b.shot"] { _ = Compiler.compile(path: name, cache: &cache) }
        #expect(cache.keptFiles == 2 && cache.parsedFiles == 2)
        // Both kept: reused. Now b is the least recently used.
        for name in ["b.shot", "a.shot"] { _ = Compiler.compile(path: name, cache: &cache) }
        #expect(cache.parsedFiles == 2 && cache.reusedFiles == 2)
        // A third file (limit + 1) drops b, the least recently used: a is still reused.
        _ = Compiler.compile(path: "c.shot", cache: &cache)
        #expect(cache.keptFiles == 2 && cache.parsedFiles == 3)
        _ = Compiler.compile(path: "a.shot", cache: &cache)
        #expect(cache.parsedFiles == 3 && cache.reusedFiles == 3)
        let again = Compiler.compile(path: "b.shot", cache: &cache)
        #expect(cache.keptFiles == 2 && cache.parsedFiles == 4 && cache.reusedFiles == 3)
        #expect(again.scene?.shots.map(\.name) == ["b"])
    }

    /// A scene of `count` local pictures, mentioned by one shot each.
    private static func pictures(_ count: Int) -> [UInt8] {
        var text = ""
        for index in 0..<count { text += "image p\(index) pictures/p\(index).png\n" }
        for index in 0..<count { text += "\nshot s\(index)\n  @p\(index) at dawn.\n" }
        return Array(text.utf8)
    }

    /// Image headers: at the limit all are kept and none is read again; one past it, the
    /// least recently used goes (a scene read in order then reads every one again).
    @Test(arguments: [(3, 0), (4, 4)])
    func imagesPastTheLimitDropTheLeastRecentlyUsed(count: Int, readAgain: Int) {
        let scene = Self.pictures(count)
        var cache = AnalysisCache(fileSystem: MemoryFileSystem(files: [:]), imageLimit: 3)
        #expect(cache.images.limit == 3)
        let first = Compiler.compile(path: "scene.shot", text: scene, cache: &cache)
        #expect(first.scene != nil, "\(first.diagnostics.sorted)")
        #expect(cache.images.reads == count && cache.images.count == 3)
        let second = Compiler.compile(path: "scene.shot", text: scene, cache: &cache)
        #expect(cache.images.reads == count + readAgain && cache.images.count == 3)
        #expect(second.scene?.shots.count == count)
    }

    /// A one-analysis image cache keeps every path it probes.
    @Test func aOneAnalysisImageCacheIsUnbounded() {
        let cache = ImageCache(fileSystem: MemoryFileSystem(files: [:]), limit: 1)
        #expect(cache.limit == Int.max)
    }
}
