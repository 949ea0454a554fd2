import ShotcTestSupport
import Testing

@testable import ShotKit

/// The result of parsing one YAML text, with compact dumps to compare.
private struct Parsed {
    var map: SourceMap
    var scene: SceneSyntax
    var bag: DiagnosticBag

    var file: SourceFile { map[scene.file] }
    var dump: String { scene.dump(in: map) }

    /// One line per diagnostic, `line:column CODE message`, notes and help indented below.
    var diagnostics: String {
        var lines: [String] = []
        for diagnostic in bag.sorted {
            let at = diagnostic.span.map { file.location(of: $0.start).description } ?? "-"
            lines.append("\(at) \(diagnostic.code) \(diagnostic.message)")
            for note in diagnostic.notes {
                let noteAt = note.span.map { file.location(of: $0.start).description } ?? "-"
                lines.append("  note \(noteAt) \(note.message)")
            }
            for help in diagnostic.help { lines.append("  help: \(help)") }
        }
        return lines.joined(separator: "\n")
    }

    /// The source span of the first occurrence of `needle` in the prose of shot `shot`.
    func span(of needle: String, inProseOf shot: Int) -> SourceSpan? {
        let prose = scene.shots[shot].prose
        let text = Array(prose.text.utf8)
        let pattern = Array(needle.utf8)
        guard text.count >= pattern.count else { return nil }
        for start in 0...(text.count - pattern.count)
        where Array(text[start..<start + pattern.count]) == pattern {
            return prose.sourceSpan(ofTextRange: start..<start + pattern.count)
        }
        return nil
    }

    /// The source text at the span of `needle` in a shot's prose.
    func source(of needle: String, inProseOf shot: Int = 0) -> String? {
        span(of: needle, inProseOf: shot).map { file.text(of: $0) }
    }

    /// `line:column` of the source span of `needle` in a shot's prose.
    func location(of needle: String, inProseOf shot: Int = 0) -> String? {
        span(of: needle, inProseOf: shot).map { file.location(of: $0.start).description }
    }
}

private func parse(_ text: String) -> Parsed {
    parse(bytes: Array(text.utf8))
}

private func parse(bytes: [UInt8]) -> Parsed {
    var map = SourceMap()
    let id = map.add(path: "t.yaml", bytes: bytes)
    var bag = DiagnosticBag()
    let scene = YAMLFrontEnd.parse(map[id], diagnostics: &bag)
    return Parsed(map: map, scene: scene, bag: bag)
}

private let specExample = """
    import: [cast.yaml]          # optional; .yaml and .shot files may import each other
    model: standard
    duration: 5
    aspect: 16:9                 # a plain scalar 16:9 is the string "16:9", never a number
    characters:
      mara:
        front: refs/mara-front.png
        refs: [refs/mara-side.png, refs/mara-back.png]
        note: A young explorer in a yellow raincoat.
    props:
      stone: { front: "refs/glowing stone.png", refs: [refs/stone-side.png] }
    images:
      ruin: refs/greenhouse.png
    styles:
      ghibli: https://example.com/styles/ghibli.png
    shots:
      opening:
        duration: 5s
        aspect: 16:9
        prompt: >
          Take @ruin as the start frame. Start with a high-angle satellite view of the
          ancient greenhouse ruin.
      orbit:
        duration: 8
        prompt: A slow 180-degree orbit around @mara, @ghibli palette.

    """

@Suite struct YAMLFrontEndTests {
    // MARK: The spec's example

