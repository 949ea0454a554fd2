import Testing
@testable import ShotKit

/// Spec section 2: mentions, numbering by first mention, substitution.
@Suite struct ResolutionTests {
    private func names(_ text: String) -> [String] {
        MentionScanner.scan(text).mentions.map(\.name)
    }

    @Test func mentionNeedsAFreeAt() {
        #expect(names("mail mara@example.com or @mara") == ["mara"])
        #expect(names("@mara,@tom;(@stone)") == ["mara", "tom", "stone"])
        #expect(names("x_@mara 9@tom") == [])
    }

    @Test func nameIsTheLongestMatchNotEndingInHyphen() {
        #expect(names("@old-tom-'s hat") == ["old-tom"])
        #expect(names("@mara_2.") == ["mara_2"])
        #expect(names("@mara--") == ["mara"])
        #expect(names("@9lives @ alone @-x") == [])
        #expect(names("@Zoë waits") == ["Zoë"])
    }

    @Test func doubledAtIsALiteralAt() {
        let scan = MentionScanner.scan("follow @@mara and @mara")
        #expect(scan.mentions.map(\.name) == ["mara"])
        #expect(scan.escapedAts == [7])
        let out = MentionScanner.substitute("follow @@mara and @mara", scan: scan) { _ in "@Element1" }
        #expect(out == "follow @mara and @Element1")
    }

    @Test func rangesAreUTF8Offsets() {
        let scan = MentionScanner.scan("café @mara")
        #expect(scan.mentions.first?.range == 6..<11)
    }

    /// The example of spec section 2, through the whole compiler.
    @Test func specExampleResolves() throws {
        let text = """
            character mara
              front https://example.com/mara.png
              refs  https://example.com/mara-side.png
            style ghibli https://example.com/ghibli.png
            image ruin https://example.com/ruin.png

            shot a
              @ghibli light falls on @mara; @ruin behind @mara
            """
        let compilation = Compiler.compile(path: "t.shot", text: Array(text.utf8))
        let scene = try #require(compilation.scene, "\(compilation.diagnostics.sorted)")
        let shot = try #require(scene.shots.first)
        #expect(shot.prompt == "@Image1 light falls on @Element1; @Image2 behind @Element1")
        #expect(shot.images.map { scene.references[$0].name } == ["ghibli", "ruin"])
        #expect(shot.elements.map { scene.references[$0].name } == ["mara"])
        var builder = RequestBuilder(scene: scene)
        let body = try builder.body(for: shot, images: .writtenPaths)
        #expect(
            body.rendered(pretty: false) == """
                {"prompt":"@Image1 light falls on @Element1; @Image2 behind @Element1","image_urls":["https://example.com/ghibli.png","https://example.com/ruin.png"],"elements":[{"frontal_image_url":"https://example.com/mara.png","reference_image_urls":["https://example.com/mara-side.png"]}],"duration":"5","aspect_ratio":"16:9"}
                """)
    }

    /// Numbering restarts in each shot, and unmentioned references are not sent.
    @Test func eachShotNumbersItsOwnMentions() throws {
        let text = """
            character mara
              front https://example.com/mara.png
              refs  https://example.com/mara-side.png
            character tom
              front https://example.com/tom.png
              refs  https://example.com/tom-side.png

            shot one 3s
              @tom greets @mara.
            shot two 10 9:16
              @mara alone.
            """
        let compilation = Compiler.compile(path: "t.shot", text: Array(text.utf8))
        let scene = try #require(compilation.scene, "\(compilation.diagnostics.sorted)")
        #expect(scene.shots.map(\.prompt) == ["@Element1 greets @Element2.", "@Element1 alone."])
        #expect(scene.shots[1].elements.map { scene.references[$0].name } == ["mara"])
        #expect(scene.shots.map(\.duration) == [3, 10])
        #expect(scene.shots.map(\.aspect) == [.landscape, .portrait])
        var builder = RequestBuilder(scene: scene)
        let body = try builder.body(for: scene.shots[1], images: .writtenPaths)
        #expect(body["image_urls"] == nil)
        #expect(body["duration"] == .string("10"))
    }

    @Test func modelSelectsTheEndpoint() throws {
        let text = "model pro\nshot a\n  An empty stage.\n"
        let compilation = Compiler.compile(path: "t.shot", text: Array(text.utf8))
        let scene = try #require(compilation.scene)
        #expect(scene.endpointID == "fal-ai/kling-video/o1/reference-to-video")
        #expect(ModelTier.standard.endpointID == "fal-ai/kling-video/o1/standard/reference-to-video")
    }

    @Test func base64MatchesRFC4648() {
        #expect(Base64.encode(Array("".utf8)) == "")
        #expect(Base64.encode(Array("f".utf8)) == "Zg==")
        #expect(Base64.encode(Array("fo".utf8)) == "Zm8=")
        #expect(Base64.encode(Array("foo".utf8)) == "Zm9v")
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
    }

    @Test func jsonStringsAreEscaped() {
        let value = JSONValue.object([("a\"b", .string("line\nbreak\t\u{1}é\\"))])
        #expect(value.rendered(pretty: false) == #"{"a\"b":"line\nbreak\t\u0001é\\"}"#)
    }

    @Test func imageHeadersGiveFormatAndSize() {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        png += Array("IHDR".utf8) + [0, 0, 2, 0, 0, 0, 1, 0x2C, 8, 2, 0, 0, 0]
        let info = ImageProbe.probe(png, byteCount: 1000)
        #expect(info == ImageInfo(format: .png, width: 512, height: 300, byteCount: 1000))
        // A JPEG with an APP0 segment before its SOF0 frame header.
        let jpeg: [UInt8] = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00,
            0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x01, 0x68, 0x02, 0x80, 0x01, 0x01, 0x11, 0x00,
        ]
        #expect(ImageProbe.probe(jpeg, byteCount: 21)?.width == 640)
        #expect(ImageProbe.probe(jpeg, byteCount: 21)?.height == 360)
        #expect(ImageProbe.probe(Array("not an image".utf8), byteCount: 12) == nil)
    }

    /// A "did you mean" that is sure enough comes with a fix-it an editor can apply.
    @Test func suggestionsCarryFixIts() throws {
        let text = "model por\nimage ruin https://example.com/r.png\nshot a 5s 16x9\n  @rin at dusk.\n"
        let compilation = Compiler.compile(path: "t.shot", text: Array(text.utf8))
        let file = compilation.sources.files[0]
        var fixed = Array(text.utf8)
        let edits = compilation.diagnostics.sorted.flatMap(\.fixIts).flatMap(\.edits)
        #expect(edits.count == 3)
        for edit in edits.sorted(by: { $0.span.start > $1.span.start }) {
            fixed.replaceSubrange(edit.span.start..<edit.span.end, with: Array(edit.replacement.utf8))
        }
        #expect(file.bytes == Array(text.utf8))
        #expect(
            String(decoding: fixed, as: UTF8.self)
                == "model pro\nimage ruin https://example.com/r.png\nshot a 5s 16:9\n  @ruin at dusk.\n")
        let recompiled = Compiler.compile(path: "t.shot", text: fixed)
        #expect(recompiled.diagnostics.sorted.isEmpty, "\(recompiled.diagnostics.sorted)")
    }
}
