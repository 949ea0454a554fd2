import Testing
@testable import ShotKit

/// The result of parsing a small text: the tree and diagnostics as compact dumps.
struct ShotParse {
    let scene: SceneSyntax
    let file: SourceFile
    let map: SourceMap
    let bag: DiagnosticBag

    /// `SceneSyntax.dump(in:)`.
    var tree: String { scene.dump(in: map) }

    /// One line per diagnostic, `line:column CODE message`, then its notes and help lines.
    var diagnostics: String {
        bag.sorted.map { diagnostic in
            var lines = ["\(where_(diagnostic.span)) \(diagnostic.code) \(diagnostic.message)"]
            for note in diagnostic.notes {
                lines.append("  note \(where_(note.span)): \(note.message)")
            }
            for help in diagnostic.help { lines.append("  help: \(help)") }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// The source text a span covers.
    func text(_ span: SourceSpan?) -> String { span.map { file.text(of: $0) } ?? "<nil>" }

    private func where_(_ span: SourceSpan?) -> String {
        span.map { "\(file.location(of: $0.start))" } ?? "-"
    }
}

/// Parses `bytes` as a `.shot` file named `t.shot`.
func parseShot(bytes: [UInt8]) -> ShotParse {
    var map = SourceMap()
    let id = map.add(path: "t.shot", bytes: bytes)
    let file = map[id]
    var bag = DiagnosticBag()
    let scene = ShotFrontEnd.parse(file, diagnostics: &bag)
    return ShotParse(scene: scene, file: file, map: map, bag: bag)
}

/// Parses `text` as a `.shot` file named `t.shot`.
func parseShot(_ text: String) -> ShotParse { parseShot(bytes: Array(text.utf8)) }

@Suite struct ShotParserTests {
    static let greenhouse = """
        # The Greenhouse. A line whose first non-blank character is '#' is a comment.
        import "cast.shot"

        model standard
        duration 5s
        aspect 16:9

        character mara
          front refs/mara-front.png
          refs  refs/mara-side.png, refs/mara-back.png
          note  A young explorer in a yellow raincoat.

        prop stone
          front "refs/glowing stone.png"
          refs  refs/stone-side.png

        image ruin   refs/greenhouse.png
        style ghibli https://example.com/styles/ghibli.png

        shot opening 5s 16:9
          Take @ruin as the start frame. Start with a high-angle satellite view of the
          ancient greenhouse ruin. The camera swoops down, revealing @mara standing in
          the sun-drenched center.

          The camera pushes into the open backpack to reveal the glowing @stone.
          Keep the style of @ghibli.

        shot orbit 8s
          A slow 180-degree orbit around @mara, @ghibli palette.

        """

    // MARK: The example of spec section 4

    @Test func specExampleParsesClean() {
        let parsed = parseShot(Self.greenhouse)
        #expect(parsed.diagnostics == "")
        #expect(
            parsed.tree == """
                import "cast.shot"@2:8
                model@4:1 "standard"@4:7
                duration@5:1 "5s"@5:10
                aspect@6:1 "16:9"@6:8
                character "mara"@8:11
                  front@9:3 "refs/mara-front.png"@9:9
                  refs@10:3 "refs/mara-side.png"@10:9, "refs/mara-back.png"@10:29
                  note@11:3 "A young explorer in a yellow raincoat."@11:9
                prop "stone"@13:6
                  front@14:3 "refs/glowing stone.png"@14:9
                  refs@15:3 "refs/stone-side.png"@15:9
                image "ruin"@17:7 image="refs/greenhouse.png"@17:14
                style "ghibli"@18:7 image="https://example.com/styles/ghibli.png"@18:14
                shot "opening"@20:6 duration="5s"@20:14 aspect="16:9"@20:17
                  prose "Take @ruin as the start frame. Start with a high-angle satellite view of the ancient greenhouse ruin. The camera swoops down, revealing @mara standing in the sun-drenched center.\\n\\nThe camera pushes into the open backpack to reveal the glowing @stone. Keep the style of @ghibli."
                shot "orbit"@28:6 duration="8s"@28:12
                  prose "A slow 180-degree orbit around @mara, @ghibli palette."
                """)
        #expect(parsed.scene.surface == .shot)
        #expect(
            parsed.scene.comments.map(\.text) == [
                "# The Greenhouse. A line whose first non-blank character is '#' is a comment."
            ])
    }

