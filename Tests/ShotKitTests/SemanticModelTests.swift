import Foundation
import ShotcTestSupport
import Testing
import ShotKit

/// A file system held in memory: scene files by path, and any `.png` path as a 512×512 PNG.
struct MemoryFileSystem: FileSystem {
    /// The files, by normalized path.
    var files: [String: [UInt8]]

    private func file(_ path: String) -> [UInt8]? {
        if let bytes = files[Path.normalize(path)] { return bytes }
        return path.lowercased().hasSuffix(".png") ? FuzzFileSystem.png : nil
    }

    func read(_ path: String) throws(FileReadError) -> [UInt8] {
        guard let bytes = file(path) else { throw .notFound }
        return bytes
    }

    func readPrefix(_ path: String, count: Int) throws(FileReadError) -> [UInt8] {
        Array(try read(path).prefix(count))
    }

    func size(_ path: String) throws(FileReadError) -> Int { try read(path).count }

    /// A file's modification time stands for its content (FNV-1a of its bytes): a changed
    /// file has another.
    func modificationTime(of path: String) -> FileModificationTime? {
        guard let bytes = file(path) else { return nil }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return FileModificationTime(seconds: Int(truncatingIfNeeded: hash), nanoseconds: 0, size: bytes.count)
    }
}

/// Generates valid scenes: a root file and up to two imported files, each in `.shot` or YAML
/// syntax, declarations of every kind spread across them, and shots that mention up to seven
/// references in varied orders, with repeats. It numbers every mention itself (spec section
/// 2), independently of the compiler.
struct SceneGenerator {
    /// One generated scene.
    struct Scene {
        /// The files, by path; `root` is compiled.
        var files: [String: [UInt8]]
        var root: String
        /// For each shot in scene order, its name and the token each mention must become.
        var expected: [(shot: String, tokens: [String])]
    }

    private struct Declaration {
        var kind: DeclarationKind
        var name: String
    }

    private struct Shot {
        var name: String
        var duration: Int?
        var aspect: String?
        /// Prose as words and mentions (indices into the declarations).
        var parts: [Either]
    }

    private enum Either {
        case word(String)
        case mention(Int, suffix: String)
    }

    var random: SplitMix64

