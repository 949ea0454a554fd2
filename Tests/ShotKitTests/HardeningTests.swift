import Foundation
import Testing
@testable import ShotKit

/// Issue 7, the compiler half: hostile bytes and hostile files give diagnostics with a place,
/// never a crash, a hang or a silent pass.
@Suite struct HardeningTests {
    // MARK: Helpers

    private func compile(
        _ text: String, as path: String = "t.shot", fileSystem: any FileSystem = LocalFileSystem()
    ) -> Compilation {
        Compiler.compile(path: path, text: Array(text.utf8), fileSystem: fileSystem)
    }

    private func codes(_ compilation: Compilation) -> [String] {
        compilation.diagnostics.sorted.map(\.code.id)
    }

    private func rendered(_ compilation: Compilation) -> String {
        DiagnosticRenderer(sources: compilation.sources).render(compilation.diagnostics.sorted)
    }

    /// A fresh folder under the temporary directory, removed by the caller.
    private func folder() throws -> String {
        let path = NSTemporaryDirectory() + "shotc-hardening-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    private static let element = """
        character mara
          front https://example.com/m.png
          refs  https://example.com/s.png

        """

    // MARK: 1. A lone CR in a YAML error's line

    @Test(arguments: ["\"\r", "a: 'x\r", "a: b\rc: [\r", "\r\r\"", "x: \"\r\n"])
    func loneCarriageReturnRendersWithoutCrashing(text: String) throws {
        let compilation = compile(text, as: "m.yaml")
        let output = rendered(compilation)
        #expect(output.contains("error[E0020]"), "\(output)")
        for diagnostic in compilation.diagnostics.diagnostics {
            if let span = diagnostic.span { #expect(span.end <= text.utf8.count) }
        }
    }

    @Test func lineTableTreatsCRAndCRLFAndLFAlike() {
        let file = SourceFile(id: FileID(0), path: "t", bytes: Array("a\rbb\r\nc\nd\r".utf8))
        #expect(file.lineStarts == [0, 2, 6, 8, 10])
        #expect((1...5).map(file.lineText) == ["a", "bb", "c", "d", ""])
        #expect(file.location(of: 3) == SourceLocation(line: 2, column: 2))
        #expect(file.location(of: 10) == SourceLocation(line: 5, column: 1))
    }

    @Test func spanAtTheLineEndGetsOneCaretAtTheEnd() {
        var sources = SourceMap()
        let id = sources.add(path: "t.yaml", bytes: Array("ab\r\ncd".utf8))
        let diagnostic = Diagnostic(.yamlSyntax, "x", at: SourceSpan(file: id, start: 3, end: 4))
        let output = DiagnosticRenderer(sources: sources).render(diagnostic)
        #expect(output == "t.yaml:1:4: error[E0020]: x\n  |\n1 | ab\n  |   ^\n")
    }

    // MARK: 2. Files that are not regular files

    @Test(arguments: ["/dev/zero", "/dev/urandom", "/dev/null"])
    func importOfADeviceIsReportedNotRead(device: String) throws {
        let compilation = compile("import \"\(device)\"\n")
        let diagnostic = try #require(compilation.diagnostics.sorted.first)
        #expect(diagnostic.code == .fileUnreadable)
        #expect(
            diagnostic.message == "cannot read imported file '\(device)': it is a character device, not a regular file")
        #expect(diagnostic.span?.start == 7)
    }

    @Test func importAndImageOfAFIFODoNotBlock() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/pipe.shot", 0o600) == 0)
        #expect(mkfifo(dir + "/pipe.png", 0o600) == 0)
        try write(
            "import \"pipe.shot\"\n"
                + Self.element.replacingOccurrences(of: "https://example.com/m.png", with: "pipe.png")
                + "shot a\n  @mara\n", dir + "/scene.shot")
        let compilation = Compiler.compile(path: dir + "/scene.shot")
        let messages = compilation.diagnostics.sorted.map { "\($0.code.id) \($0.message)" }
        #expect(
            messages == [
                "E0402 cannot read imported file '\(dir)/pipe.shot': it is a named pipe (FIFO), not a regular file",
                "E0302 cannot read image file 'pipe.png': it is a named pipe (FIFO), not a regular file",
            ])
    }

    @Test func readErrorIsReportedNotTakenForAnEmptyFile() throws {
        // Reading /proc/self/mem from offset 0 fails with EIO.
        guard FileManager.default.fileExists(atPath: "/proc/self/mem") else { return }
        let compilation = compile("import \"/proc/self/mem\"\n")
        let diagnostic = try #require(compilation.diagnostics.sorted.first)
        #expect(diagnostic.code == .fileUnreadable)
        #expect(diagnostic.message.hasPrefix("cannot read imported file '/proc/self/mem': "))
        #expect(compilation.diagnostics.hasErrors)
    }

    @Test func sceneOverTheLimitIsReported() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Sparse: 64 MB and one byte of zeros costs no disk.
        #expect(FileManager.default.createFile(atPath: dir + "/big.shot", contents: nil))
        #expect(truncate(dir + "/big.shot", off_t(SceneLoader.maxFileBytes + 1)) == 0)
        let compilation = compile("import \"\(dir)/big.shot\"\n")
        let diagnostic = try #require(compilation.diagnostics.sorted.first)
        #expect(diagnostic.message == "cannot read imported file '\(dir)/big.shot': it is larger than 64 MB, the limit")
        #expect(diagnostic.help == ["a scene file is at most 64 MB; split it into files that import each other"])
    }

    @Test func limitedReadTakesTheLimitAndRefusesOneByteMore() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write("0123456789", dir + "/ten")
        #expect(try LocalFileSystem().read(dir + "/ten", limit: 10) == Array("0123456789".utf8))
        #expect(throws: FileReadError.tooLarge(limit: 9)) { try LocalFileSystem().read(dir + "/ten", limit: 9) }
    }

    @Test func largeFrontImageIsReportedByItsSize() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let header = FuzzFileSystem.png
        #expect(FileManager.default.createFile(atPath: dir + "/big.png", contents: Data(header)))
        #expect(truncate(dir + "/big.png", 20 * 1024 * 1024) == 0)
        try write(
            Self.element.replacingOccurrences(of: "https://example.com/m.png", with: "big.png") + "shot a\n  @mara\n",
            dir + "/scene.shot")
        let compilation = Compiler.compile(path: dir + "/scene.shot")
        #expect(compilation.diagnostics.sorted.map(\.message) == ["'big.png' is 20.0 MB; fal accepts at most 10 MB"])
    }

    // MARK: 3. Files identified by device and inode

    @Test func oneFileThroughThreePathsIsReadOnce() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/x/sub", withIntermediateDirectories: true)
        try write(Self.element, dir + "/x/sub/c.shot")
        try write(
            """
            import "\(dir)/x/sub/c.shot"
            import "../x/sub/c.shot"
            import "sub/../sub/c.shot"
            shot a
              @mara

            """, dir + "/x/scene.shot")
        let compilation = Compiler.compile(path: dir + "/x/scene.shot")
        #expect(compilation.diagnostics.sorted.isEmpty, "\(rendered(compilation))")
        #expect(compilation.sources.files.count == 2)
    }

    @Test func cycleThroughASymlinkIsACycle() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/x", withDestinationPath: ".")
        try write("import \"x/chain.shot\"\n" + Self.element + "shot a\n  @mara\n", dir + "/chain.shot")
        let compilation = Compiler.compile(path: dir + "/chain.shot")
        let diagnostics = compilation.diagnostics.sorted
        #expect(diagnostics.map(\.code.id) == ["E0401"], "\(rendered(compilation))")
        #expect(diagnostics.first?.message == "import cycle: '\(dir)/chain.shot' → '\(dir)/x/chain.shot'")
        #expect(
            diagnostics.first?.notes.map(\.message) == ["'\(dir)/x/chain.shot' is the same file as '\(dir)/chain.shot'"]
        )
    }

    @Test func fileSystemThatCannotIdentifyFilesStillEnds() {
        // Every path exists and imports one level deeper: only the depth cap ends it.
        struct Endless: FileSystem {
            func read(_ path: String) throws(FileReadError) -> [UInt8] { Array("import \"d/s.shot\"\n".utf8) }
            func readPrefix(_ path: String, count: Int) throws(FileReadError) -> [UInt8] {
                Array(try read(path).prefix(count))
            }
            func size(_ path: String) throws(FileReadError) -> Int { try read(path).count }
        }
        let compilation = Compiler.compile(path: "s.shot", fileSystem: Endless())
        #expect(codes(compilation) == ["E0401"])
        #expect(compilation.sources.files.count == SceneLoader.maxImportDepth)
    }

    // MARK: 4. Images whose size cannot be read

    static let unmeasurable: [(String, [UInt8])] = {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let png = FuzzFileSystem.png
        var shortIHDR = png
        shortIHDR[11] = 5
        let idatFirst = signature + [0, 0, 0, 13] + Array("IDAT".utf8) + Array(png[16...])
        let jpegNoFrame: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9]
        let jpegZeroSegment: [UInt8] = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80,
        ]
        return [
            ("png14", Array(png.prefix(14))), ("signature", signature), ("ihdr5", shortIHDR),
            ("idatFirst", idatFirst), ("jpegNoFrame", jpegNoFrame), ("jpegZeroSegment", jpegZeroSegment),
            ("gif6", Array("GIF89a".utf8)),
        ]
    }()

    @Test(arguments: 0..<unmeasurable.count)
    func imageWhoseSizeCannotBeReadIsAnError(index: Int) throws {
        let (name, bytes) = Self.unmeasurable[index]
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(FileManager.default.createFile(atPath: dir + "/i.png", contents: Data(bytes)))
        try write(
            Self.element.replacingOccurrences(of: "https://example.com/m.png", with: "i.png") + "shot a\n  @mara\n",
            dir + "/scene.shot")
        let compilation = Compiler.compile(path: dir + "/scene.shot")
        #expect(codes(compilation).filter { $0.hasPrefix("E") } == ["E0307"], "\(name): \(rendered(compilation))")
        #expect(compilation.scene == nil)
        #expect(compilation.diagnostics.sorted.last?.message.hasPrefix("cannot read the size of 'i.png': ") == true)
    }

    @Test func measurableImagesStillPass() {
        #expect(ImageProbe.probe(FuzzFileSystem.png, byteCount: 33)?.width == 512)
        #expect(ImageProbe.probe(FuzzFileSystem.jpeg, byteCount: 33)?.height == 480)
    }

    // MARK: 5. Shot names that fit in a file name

    @Test(arguments: [SurfaceSyntax.shot, .yaml])
    func shotNameLimitIsTwoHundredBytes(surface: SurfaceSyntax) throws {
        func scene(_ name: String) -> Compilation {
            switch surface {
            case .shot: compile("shot \(name)\n  prose\n")
            case .yaml: compile("shots:\n  \(name):\n    prompt: prose\n", as: "t.yaml")
            }
        }
        let atLimit = scene(String(repeating: "a", count: Analyzer.maxShotNameBytes))
        #expect(atLimit.diagnostics.sorted.isEmpty)
        let over = scene(String(repeating: "a", count: Analyzer.maxShotNameBytes + 1))
        let diagnostic = try #require(over.diagnostics.sorted.first)
        #expect(diagnostic.code == .invalidName)
        #expect(
            diagnostic.message
                == "shot name '\(String(repeating: "a", count: 24))…' is 201 bytes long; shot names are at most 200 bytes"
        )
        #expect(
            over.sources[try #require(diagnostic.span).file].text(of: try #require(diagnostic.span))
                == String(repeating: "a", count: 201))
        // Bytes, not characters: 101 two-byte letters are 202 bytes.
        let accented = scene(String(repeating: "é", count: 101))
        #expect(codes(accented) == ["E0010"])
    }

    // MARK: 6. The two surfaces agree on odd bytes

    @Test(arguments: ["\r", "\r\n"])
    func lineEndingsAreAllAlike(ending: String) throws {
        let text = "duration 5s\n" + Self.element + "shot a 4s\n  @mara walks\n  on.\n\n  Then stops.\n"
        let yaml = """
            duration: 5s
            characters:
              mara:
                front: https://example.com/m.png
                refs: https://example.com/s.png
            shots:
              a:
                duration: 4s
                prompt: |
                  @mara walks on.

                  Then stops.

            """
        for (source, path) in [(text, "t.shot"), (yaml, "t.yaml")] {
            let plain = compile(source, as: path)
            let other = compile(source.replacingOccurrences(of: "\n", with: ending), as: path)
            let a = try #require(plain.scene, "\(rendered(plain))")
            let b = try #require(other.scene, "\(path) with \(ending.debugDescription): \(rendered(other))")
            var builderA = RequestBuilder(scene: a)
            var builderB = RequestBuilder(scene: b)
            #expect(
                try builderA.buildArray(a.shots, images: .writtenPaths)
                    == builderB.buildArray(b.shots, images: .writtenPaths))
        }
    }

    @Test(arguments: [
        ("\u{0}", "U+0000"), ("\u{1B}", "U+001B"), ("\u{7F}", "U+007F"), ("\u{85}", "U+0085"), ("\u{2028}", "U+2028"),
    ])
    func controlCharacterInProseIsAnErrorInBothSurfaces(character: String, code: String) throws {
        let shot = compile(Self.element + "shot a\n  @mara wa\(character)lks\n")
        let yaml = compile(
            "characters:\n  mara:\n    front: https://example.com/m.png\n    refs: https://example.com/s.png\nshots:\n  a:\n    prompt: \"@mara wa\(character)lks\"\n",
            as: "t.yaml")
        for compilation in [shot, yaml] {
            let diagnostic = try #require(compilation.diagnostics.sorted.first)
            #expect(diagnostic.code == .controlCharacter)
            #expect(diagnostic.message.hasSuffix("character \(code) is not allowed in a scene file"))
            let span = try #require(diagnostic.span)
            #expect(compilation.sources[span.file].text(of: span) == character)
            #expect(compilation.scene == nil)
        }
    }

    @Test func tabInProseIsAllowedInBoth() throws {
        let shot = compile(Self.element + "shot a\n  @mara\twalks\n")
        #expect(shot.scene != nil, "\(rendered(shot))")
    }

    // MARK: 7. Invisible characters are escaped

    @Test func invisibleCharactersInMessagesAreEscaped() throws {
        let compilation = compile(
            "character m\u{200B}ara\n  front https://e.com/a.png\n  refs https://e.com/b.png\nshot a\n  @mara\n")
        let output = rendered(compilation)
        #expect(output.contains("error[E0010]: invalid name 'm\\u{200B}ara'"), "\(output)")
        #expect(output.contains("1 | character m\\u{200B}ara\n  |           ^^^^^^^^^^^^"), "\(output)")
        #expect(!output.unicodeScalars.contains("\u{200B}"))
        let json = JSONDiagnosticRenderer(sources: compilation.sources).render(compilation.diagnostics.sorted)
        #expect(json.contains("invalid name 'm\\\\u{200B}ara'"), "\(json)")
    }

    @Test func pathWithANewlineKeepsTheHeaderOnOneLine() throws {
        let compilation = compile("shot a\n", as: "dir\nx\u{202E}/t.shot")
        let output = rendered(compilation)
        #expect(output.hasPrefix("dir\\u{A}x\\u{202E}/t.shot:1:6: error[E0205]"), "\(output)")
    }

    @Test func bidiControlInASnippetIsEscapedAndCaretsFollow() {
        var sources = SourceMap()
        let id = sources.add(path: "t.shot", bytes: Array("ab\u{202E}\u{0}cd".utf8))
        let diagnostic = Diagnostic(.yamlSyntax, "x", at: SourceSpan(file: id, start: 6, end: 8))
        #expect(
            DiagnosticRenderer(sources: sources).render(diagnostic)
                == "t.shot:1:5: error[E0020]: x\n  |\n1 | ab\\u{202E}\\u{0}cd\n  |                ^^\n")
    }
}