    @Test func specExampleProseIsExact() {
        let parsed = parseShot(Self.greenhouse)
        let opening = parsed.scene.shots.first
        #expect(
            opening?.prose.text
                == "Take @ruin as the start frame. Start with a high-angle satellite view of the ancient greenhouse ruin. The camera swoops down, revealing @mara standing in the sun-drenched center.\n\nThe camera pushes into the open backpack to reveal the glowing @stone. Keep the style of @ghibli."
        )
    }

    @Test func spansCoverTheirText() {
        let parsed = parseShot(Self.greenhouse)
        let scene = parsed.scene
        #expect(parsed.text(scene.imports.first?.path.span) == "\"cast.shot\"")
        #expect(parsed.text(scene.imports.first?.span) == "import \"cast.shot\"")
        #expect(parsed.text(scene.settings.last?.span) == "aspect 16:9")
        let stone = scene.declarations[1]
        #expect(parsed.text(stone.keywordSpan) == "prop")
        #expect(parsed.text(stone.field("front")?.values.first?.span) == "\"refs/glowing stone.png\"")
        #expect(stone.field("front")?.values.first?.value == "refs/glowing stone.png")
        #expect(
            parsed.text(stone.span)
                == "prop stone\n  front \"refs/glowing stone.png\"\n  refs  refs/stone-side.png")
        let mara = scene.declarations[0]
        #expect(parsed.text(mara.field("refs")?.span) == "refs  refs/mara-side.png, refs/mara-back.png")
        let orbit = scene.shots[1]
        #expect(parsed.text(orbit.span) == "shot orbit 8s\n  A slow 180-degree orbit around @mara, @ghibli palette.")
        #expect(parsed.text(orbit.prose.span) == "A slow 180-degree orbit around @mara, @ghibli palette.")
    }

    @Test func prosePiecesMapBackToTheSource() {
        let parsed = parseShot(Self.greenhouse)
        let prose = parsed.scene.shots[0].prose
        #expect(prose.pieces.count == 5)
        let text = Array(prose.text.utf8)
        for piece in prose.pieces {
            let copied = text[piece.textOffset..<piece.textOffset + piece.length]
            let source = parsed.file.bytes[piece.sourceOffset..<piece.sourceOffset + piece.length]
            #expect(Array(copied) == Array(source))
        }
        // "@mara" in the joined text points back at line 22.
        let utf8 = Array(prose.text.utf8)
        let at = (0..<utf8.count).first { Array(utf8[$0..<min(utf8.count, $0 + 5)]) == Array("@mara".utf8) }
        let span = prose.sourceSpan(ofTextRange: (at ?? 0)..<(at ?? 0) + 5)
        #expect(parsed.file.location(of: span.start).description == "22:62")
        #expect(parsed.text(span) == "@mara")
        #expect(parsed.text(prose.span).hasPrefix("Take @ruin"))
        #expect(parsed.text(prose.span).hasSuffix("style of @ghibli."))
    }

    // MARK: Layout: CRLF, BOM, comments, blank lines

    @Test func crlfAndByteOrderMarkAreAccepted() {
        let text = Self.greenhouse.replacingOccurrences(of: "\n", with: "\r\n")
        let parsed = parseShot(bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        let plain = parseShot(Self.greenhouse)
        #expect(parsed.diagnostics == "")
        #expect(parsed.scene.dump(in: parsed.map) == plain.tree)
        #expect(parsed.scene.shots.first?.prose.text == plain.scene.shots.first?.prose.text)
        // Offsets count the byte-order mark.
        #expect(parsed.scene.comments.first?.span.start == 3)
    }

    @Test func trailingCommentsOnHeaderAndFieldLinesAreKept() {
        let parsed = parseShot(
            """
            import cast.shot # the cast
            character mara # lead
              front "a #1.png" # quoted hash
              refs a.png, b.png # two
              note keep # this
            image ruin ruin.png # ruin
            shot a 5s # header
              Prose with # a hash.
              # a comment line
            """)
        #expect(parsed.diagnostics == "")
        #expect(
            parsed.tree == """
                import "cast.shot"@1:8
                character "mara"@2:11
                  front@3:3 "a #1.png"@3:9
                  refs@4:3 "a.png"@4:8, "b.png"@4:15
                  note@5:3 "keep # this"@5:8
                image "ruin"@6:7 image="ruin.png"@6:12
                shot "a"@7:6 duration="5s"@7:8
                  prose "Prose with # a hash."
                """)
        #expect(
            parsed.scene.comments.map(\.text) == [
                "# the cast", "# lead", "# quoted hash", "# two", "# ruin", "# header",
                "# a comment line",
            ])
    }

    @Test func hashWithoutBlankIsText() {
        let parsed = parseShot("duration 5s#x\nmodel a#b\n")
        #expect(parsed.diagnostics == "")
        #expect(parsed.tree == "duration@1:1 \"5s#x\"@1:10\nmodel@2:1 \"a#b\"@2:7")
        #expect(parsed.scene.comments.isEmpty)
    }

    @Test func paragraphsJoinAndCommentsDoNotBreakThem() {
        let parsed = parseShot(
            "shot a\n\n  one   \n  # skipped\n   two\n\n\n  three\n# column one\n  four\n\n")
        #expect(parsed.diagnostics == "")
        #expect(parsed.scene.shots.first?.prose.text == "one two\n\nthree four")
        #expect(parsed.scene.comments.map(\.text) == ["# skipped", "# column one"])
        let prose = parsed.scene.shots[0].prose
        #expect(prose.pieces.map(\.length) == [3, 3, 5, 4])
        #expect(prose.pieces.map(\.textOffset) == [0, 4, 9, 15])
    }

    @Test func emptyProseIsNotAParseError() {
        let parsed = parseShot("shot a 5s\n\nshot b\n  # only a comment\n")
        #expect(parsed.diagnostics == "")
        #expect(parsed.tree == "shot \"a\"@1:6 duration=\"5s\"@1:8\n  prose \"\"\nshot \"b\"@3:6\n  prose \"\"")
        let a = parsed.scene.shots[0]
        #expect(a.prose.span.length == 0)
        #expect(a.prose.span.start == 10)  // right after the header's line end
        #expect(parsed.text(a.span) == "shot a 5s")
    }

    @Test func shotOptionsInEitherOrder() {
        let parsed = parseShot("shot a 9:16 8\n  x\nshot b 16:9\n  y\nshot c \"1:1\" 3s\n  z\n")
        #expect(parsed.diagnostics == "")
        #expect(
            parsed.tree == """
                shot "a"@1:6 duration="8"@1:13 aspect="9:16"@1:8
                  prose "x"
                shot "b"@3:6 aspect="16:9"@3:8
                  prose "y"
                shot "c"@5:6 duration="3s"@5:14 aspect="1:1"@5:8
                  prose "z"
                """)
    }

    @Test func refsSeparatedByCommasAndOrBlanks() {
        let parsed = parseShot("character m\n  refs a.png,b.png c.png ,d.png , \"e f.png\"\n")
        #expect(parsed.diagnostics == "")
        let refs = parsed.scene.declarations.first?.field("refs")?.values.map(\.value)
        #expect(refs == ["a.png", "b.png", "c.png", "d.png", "e f.png"])
    }

    @Test func escapesInQuotedValues() {
        let parsed = parseShot(#"image a "x \"y\" \\ z.png""# + "\n")
        #expect(parsed.diagnostics == "")
        #expect(parsed.scene.declarations.first?.image?.value == #"x "y" \ z.png"#)
    }

    @Test func unicodeNamesAreNames() {
        let parsed = parseShot("character Émile_2-b\n  front é.png\n")
        #expect(parsed.diagnostics == "")
        #expect(parsed.tree == "character \"Émile_2-b\"@1:11\n  front@2:3 \"é.png\"@2:9")
    }

    // MARK: Diagnostics, one test (at least) per code

    @Test func invalidUTF8IsReportedAtItsByteOncePerLine() {
        var bytes = Array("shot a\n  caf".utf8) + [0xC3, 0x28] + Array(" \u{FF}".utf8) + [0xFF, 0x0A]
        bytes += Array("# ok\n  ".utf8) + [0xE0, 0x80, 0x80] + Array("\n".utf8)
        let parsed = parseShot(bytes: bytes)
        #expect(
            parsed.diagnostics == """
                2:6 E0001 invalid UTF-8 byte 0xC3
                  help: save the file as UTF-8
                4:3 E0001 invalid UTF-8 byte 0xE0
                  help: save the file as UTF-8
                """)
    }

    @Test func tabsInIndentationAreReportedOncePerLine() {
        let parsed = parseShot("character m\n\t\tfront a.png\n \tnote x\n\t\nshot s\n\tProse.\n")
        #expect(
            parsed.diagnostics == """
                2:1 E0002 tab in indentation, indent with spaces
                  help: replace the tabs at the start of the line with spaces
                3:2 E0002 tab in indentation, indent with spaces
                  help: replace the tabs at the start of the line with spaces
                6:1 E0002 tab in indentation, indent with spaces
                  help: replace the tabs at the start of the line with spaces
                """)
        // The lines are still read.
        #expect(
            parsed.tree == """
                character "m"@1:11
                  front@2:3 "a.png"@2:9
                  note@3:3 "x"@3:8
                shot "s"@5:6
                  prose "Prose."
                """)
    }

    @Test func unterminatedStringTakesTheRestOfTheLine() {
        let parsed = parseShot("image a \"refs/a b.png  \nmodel pro\n")
        #expect(
            parsed.diagnostics == """
                1:9 E0003 unterminated string, expected '"' before the end of the line
                  help: close the value with '"'
                """)
        #expect(parsed.tree == "image \"a\"@1:7 image=\"refs/a b.png\"@1:9\nmodel@2:1 \"pro\"@2:7")
    }

    @Test func invalidEscapesAreEachReportedAndKept() {
        let parsed = parseShot(#"import "a\qb\n\\c\"d""# + "\n")
        #expect(
            parsed.diagnostics == #"""
                1:10 E0004 invalid escape '\q', the only escapes are '\"' and '\\'
                  help: write a backslash as '\\'
                1:13 E0004 invalid escape '\n', the only escapes are '\"' and '\\'
                  help: write a backslash as '\\'
                """#)
        #expect(parsed.scene.imports.first?.path.value == #"a\qb\n\c"d"#)
    }

    @Test func extraTokensAreUnexpected() {
        let parsed = parseShot(
            "model pro extra # c\ncharacter mara tall\n  front a.png b.png\nimage a b.png c\nimport x y\n")
        #expect(
            parsed.diagnostics == """
                1:11 E0005 expected end of line, found 'extra'
                2:16 E0005 expected end of line, found 'tall'
                  help: fields go on the following lines, indented
                3:15 E0005 expected end of line, found 'b.png'
                4:15 E0005 expected end of line, found 'c'
                5:10 E0005 expected end of line, found 'y'
                """)
        // The values before the extra tokens are kept; so is the comment.
        #expect(
            parsed.tree == """
                model@1:1 "pro"@1:7
                character "mara"@2:11
                  front@3:3 "a.png"@3:9
                image "a"@4:7 image="b.png"@4:9
                import "x"@5:8
                """)
        #expect(parsed.scene.comments.map(\.text) == ["# c"])
    }

    @Test func shotHeaderOptionsMustBeDurationOrAspect() {
        let parsed = parseShot("shot a slow 5s\n  Prose one.\nshot b 5s 16:9 4s\n  Prose two.\n")
        #expect(
            parsed.diagnostics == """
                1:8 E0005 expected a duration such as 5s or an aspect ratio such as 16:9, found 'slow'
                3:16 E0009 duplicate duration in shot 'b'
                  note 3:8: the duration is first given here
                  help: a shot has at most one duration and one aspect ratio
                """)
        #expect(
            parsed.tree == """
                shot "a"@1:6
                  prose "Prose one."
                shot "b"@3:6 duration="5s"@3:8 aspect="16:9"@3:11
                  prose "Prose two."
                """)
    }

    @Test func refsSeparatorErrors() {
        let parsed = parseShot(
            "prop p\n  refs a.png,,b.png\n  front f.png\nprop q\n  refs , a.png\nprop r\n  refs a.png,\n")
        #expect(
            parsed.diagnostics == """
                2:14 E0005 expected an image value, found ','
                5:8 E0005 expected an image value, found ','
                7:13 E0005 expected an image value after ',', found end of line
                  help: remove the trailing ','
                """)
        #expect(
            parsed.tree == """
                prop "p"@1:6
                  refs@2:3 "a.png"@2:8
                  front@3:3 "f.png"@3:9
                prop "q"@4:6
                prop "r"@6:6
                  refs@7:3 "a.png"@7:8
                """)
    }

    @Test func unknownKeywordsSuggestAKeyword() {
        let parsed = parseShot(
            """
            charcter mara
              front a.png
            Take @ruin as the start frame.
            shot a
              ok
            zzz 1
            Shot b
              fine
            shto opening 5s 16:9
            Shot from above, the camera sweeps.

            """)
        #expect(
            parsed.diagnostics == """
                1:1 E0006 unknown keyword 'charcter'
                  help: did you mean 'character'?
                3:1 E0006 unknown keyword 'Take'
                  help: prose belongs indented under a 'shot' line
                6:1 E0006 unknown keyword 'zzz'
                  help: a top-level line starts with one of: import, model, duration, aspect, character, prop, image, style, shot
                7:1 E0006 unknown keyword 'Shot'
                  help: did you mean 'shot'?
                9:1 E0006 unknown keyword 'shto'
                  help: did you mean 'shot'?
                10:1 E0006 unknown keyword 'Shot'
                  help: prose belongs indented under a 'shot' line
                """)
        // The broken blocks do not swallow the next keyword line.
        #expect(parsed.tree == "shot \"a\"@4:6\n  prose \"ok\"")
    }

    @Test func unknownFieldsSuggestAField() {
        let parsed = parseShot("character mara\n  frnt a.png\n  color red\n  refs b.png\n")
        #expect(
            parsed.diagnostics == """
                2:3 E0007 unknown field 'frnt' in character 'mara'
                  help: did you mean 'front'?
                3:3 E0007 unknown field 'color' in character 'mara'
                  help: a character has the fields 'front', 'refs' and 'note'
                """)
        #expect(parsed.tree == "character \"mara\"@1:11\n  refs@4:3 \"b.png\"@4:8")
    }

    @Test func strayIndentationIsReportedOncePerRun() {
        let parsed = parseShot(
            "  orphan line\n  another\n\nimage a a.png\n  front x.png\nduration 5\n    x\nshot s\n  ok\n")
        #expect(
            parsed.diagnostics == """
                1:1 E0008 unexpected indentation, no block is open here
                  help: top-level lines start in the first column; only the fields of a 'character' or 'prop' and the prose of a 'shot' are indented
                5:1 E0008 unexpected indentation, 'image' takes no indented lines
                  help: top-level lines start in the first column; only the fields of a 'character' or 'prop' and the prose of a 'shot' are indented
                7:1 E0008 unexpected indentation, 'duration' takes no indented lines
                  help: top-level lines start in the first column; only the fields of a 'character' or 'prop' and the prose of a 'shot' are indented
                """)
        #expect(
            parsed.tree == """
                image "a"@4:7 image="a.png"@4:9
                duration@6:1 "5"@6:10
                shot "s"@8:6
                  prose "ok"
                """)
    }

    @Test func duplicateFieldsAndSettingsPointAtTheFirst() {
        let parsed = parseShot(
            "model pro\ncharacter m\n  front a.png\n  refs r.png\n  front b.png\nmodel standard\n")
        #expect(
            parsed.diagnostics == """
                5:3 E0009 duplicate field 'front' in character 'm'
                  note 3:3: 'front' is first given here
                  help: remove one of the two lines
                6:1 E0009 duplicate setting 'model'
                  note 1:1: 'model' is first set here
                  help: remove one of the two lines
                """)
        #expect(
            parsed.tree == """
                model@1:1 "pro"@1:7
                character "m"@2:11
                  front@3:3 "a.png"@3:9
                  refs@4:3 "r.png"@4:8
                """)
    }

    @Test func duplicateAspectInShotHeader() {
        let parsed = parseShot("shot s 16:9 1:1\n  x\n")
        #expect(
            parsed.diagnostics == """
                1:13 E0009 duplicate aspect ratio in shot 's'
                  note 1:8: the aspect ratio is first given here
                  help: a shot has at most one duration and one aspect ratio
                """)
    }

    @Test func invalidNamesAreReportedAndKept() {
        let parsed = parseShot("character 2mara\n  front a.png\nimage bad- b.png\nshot \"q\"\n  x\n")
        let help = "  help: a name starts with a letter and goes on with letters, digits, '_' or '-', not ending in '-'"
        #expect(
            parsed.diagnostics == """
                1:11 E0010 invalid name '2mara'
                \(help)
                3:7 E0010 invalid name 'bad-'
                \(help)
                4:6 E0010 invalid name '"q"'
                \(help)
                """)
        #expect(
            parsed.tree == """
                character "2mara"@1:11
                  front@2:3 "a.png"@2:9
                image "bad-"@3:7 image="b.png"@3:12
                shot ""q""@4:6
                  prose "x"
                """)
    }

    @Test func missingValuesAndNames() {
        let parsed = parseShot(
            """
            import
            duration # none
            character
              front a.png
            prop p
              front
              refs
              note
            image ruin
            shot
              lost prose
            shot ok
              kept

            """)
        #expect(
            parsed.diagnostics == """
                1:1 E0024 missing path after 'import'
                  help: write it as 'import "cast.shot"'
                2:1 E0024 missing value for 'duration'
                  help: write it as 'duration 5s'
                3:1 E0024 expected a name after 'character', found end of line
                  help: write it as 'character NAME', such as 'character mara'
                6:3 E0024 missing value for 'front' in prop 'p'
                  help: write it as 'front refs/p-front.png'
                7:3 E0024 missing value for 'refs' in prop 'p'
                  help: write one to three images: refs refs/p-side.png
                8:3 E0024 missing value for 'note' in prop 'p'
                  help: write the note after the key: note A young explorer in a yellow raincoat.
                9:7 E0024 missing image for image 'ruin'
                  help: write it as 'image ruin refs/ruin.png'
                10:1 E0024 expected a name after 'shot', found end of line
                  help: write it as 'shot NAME', such as 'shot mara'
                """)
        // The image keeps its name so that mentions of it do not cascade.
        #expect(
            parsed.tree == """
                prop "p"@5:6
                image "ruin"@9:7
                shot "ok"@12:6
                  prose "kept"
                """)
        #expect(parsed.scene.comments.map(\.text) == ["# none"])
    }

    @Test func everyErrorOfTheFileIsReportedOnce() {
        let parsed = parseShot(
            "modl pro\ncharacter m\n  frnt a\n  front \"x\\q\nshot s 5s 5s\n  p\n\tshot t\n")
        let codes = parsed.bag.sorted.map(\.code.id)
        #expect(codes == ["E0006", "E0007", "E0003", "E0004", "E0009", "E0002"])
        #expect(parsed.bag.diagnostics.count == codes.count)
    }
}