    private static let stems = ["mara", "tom", "stone", "lamp", "dusk", "harbor", "kofi", "ines", "ruin", "glow"]
    private static let words = [
        "the", "light", "falls", "on", "slowly", "wide", "close-up", "rain", "café", "and", "behind", "over",
    ]

    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    private mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }

    mutating func scene() -> Scene {
        let fileCount = int(1...3)
        var declarations: [Declaration] = []
        for index in 0..<int(1...9) {
            let kind = DeclarationKind.allCases.randomElement(using: &random) ?? .character
            declarations.append(Declaration(kind: kind, name: Self.stems[index % Self.stems.count] + "\(index)"))
        }
        // Which file declares each name: imports first, then the root.
        let owner = declarations.map { _ in int(0...(fileCount - 1)) }
        var shots: [Shot] = []
        var shotOwner: [Int] = []
        for index in 0..<int(1...6) {
            var chosen = Array(declarations.indices).shuffled(using: &random)
            chosen = Array(chosen.prefix(int(0...min(7, declarations.count))))
            var parts: [Either] = []
            for _ in 0..<int(1...4) { parts.append(.word(Self.words.randomElement(using: &random) ?? "x")) }
            var mentions = chosen
            for _ in 0..<int(0...3) where !chosen.isEmpty {
                mentions.insert(chosen.randomElement(using: &random) ?? 0, at: int(0...mentions.count))
            }
            for mention in mentions {
                let suffix = ["", ",", "'s", ".", ";"].randomElement(using: &random) ?? ""
                parts.append(.mention(mention, suffix: suffix))
                for _ in 0..<int(0...3) { parts.append(.word(Self.words.randomElement(using: &random) ?? "x")) }
            }
            if parts.count > 4, chance(30) { parts.swapAt(0, parts.count - 1) }
            shots.append(
                Shot(
                    name: "shot_\(index)", duration: chance(40) ? int(3...10) : nil,
                    aspect: chance(30) ? ["16:9", "9:16", "1:1"].randomElement(using: &random) : nil,
                    parts: parts))
            // Mostly the root; sometimes an imported file.
            shotOwner.append(chance(80) ? 0 : int(0...(fileCount - 1)))
        }
        // File 0 is the root; file i imports file i + 1, so every file is reached.
        var files: [String: [UInt8]] = [:]
        var paths: [String] = []
        for index in 0..<fileCount {
            let yaml = chance(50)
            paths.append((index == 0 ? "scene" : "sub/cast\(index)") + (yaml ? ".yaml" : ".shot"))
        }
        for index in 0..<fileCount {
            let path = paths[index]
            let folder = index == 0 ? "" : "sub/"
            let importPath = index + 1 < fileCount ? String(paths[index + 1].dropFirst(folder.count)) : nil
            let mine = declarations.indices.filter { owner[$0] == index }.map { declarations[$0] }
            let myShots = shots.indices.filter { shotOwner[$0] == index }.map { shots[$0] }
            let text =
                path.hasSuffix(".yaml")
                ? yamlFile(
                    importing: importPath, declarations: mine, shots: myShots, all: declarations, root: index == 0)
                : shotFile(
                    importing: importPath, declarations: mine, shots: myShots, all: declarations, root: index == 0)
            files[path] = Array(text.utf8)
        }
        // Scene order: a file's items in order, an import's where it stands. Each file writes
        // its import first, so the deepest file's shots come first.
        var ordered: [Shot] = []
        for index in (0..<fileCount).reversed() {
            ordered += shots.indices.filter { shotOwner[$0] == index }.map { shots[$0] }
        }
        let expected = ordered.map { shot -> (String, [String]) in
            var elements: [Int] = []
            var images: [Int] = []
            var tokens: [String] = []
            for case .mention(let index, _) in shot.parts {
                if declarations[index].kind.isElement {
                    if !elements.contains(index) { elements.append(index) }
                    tokens.append("@Element\((elements.firstIndex(of: index) ?? 0) + 1)")
                } else {
                    if !images.contains(index) { images.append(index) }
                    tokens.append("@Image\((images.firstIndex(of: index) ?? 0) + 1)")
                }
            }
            return (shot.name, tokens)
        }
        return Scene(files: files, root: paths[0], expected: expected)
    }

    /// A picture: a URL, a local path or (where one value stands alone: a list splits at
    /// commas) a `data:` URI.
    private mutating func picture(_ name: String, _ suffix: String, alone: Bool = false) -> String {
        switch int(0...(alone ? 2 : 1)) {
        case 0: "https://example.com/\(name)\(suffix).png"
        case 1: "pictures/\(name)\(suffix).png"
        default: "data:image/png;base64,iVBOR\(name)"
        }
    }

    private func prose(_ shot: Shot, _ all: [Declaration]) -> String {
        shot.parts.map { part in
            switch part {
            case .word(let word): word
            case .mention(let index, let suffix): "@" + all[index].name + suffix
            }
        }.joined(separator: " ")
    }

    private mutating func shotFile(
        importing: String?, declarations: [Declaration], shots: [Shot], all: [Declaration], root: Bool
    ) -> String {
        var lines: [String] = ["# generated"]
        if let importing { lines.append("import \"\(importing)\"") }
        if root, chance(50) { lines.append("duration \(int(3...10))s") }
        for declaration in declarations {
            lines.append("")
            switch declaration.kind {
            case .character, .prop:
                lines.append("\(declaration.kind.rawValue) \(declaration.name)")
                lines.append("  front \(picture(declaration.name, "-front"))")
                let refs = (0..<int(1...3)).map { picture(declaration.name, "-r\($0)") }
                lines.append("  refs  " + refs.joined(separator: ", "))
                if chance(50) { lines.append("  note  a note about \(declaration.name)") }
            case .image, .style:
                lines.append(
                    "\(declaration.kind.rawValue) \(declaration.name) \(picture(declaration.name, "", alone: true))")
            }
        }
        for shot in shots {
            lines.append("")
            var header = "shot \(shot.name)"
            if let duration = shot.duration { header += " \(duration)s" }
            if let aspect = shot.aspect { header += " " + aspect }
            lines.append(header)
            // Wrapped over lines, so that prose pieces span lines.
            let words = prose(shot, all).split(separator: " ")
            var line = " "
            for word in words {
                if line.count > 30 {
                    lines.append(line)
                    line = " "
                }
                line += " " + word
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private mutating func yamlFile(
        importing: String?, declarations: [Declaration], shots: [Shot], all: [Declaration], root: Bool
    ) -> String {
        var lines: [String] = ["# generated"]
        if let importing { lines.append("import: [\(importing)]") }
        if root, chance(50) { lines.append("duration: \(int(3...10))s") }
        for kind in DeclarationKind.allCases {
            let mine = declarations.filter { $0.kind == kind }
            guard !mine.isEmpty else { continue }
            lines.append("\(kind.yamlSection):")
            for declaration in mine {
                if kind.isElement {
                    lines.append("  \(declaration.name):")
                    lines.append("    front: \(picture(declaration.name, "-front"))")
                    let refs = (0..<int(1...3)).map { picture(declaration.name, "-r\($0)") }
                    lines.append("    refs: [" + refs.joined(separator: ", ") + "]")
                    if chance(50) { lines.append("    note: a note about \(declaration.name)") }
                } else {
                    lines.append("  \(declaration.name): \(picture(declaration.name, "", alone: true))")
                }
            }
        }
        if !shots.isEmpty { lines.append("shots:") }
        for shot in shots {
            lines.append("  \(shot.name):")
            if let duration = shot.duration { lines.append("    duration: \(duration)s") }
            if let aspect = shot.aspect { lines.append("    aspect: \"\(aspect)\"") }
            let text = prose(shot, all)
            switch int(0...2) {
            case 0:
                lines.append("    prompt: >")
                lines.append("      " + text)
            case 1:
                lines.append("    prompt: |-")
                lines.append("      " + text)
            default:
                lines.append("    prompt: \"" + text + "\"")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The semantic model: its mention → token mapping is what `build` sends, and its queries
/// answer at the edges of spans and across imports.
@Suite struct SemanticModelTests {
    /// The positional tokens in `prompt`, in order.
    static func tokens(in prompt: String) -> [String] {
        var found: [String] = []
        var rest = Substring(prompt)
        while let at = rest.firstIndex(of: "@") {
            rest = rest[rest.index(after: at)...]
            for prefix in ["Element", "Image"] where rest.hasPrefix(prefix) {
                let digits = rest.dropFirst(prefix.count).prefix { $0.isASCII && $0.isNumber }
                if !digits.isEmpty { found.append("@" + prefix + digits) }
            }
        }
        return found
    }

    /// Each shot's name and the tokens of its prompt, read from `build`'s JSON array.
    static func builtTokens(
        _ compilation: Compilation, fileSystem: any FileSystem
    ) throws
        -> [(String, [String])]
    {
        let scene = try #require(compilation.scene)
        var builder = RequestBuilder(scene: scene, fileSystem: fileSystem)
        let array = try builder.buildArray(scene.shots, images: .writtenPaths)
        guard case .array(let entries) = array else { return [] }
        return entries.compactMap { entry in
            guard case .string(let shot)? = entry["shot"], case .string(let prompt)? = entry["input"]?["prompt"]
            else { return nil }
            return (shot, tokens(in: prompt))
        }
    }

    /// Each shot's name and its mentions' tokens, from the model.
    static func modelTokens(_ model: SemanticModel) -> [(String, [String])] {
        model.shots.indices.map { shot in
            (model.shots[shot].name, model.mentions(inShot: shot).map { $0.token ?? "?" })
        }
    }

    static func same(_ a: [(String, [String])], _ b: [(String, [String])]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    static let exampleFiles: [String] = ExampleTests.examples.flatMap { name in
        ["shot", "yaml"].map { "\(repositoryDirectory)/examples/\(name)/\(name).\($0)" }
    }

    @Test(arguments: exampleFiles)
    func modelTokensAreBuildsTokensForEveryExample(path: String) throws {
        let compilation = Compiler.compile(path: path)
        let built = try Self.builtTokens(compilation, fileSystem: LocalFileSystem())
        let model = Self.modelTokens(compilation.model)
        #expect(Self.same(built, model), "\(path): build \(built), model \(model)")
        #expect(!compilation.model.mentions.isEmpty)
        // Every mention names a declaration whose name is the mention's.
        for mention in compilation.model.mentions {
            let index = try #require(mention.declaration)
            #expect(compilation.model.declarations[index].name == mention.name)
        }
    }

    @Test func modelTokensAreBuildsTokensForAThousandGeneratedScenes() throws {
        var generator = SceneGenerator(random: SplitMix64(seed: 0x5407_C0DE))
        var syntaxes = Set<String>()
        for number in 0..<1000 {
            let scene = generator.scene()
            let fileSystem = MemoryFileSystem(files: scene.files)
            let compilation = Compiler.compile(path: scene.root, fileSystem: fileSystem)
            let errors = compilation.diagnostics.sorted.filter { $0.severity == .error }
            guard errors.isEmpty else {
                let rendered = DiagnosticRenderer(sources: compilation.sources).render(errors)
                Issue.record(
                    "scene \(number) has errors:\n\(rendered)\n\(scene.files.mapValues { String(decoding: $0, as: UTF8.self) })"
                )
                return
            }
            let built = try Self.builtTokens(compilation, fileSystem: fileSystem)
            let tokens = Self.modelTokens(compilation.model)
            let expected = scene.expected.map { ($0.shot, $0.tokens) }
            #expect(Self.same(built, tokens), "scene \(number): build \(built), model \(tokens)")
            #expect(Self.same(expected, tokens), "scene \(number): expected \(expected), model \(tokens)")
            // Every mention's span holds `@name` in its file, and the offset lookup finds it
            // from its first byte to just after its last.
            let model = compilation.model
            for (index, mention) in model.mentions.enumerated() {
                let written = compilation.sources[mention.span.file].text(of: mention.span)
                #expect(written == "@" + mention.name, "scene \(number): \(written)")
                #expect(model.symbol(at: mention.span.start, in: mention.span.file) == .mention(index))
                #expect(model.symbol(at: mention.span.end, in: mention.span.file) == .mention(index))
            }
            // Every file and import is in the model's graph.
            #expect(compilation.model.imports.count == scene.files.count - 1)
            #expect(compilation.model.imports.allSatisfy { $0.target != nil })
            for path in scene.files.keys { syntaxes.insert(String(path.split(separator: ".").last ?? "")) }
        }
        #expect(syntaxes == ["shot", "yaml"])
    }

    // MARK: - Queries

    static let cast = """
        character mara
          front https://example.com/mara.png
          refs  https://example.com/mara-side.png
        image ruin https://example.com/ruin.png

        """
    static let scene = """
        import "cast.shot"

        shot a 4s
          @ruin at dawn; @mara waits by @ruin

        shot b
          @mara walks.
        """

    private func compileImporting() throws -> (Compilation, FileID, FileID) {
        let fileSystem = MemoryFileSystem(files: ["cast.shot": Array(Self.cast.utf8)])
        let compilation = Compiler.compile(path: "scene.shot", text: Array(Self.scene.utf8), fileSystem: fileSystem)
        #expect(compilation.diagnostics.sorted.isEmpty, "\(compilation.diagnostics.sorted)")
        let root = try #require(compilation.model.root)
        let cast = try #require(compilation.file(atPath: "cast.shot"))
        return (compilation, root, cast)
    }

    private func offset(of needle: String, in text: String, occurrence: Int = 0) throws -> Int {
        var from = text.startIndex
        for _ in 0..<occurrence {
            let found = try #require(text.range(of: needle, range: from..<text.endIndex))
            from = found.upperBound
        }
        let found = try #require(text.range(of: needle, range: from..<text.endIndex))
        return text.utf8.distance(from: text.startIndex, to: found.lowerBound)
    }

    @Test func offsetLookupsAtTheEdgesOfAMention() throws {
        let (compilation, root, _) = try compileImporting()
        let model = compilation.model
        let start = try offset(of: "@mara", in: Self.scene)
        let end = start + "@mara".utf8.count
        let mention = try #require(model.symbol(at: start, in: root))
        guard case .mention(let index) = mention else {
            Issue.record("\(mention) is not a mention")
            return
        }
        #expect(model.mentions[index].name == "mara")
        #expect(model.mentions[index].token == "@Element1")
        #expect(model.mentions[index].span == SourceSpan(file: root, start: start, end: end))
        // The last byte and just after it are still the mention; the byte before is not.
        #expect(model.symbol(at: end - 1, in: root) == mention)
        #expect(model.symbol(at: end, in: root) == mention)
        #expect(model.symbol(at: start - 1, in: root) == nil)
        #expect(model.symbol(at: end + 1, in: root) == nil)
        // A shot's name, at its first byte and just after it.
        let nameStart = try offset(of: "shot a", in: Self.scene) + 5
        #expect(model.symbol(at: nameStart, in: root) == .shotName(0))
        #expect(model.symbol(at: nameStart + 1, in: root) == .shotName(0))
        #expect(model.symbol(at: nameStart - 1, in: root) == nil)
        // The same offset in another file is not this mention.
        #expect(model.symbol(at: start, in: FileID(root.rawValue + 1)) != mention)
    }

    @Test func declarationsPicturesAndImportsAreFoundByOffset() throws {
        let (compilation, root, cast) = try compileImporting()
        let model = compilation.model
        let mara = try #require(model.declaration(named: "mara"))
        let nameAt = try offset(of: "mara", in: Self.cast)
        #expect(model.symbol(at: nameAt, in: cast) == .declarationName(mara))
        #expect(model.declarations[mara].file == cast)
        #expect(model.declarations[mara].note == nil)
        #expect(model.declarations[mara].pictures.map(\.role) == [.front, .reference])
        let sideAt = try offset(of: "https://example.com/mara-side.png", in: Self.cast)
        #expect(model.symbol(at: sideAt + 3, in: cast) == .picture(declaration: mara, picture: 1))
        let importAt = try offset(of: "cast.shot", in: Self.scene)
        #expect(model.symbol(at: importAt, in: root) == .importPath(0))
        #expect(model.imports.count == 1)
        #expect(model.imports[0].importer == root && model.imports[0].target == cast)
        #expect(model.imports(of: root) == [cast])
        #expect(model.importers(of: cast) == [0])
        #expect(model.symbol(at: 0, in: cast) == nil)
    }

    @Test func usagesAcrossAnImport() throws {
        let (compilation, root, cast) = try compileImporting()
        let model = compilation.model
        let mara = try #require(model.declaration(named: "mara"))
        let ruin = try #require(model.declaration(named: "ruin"))
        let maraUses = model.usages(of: mara)
        #expect(maraUses.map { model.mentions[$0].shot } == [0, 1])
        #expect(maraUses.allSatisfy { model.mentions[$0].span.file == root })
        #expect(model.declarations[mara].file == cast)
        #expect(model.usages(of: ruin).map { model.mentions[$0].token } == ["@Image1", "@Image1"])
        // From a mention to its declaration and back.
        let at = try offset(of: "@mara", in: Self.scene, occurrence: 1)
        let symbol = try #require(model.symbol(at: at + 2, in: root))
        #expect(model.declaration(of: symbol) == mara)
        #expect(model.mentions[maraUses[1]].token == "@Element1")
    }

    @Test func shotsCarryTheirSettingsAndBody() throws {
        let (compilation, root, _) = try compileImporting()
        let model = compilation.model
        #expect(model.shots.map(\.name) == ["a", "b"])
        #expect(model.shots.map(\.duration) == [4, 5])
        #expect(model.shots.map(\.aspect) == [.landscape, .landscape])
        #expect(model.shots[0].durationSpan.map { compilation.sources[root].text(of: $0) } == "4s")
        #expect(model.shots[1].durationSpan == nil)
        let pieces = model.shots[0].proseSpans.map { compilation.sources[root].text(of: $0) }
        #expect(pieces == ["@ruin at dawn; @mara waits by @ruin"])
        let body = try #require(try compilation.body(ofShot: 0, images: .writtenPaths))
        #expect(body["prompt"] == .string("@Image1 at dawn; @Element1 waits by @Image1"))
    }

    /// A scene with errors still has its model: unknown names have no declaration or token.
    @Test func aSceneWithErrorsHasAModel() throws {
        let text = """
            character mara
              front https://example.com/mara.png
              refs  https://example.com/mara-side.png

            shot a 99s
              @mara meets @nobody and @mara
            """
        let compilation = Compiler.compile(path: "t.shot", text: Array(text.utf8))
        #expect(compilation.scene == nil)
        let model = compilation.model
        #expect(model.shots.count == 1 && model.shots[0].duration == nil)
        #expect(model.mentions.map(\.token) == ["@Element1", nil, "@Element1"])
        #expect(model.mentions.map(\.declaration) == [0, nil, 0])
        #expect(try compilation.body(ofShot: 0, images: .writtenPaths) == nil)
    }
}