    @Test func specExampleParses() {
        let parsed = parse(specExample)
        #expect(parsed.diagnostics == "")
        #expect(parsed.scene.surface == .yaml)
        #expect(
            parsed.dump == """
                import "cast.yaml"@1:10
                model@2:1 "standard"@2:8
                duration@3:1 "5"@3:11
                aspect@4:1 "16:9"@4:9
                character "mara"@6:3
                  front@7:5 "refs/mara-front.png"@7:12
                  refs@8:5 "refs/mara-side.png"@8:12, "refs/mara-back.png"@8:32
                  note@9:5 "A young explorer in a yellow raincoat."@9:11
                prop "stone"@11:3
                  front@11:12 "refs/glowing stone.png"@11:19
                  refs@11:45 "refs/stone-side.png"@11:52
                image "ruin"@13:3 image="refs/greenhouse.png"@13:9
                style "ghibli"@15:3 image="https://example.com/styles/ghibli.png"@15:11
                shot "opening"@17:3 duration="5s"@18:15 aspect="16:9"@19:13
                  prose "Take @ruin as the start frame. Start with a high-angle satellite view of the ancient greenhouse ruin."
                shot "orbit"@23:3 duration="8"@24:15
                  prose "A slow 180-degree orbit around @mara, @ghibli palette."
                """)
        let declarations = parsed.scene.declarations
        #expect(
            declarations.map { parsed.file.text(of: $0.keywordSpan) } == [
                "characters", "props", "images", "styles",
            ])
        #expect(parsed.file.text(of: parsed.scene.settings[0].span) == "model: standard")
    }

    @Test func mentionsInAFoldedPromptPointAtTheirBytes() {
        let parsed = parse(specExample)
        #expect(parsed.source(of: "@ruin") == "@ruin")
        #expect(parsed.location(of: "@ruin") == "21:12")
        // "ancient" starts the second line of the folded block; the fold made the space before it.
        #expect(parsed.source(of: "ancient greenhouse") == "ancient greenhouse")
        #expect(parsed.location(of: "ancient") == "22:7")
        #expect(parsed.location(of: "@mara", inProseOf: 1) == "25:44")
        #expect(parsed.location(of: "@ghibli", inProseOf: 1) == "25:51")
        let prose = parsed.scene.shots[0].prose
        #expect(parsed.file.text(of: prose.span).hasPrefix(">\n      Take"))
        // The folded line break belongs to no piece: two pieces, one per source line.
        #expect(prose.pieces.count == 2)
    }

    // MARK: Scalars keep their text

    @Test func scalarsAreNeverResolved() {
        let parsed = parse(
            """
            duration: !!int 5
            aspect: 1:1
            model: 010
            shots:
              a: {duration: 0x10, aspect: 9:16, prompt: "@mara"}
            """)
        #expect(parsed.diagnostics == "")
        #expect(
            parsed.dump == """
                duration@1:1 "5"@1:17
                aspect@2:1 "1:1"@2:9
                model@3:1 "010"@3:8
                shot "a"@5:3 duration="0x10"@5:17 aspect="9:16"@5:31
                  prose "@mara"
                """)
    }

    @Test func literalAndQuotedPromptsMapMentionsExactly() {
        let parsed = parse(
            """
            shots:
              lit: |
                First line with @mara.
                  Indented @stone line.
              dq: "caf\\u00e9 \\"quoted\\" @mara
                next line @ruin"
              sq: 'it''s @ghibli time'
              plain: walking @mara
                through @ruin
            """)
        #expect(parsed.diagnostics == "")
        #expect(
            parsed.dump == """
                shot "lit"@2:3
                  prose "First line with @mara.\\n  Indented @stone line."
                shot "dq"@5:3
                  prose "café "quoted" @mara next line @ruin"
                shot "sq"@7:3
                  prose "it's @ghibli time"
                shot "plain"@8:3
                  prose "walking @mara through @ruin"
                """)
        #expect(parsed.location(of: "@mara", inProseOf: 0) == "3:21")
        #expect(parsed.location(of: "@stone", inProseOf: 0) == "4:16")
        #expect(parsed.source(of: "@mara", inProseOf: 1) == "@mara")
        #expect(parsed.location(of: "@mara", inProseOf: 1) == "5:29")
        #expect(parsed.location(of: "@ruin", inProseOf: 1) == "6:15")
        #expect(parsed.location(of: "@ghibli", inProseOf: 2) == "7:14")
        #expect(parsed.location(of: "@ruin", inProseOf: 3) == "9:13")
    }

    @Test func escapesInADoubleQuotedPromptKeepMentionsAligned() {
        // Escapes in a row, a doubled backslash, a line continuation followed by an empty
        // line, a leading escaped tab, CRLF line ends.
        let text =
            "shots:\r\n  a: \"\\tcaf\\u00e9\\\\\\tx\r\n    \\U00002713\\t\\\" @ruin y\\\r\n\r\n    z\\N @mara\"\r\n"
        let parsed = parse(text)
        #expect(parsed.diagnostics == "")
        #expect(parsed.scene.shots.first?.prose.text == "café\\\tx ✓\t\" @ruin y\nz\u{85} @mara")
        #expect(parsed.source(of: "@ruin") == "@ruin")
        #expect(parsed.location(of: "@ruin") == "3:20")
        #expect(parsed.source(of: "@mara") == "@mara")
        #expect(parsed.location(of: "@mara") == "5:9")
    }

    @Test func anchoredPromptAndTaggedScalarSkipTheirProperties() {
        let parsed = parse(
            """
            shots:
              a:
                prompt: &p !!str   >-
                  over @mara
              b: *p
            """)
        #expect(parsed.diagnostics == "")
        #expect(parsed.scene.shots.map(\.prose.text) == ["over @mara", "over @mara"])
        #expect(parsed.location(of: "@mara", inProseOf: 0) == "4:12")
        #expect(parsed.location(of: "@mara", inProseOf: 1) == "4:12")
    }

    // MARK: Anchors, flow style, comments, line ends

    @Test func aliasesExpandToTheAnchoredNode() {
        let parsed = parse(
            """
            characters:
              mara:
                front: a.png
                refs: &mara_refs [s.png, b.png]
              twin:
                front: a.png
                refs: *mara_refs
            props: &shared
              stone: {front: f.png, refs: r.png}
            """)
        #expect(parsed.diagnostics == "")
        #expect(
            parsed.dump == """
                character "mara"@2:3
                  front@3:5 "a.png"@3:12
                  refs@4:5 "s.png"@4:23, "b.png"@4:30
                character "twin"@5:3
                  front@6:5 "a.png"@6:12
                  refs@7:5 "s.png"@4:23, "b.png"@4:30
                prop "stone"@9:3
                  front@9:11 "f.png"@9:18
                  refs@9:25 "r.png"@9:31
                """)
        // The field of the alias spans `refs: *mara_refs`, not the anchored list far away.
        let twin = parsed.scene.declarations[1]
        #expect(twin.field("refs").map { parsed.file.text(of: $0.span) } == "refs: *mara_refs")
    }

    @Test func theDocumentKeepsAnAliasAsAReferenceToItsAnchor() throws {
        var map = SourceMap()
        let id = map.add(path: "t.yaml", bytes: Array("a: &x [1, !!int 2]\nb: *x\n".utf8))
        let file = map[id]
        var bag = DiagnosticBag()
        let document = try #require(YAMLFrontEnd.document(of: file, diagnostics: &bag))
        let root = try #require(document.root)
        let pairs = document.pairs(of: root)
        #expect(pairs.count == 2)
        let alias = pairs[1].value
        #expect(document.writtenKind(of: alias) == .alias)
        #expect(document.kind(of: alias) == .sequence)
        #expect(file.text(of: document.writtenSpan(of: alias)) == "*x")
        #expect(file.text(of: document.span(of: alias)) == "&x [1, !!int 2]")
        let items = document.items(of: alias).compactMap { document.scalar($0) }
        #expect(items.map(\.value) == ["1", "2"])
        #expect(items.map(\.tag) == [nil, "tag:yaml.org,2002:int"])
        #expect(items.map { file.text(of: $0.span) } == ["1", "2"])
        #expect(bag.diagnostics.isEmpty)
    }

    @Test func blockCollectionsEndAtTheirLastValue() {
        let parsed = parse(
            "characters:\n  mara:\n    front: a.png\n    refs:\n      - b.png\n\n# c\n"
                + "props: {stone: {front: s.png} }\nshots:\n  a:\n    prompt: x\n\n")
        #expect(parsed.diagnostics == "")
        #expect(
            parsed.scene.declarations.map { parsed.file.text(of: $0.span) } == [
                "mara:\n    front: a.png\n    refs:\n      - b.png", "stone: {front: s.png}",
            ])
        #expect(
            parsed.scene.declarations[0].fields.map { parsed.file.text(of: $0.span) } == [
                "front: a.png", "refs:\n      - b.png",
            ])
        #expect(parsed.scene.shots.map { parsed.file.text(of: $0.span) } == ["a:\n    prompt: x"])
    }

    @Test func commentsCRLFAndEmptySectionsAreAccepted() {
        let text =
            "# a scene\r\nmodel: pro # the pro tier\r\ncharacters:\r\nprops: ~\r\nshots:\r\n"
            + "  a: >\r\n    one @mara\r\n    two\r\n  # between\r\n  b:\r\n"
        let parsed = parse(text)
        #expect(parsed.diagnostics == "")
        #expect(
            parsed.dump == """
                model@2:1 "pro"@2:8
                shot "a"@6:3
                  prose "one @mara two"
                shot "b"@10:3
                  prose ""
                """)
        #expect(parsed.location(of: "@mara") == "7:9")
        #expect(parsed.location(of: "two") == "8:5")
        // A shot without a prompt has empty prose right after its name.
        #expect(
            parsed.file.location(of: parsed.scene.shots[1].prose.span.start).description == "10:4")
    }

    @Test func commentsAreKeptButNotHashesInsideScalars() {
        let text = """
            # The Greenhouse
            model: pro  # the tier
            images: {ruin: "a #1.png", rock: 'b #2'} # flow
            shots:
              a: >
                Not # a comment, @mara#x
              # indented comment
              b: x#y
            """
        let parsed = parse(text)
        #expect(parsed.diagnostics == "")
        #expect(
            parsed.scene.comments.map { "\(parsed.file.location(of: $0.span.start)) \($0.text)" }
                == [
                    "1:1 # The Greenhouse", "2:13 # the tier", "3:42 # flow",
                    "7:3 # indented comment",
                ])
        #expect(parse("\u{FEFF}# after a BOM\n").scene.comments.map(\.text) == ["# after a BOM"])
    }

    @Test func emptyAndCommentOnlyFilesAreEmptyScenes() {
        for text in ["", "# nothing here\n", "---\n", "~\n"] {
            let parsed = parse(text)
            #expect(parsed.diagnostics == "", "\(text)")
            #expect(parsed.scene.items.isEmpty, "\(text)")
        }
    }

    @Test func importTakesOneOrManyPaths() {
        let one = parse("import: cast.shot\n")
        #expect(one.dump == "import \"cast.shot\"@1:9")
        #expect(one.file.text(of: one.scene.imports[0].span) == "import: cast.shot")
        let many = parse("import:\n  - a.yaml\n  - \"b c.shot\"\n")
        #expect(many.dump == "import \"a.yaml\"@2:5\nimport \"b c.shot\"@3:5")
    }

    @Test func itemsKeepFileOrder() {
        let parsed = parse("shots:\n  a: x\nstyles:\n  s: s.png\nmodel: pro\n")
        #expect(
            parsed.dump
                == "shot \"a\"@2:3\n  prose \"x\"\nstyle \"s\"@4:3 image=\"s.png\"@4:6\nmodel@5:1 \"pro\"@5:8"
        )
    }

    // MARK: Positions after multibyte text

    @Test func libyamlMarksCountCodePointsAndAreConvertedToBytes() {
        // A BOM, then multibyte text before the key that is reported.
        let bytes: [UInt8] =
            [0xEF, 0xBB, 0xBF]
            + Array(
                "characters:\n  mara:\n    note: café ✓\n    front: a.png\n    note: again\n".utf8)
        let parsed = parse(bytes: bytes)
        #expect(
            parsed.diagnostics == """
                5:5 E0021 duplicate key 'note'
                  note 3:5 first given here
                """)
        let duplicate = parsed.bag.diagnostics[0].span
        #expect(duplicate.map { parsed.file.text(of: $0) } == "note")
        #expect(
            parsed.dump
                == "character \"mara\"@2:3\n  note@3:5 \"café ✓\"@3:11\n  front@4:5 \"a.png\"@4:12")
        // The value's span covers exactly its bytes.
        let note = parsed.scene.declarations[0].fields[0].values[0]
        #expect(parsed.file.text(of: note.span) == "café ✓")
    }

    @Test func eventSpansCoverExactlyTheScalarsBytes() throws {
        let bytes: [UInt8] =
            [0xEF, 0xBB, 0xBF]
            + Array(
                "a: é✓\r\nb: [ü, \"ß x\"]\r\nc: { k: 😀 }\r\n# libyaml ends lines at U+2028\u{2028}\nd: ✓x\n"
                    .utf8)
        var map = SourceMap()
        let id = map.add(path: "t.yaml", bytes: bytes)
        let file = map[id]
        let parser = YAMLEventParser(file)
        var texts: [String] = []
        while true {
            let event = try parser.next()
            if case .streamEnd = event.kind { break }
            if case .scalar = event.kind { texts.append(file.text(of: event.span)) }
        }
        #expect(texts == ["a", "é✓", "b", "ü", "\"ß x\"", "c", "k", "😀", "d", "✓x"])
    }

    @Test func syntaxErrorAfterMultibyteTextHasTheRightColumn() {
        let parsed = parse("images:\n  é✓: ✓✓.png: x\n")
        #expect(
            parsed.diagnostics == """
                2:13 E0027 ': ' inside an unquoted value: YAML reads it as a key and a value
                  help: quote the value, or write it as a block ('prompt: >' and the text on the lines below)
                """)
        #expect(parsed.scene.items.isEmpty)
    }

    @Test func promptMentionAfterMultibyteText() {
        let parsed = parse("shots:\n  é: >\n    ✓✓ café @mara\n")
        #expect(parsed.location(of: "@mara") == "3:13")
        #expect(parsed.source(of: "café @mara") == "café @mara")
    }

    // MARK: Diagnostics

    @Test func syntaxErrorReportsLibyamlsProblemAndContext() {
        let parsed = parse("characters:\n  mara:\n    front: a.png\n   refs: b\n")
        #expect(
            parsed.diagnostics == """
                4:4 E0020 did not find expected key
                  note 2:3 while parsing a block mapping
                """)
        #expect(parsed.scene.items.isEmpty)
    }

    @Test func unclosedFlowSequenceIsASyntaxError() {
        let parsed = parse("import: [a.yaml\nmodel: pro\n")
        #expect(parsed.bag.diagnostics.count == 1)
        #expect(parsed.bag.diagnostics.first?.code == .yamlSyntax)
        #expect(
            parsed.bag.diagnostics.first?.span.map {
                parsed.file.location(of: $0.start).description
            } == "2:6")
    }

    @Test func invalidUTF8IsReportedAtItsByte() {
        let parsed = parse(
            bytes: Array("model: pro\nshots:\n  a: ca".utf8) + [0xFF] + Array(" x\n".utf8))
        #expect(parsed.diagnostics == "3:8 E0001 invalid leading UTF-8 octet")
        #expect(parsed.bag.diagnostics.first?.span.map(\.start) == 25)
    }

    /// The same code and message as in `.shot` (E0011), not libyaml's generic E0020.
    @Test func controlCharacterIsReportedAsInShot() {
        let parsed = parse(bytes: Array("model: p".utf8) + [0x01] + Array("\n".utf8))
        #expect(
            parsed.diagnostics
                == "1:9 E0011 control character U+0001 is not allowed in a scene file\n  help: remove it: it is invisible in most editors"
        )
    }

    @Test func duplicateKeysAreReportedAtTheSecondWithANoteAtTheFirst() {
        let parsed = parse(
            """
            characters:
              mara: {front: a.png, refs: b.png}
            shots:
              a: one
              b: two
              a: three
            characters:
              tom: {front: t.png}
            """)
        #expect(
            parsed.diagnostics == """
                6:3 E0021 duplicate key 'a'
                  note 4:3 first given here
                7:1 E0021 duplicate key 'characters'
                  note 1:1 first given here
                """)
        // The second entry is dropped, so later phases see each name once.
        #expect(parsed.scene.shots.map(\.prose.text) == ["one", "two"])
        #expect(parsed.scene.declarations.map(\.name.value) == ["mara"])
    }

    @Test func duplicateKeysInALargeMappingAreFound() {
        var text = "shots:\n"
        for index in 0..<40 { text += "  s\(index): p\n" }
        text += "  s7: again\n"
        let parsed = parse(text)
        #expect(parsed.diagnostics == "42:3 E0021 duplicate key 's7'\n  note 9:3 first given here")
        #expect(parsed.scene.shots.count == 40)
    }

    @Test func wrongNodeKindsSayWhatWasExpectedAndFound() {
        let parsed = parse(
            """
            characters: [a, b]
            props:
              stone:
                front: [x.png]
                refs: {x: y}
              rock: r.png
            images:
              ruin: {url: r.png}
            shots:
              a: [x]
              b:
                prompt: {text: x}
            import: {a: b}
            """)
        #expect(
            parsed.diagnostics == """
                1:13 E0022 expected a mapping from names to characters for 'characters', found a list
                4:12 E0022 expected a value for 'front', found a list
                5:11 E0022 expected a list of images for 'refs', found a mapping
                6:9 E0022 expected a mapping with 'front', 'refs' and 'note' for 'rock', found a scalar
                8:9 E0022 expected an image for 'ruin', found a mapping
                10:6 E0022 expected a mapping with 'duration', 'aspect' and 'prompt' for 'a', found a list
                12:13 E0022 expected text for 'prompt', found a mapping
                13:9 E0022 expected a path or a list of paths for 'import', found a mapping
                """)
        // Declarations of the wrong shape are kept (their names still resolve); a shot that is
        // a list is dropped.
        #expect(parsed.scene.declarations.map(\.name.value) == ["stone", "rock", "ruin"])
        #expect(parsed.scene.shots.map(\.name.value) == ["b"])
    }

    @Test func wrongKindThroughAnAliasPointsAtTheAlias() {
        let parsed = parse("images:\n  ruin: &m {a: b}\n  rock: *m\n")
        #expect(
            parsed.diagnostics == """
                2:9 E0022 expected an image for 'ruin', found a mapping
                3:9 E0022 expected an image for 'rock', found a mapping
                """)
    }

    @Test func topLevelThatIsNotAMappingIsWrongKind() {
        let parsed = parse("- a\n- b\n")
        #expect(
            parsed.diagnostics == """
                1:1 E0022 expected a mapping of scene keys, found a list
                  help: a YAML scene starts with keys such as 'characters:' and 'shots:'
                """)
    }

    @Test func complexKeyIsWrongKind() {
        let parsed = parse("shots:\n  ? [a, b]\n  : x\n")
        #expect(parsed.diagnostics == "2:5 E0022 expected a name as key, found a list")
    }

    @Test func unknownKeysWarnWithDidYouMean() {
        let parsed = parse(
            """
            modle: pro
            characters:
              mara:
                frnt: a.png
                colour: red
            shots:
              a:
                promt: x
            """)
        #expect(
            parsed.diagnostics == """
                1:1 W0002 unknown key 'modle'
                  help: did you mean 'model'?
                4:5 E0007 unknown field 'frnt' in character 'mara'
                  help: did you mean 'front'?
                5:5 W0002 unknown key 'colour' in a character
                  help: known keys: front, refs, note
                8:5 E0007 unknown field 'promt' in shot 'a'
                  help: did you mean 'prompt'?
                """)
        // A misspelt required field is an error (reported once, not again as missing: a
        // misspelt prompt's text is taken as the prompt); the other unknown keys warn.
        #expect(parsed.bag.diagnostics.filter { $0.severity == .error }.map(\.code.id) == ["E0007", "E0007"])
        #expect(parsed.scene.shots.map(\.prose.text) == ["x"])
    }

    @Test func missingValuesAreReported() {
        let parsed = parse(
            """
            duration:
            images:
              ruin:
            shots:
              a:
                aspect:
                prompt:
            characters:
              mara:
                refs: [a.png, ~]
            """)
        #expect(
            parsed.diagnostics == """
                1:1 E0024 expected a value for 'duration', found nothing
                3:3 E0024 expected an image for 'ruin', found nothing
                6:5 E0024 expected an aspect ratio for 'aspect', found nothing
                10:19 E0024 expected an image for 'refs', found nothing
                """)
        // The image declaration is kept without its image; the shot has empty prose.
        #expect(
            parsed.dump == """
                image "ruin"@3:3
                shot "a"@5:3
                  prose ""
                character "mara"@9:3
                  refs@10:5 "a.png"@10:12
                """)
    }

    @Test func aSecondDocumentIsAnError() {
        let parsed = parse("model: pro\n---\nmodel: standard\n")
        #expect(
            parsed.diagnostics == """
                2:1 E0023 found a second YAML document; a scene file is one document
                  help: remove the '---' that starts it, or move it to a file of its own and import it
                """)
        #expect(parsed.dump == "model@1:1 \"pro\"@1:8")
    }

    @Test func undefinedAliasIsASyntaxError() {
        let parsed = parse("model: pro\nshots:\n  a: *nothing\n")
        #expect(parsed.diagnostics == "3:6 E0020 undefined alias '*nothing'")
        #expect(parsed.scene.items.isEmpty)
    }

    @Test func billionLaughsIsTooLarge() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<9 {
            let previous = "*a\(level - 1)"
            text +=
                "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        let parsed = parse(text)
        #expect(parsed.bag.diagnostics.count == 1)
        #expect(parsed.bag.diagnostics.first?.code == .yamlTooLarge)
        #expect(
            parsed.bag.diagnostics.first?.message
                == "YAML document expands to more than 1000000 nodes")
        // Levels 0-4 hold 123,455 nodes; each alias to level 4 adds 111,111, so the eighth
        // one on line 6 passes the cap.
        #expect(
            parsed.diagnostics == """
                6:45 E0025 YAML document expands to more than 1000000 nodes
                  help: an alias repeats the node it names; use fewer or smaller aliases
                """)
        #expect(parsed.scene.items.isEmpty)
    }

    @Test func deepNestingIsTooLarge() {
        let deep =
            "a: " + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "\n"
        let parsed = parse(deep)
        #expect(parsed.diagnostics == "1:515 E0025 YAML nesting is deeper than 512 levels")
        let fine =
            "a: " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "\n"
        #expect(
            parse(fine).diagnostics
                == "1:1 W0002 unknown key 'a'\n  help: known keys: import, model, duration, aspect, characters, props, images, styles, shots"
        )
    }

    // MARK: Robustness

    @Test func mentionsMapToTheirBytesInEveryScalarStyle() {
        var generator = SplitMix64(seed: 42)
        func pick(_ words: [String]) -> String {
            words[Int(generator.next() % UInt64(words.count))]
        }
        let words = [
            "Take", "@ruin", "as", "the", "@mara,", "frame.", "café", "✓", "(@stone)", "x:y", "a-b",
            "@ghibli.",
        ]
        let escapes = [
            "\\t", "\\n", "\\\\", "\\\"", "\\x41", "\\u00e9", "\\U0001F600", "\\N", "\\_", "\\L",
            "\\ ", "\\0",
        ]
        var mentions = 0
        for round in 0..<300 {
            var lines: [String] = []
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                var line: [String] = []
                for _ in 0..<(1 + Int(generator.next() % 6)) { line.append(pick(words)) }
                lines.append(line.joined(separator: " "))
            }
            let newline = round % 3 == 0 ? "\r\n" : "\n"
            let indented = lines.map { "      " + $0 }
            var body: String
            switch round % 5 {
            case 0:
                body =
                    ">" + newline
                    + indented.joined(separator: newline + (round % 2 == 0 ? newline : ""))
            case 1: body = "|" + newline + indented.joined(separator: newline)
            case 2:
                body =
                    "'"
                    + lines.joined(separator: newline + "      ").split(
                        separator: "'", omittingEmptySubsequences: false
                    ).joined(separator: "''") + "'"
            case 3:
                let spiced = lines.map { line in
                    line.split(separator: " ").map {
                        $0 + (generator.next() % 3 == 0 ? pick(escapes) : "")
                    }.joined(separator: " ")
                }
                body = "\"" + pick(escapes) + spiced.joined(separator: newline + "      ") + "\""
            default:
                // A plain scalar cannot start with `@` nor hold `: `.
                body =
                    "Then "
                    + lines.joined(separator: newline + "      ").split(separator: ":").joined(
                        separator: "")
            }
            let parsed = parse(
                "shots:" + newline + "  s:" + newline + "    prompt: " + body + newline)
            guard let prose = parsed.scene.shots.first?.prose else {
                Issue.record("no shot in round \(round): \(parsed.diagnostics)")
                continue
            }
            let text = Array(prose.text.utf8)
            var index = 0
            while index < text.count {
                guard text[index] == UInt8(ascii: "@") else {
                    index += 1
                    continue
                }
                var end = index + 1
                while end < text.count, text[end] >= UInt8(ascii: "a"),
                    text[end] <= UInt8(ascii: "z")
                { end += 1 }
                let span = prose.sourceSpan(ofTextRange: index..<end)
                #expect(
                    Array(parsed.file.bytes[span.start..<span.end]) == Array(text[index..<end]),
                    "round \(round)")
                mentions += 1
                index = end
            }
        }
        #expect(mentions > 500)
    }

    @Test func garbageAndTruncatedInputsNeverTrap() {
        var generator = SplitMix64(seed: 0x5EED)
        let alphabet =
            Array("ab: -[]{},&*!|>'\"#\n\r\t ?~@%\\é✓\u{FEFF}".utf8) + [0xFF, 0x00, 0xC3]
        var parsedCount = 0
        for _ in 0..<400 {
            let length = Int(generator.next() % 80)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                bytes.append(alphabet[Int(generator.next() % UInt64(alphabet.count))])
            }
            _ = parse(bytes: bytes)
            parsedCount += 1
        }
        let valid = Array(specExample.utf8)
        for end in 0...valid.count {
            let parsed = parse(bytes: Array(valid[0..<end]))
            for diagnostic in parsed.bag.diagnostics {
                if let span = diagnostic.span { #expect(span.end <= end) }
            }
            parsedCount += 1
        }
        // Mutations of the valid file: one byte replaced at a time.
        for _ in 0..<300 {
            var bytes = valid
            let index = Int(generator.next() % UInt64(bytes.count))
            bytes[index] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
            _ = parse(bytes: bytes)
            parsedCount += 1
        }
        #expect(parsedCount == 700 + valid.count + 1)
    }
}
