import Testing

@testable import ShotKit

/// The YAML front end's fast paths give the answers of the plain code they stand in for.
@Suite struct YAMLFastPathTests {
    /// A small deterministic generator (xorshift), so that failures reproduce.
    private struct Bytes {
        var state: UInt64

        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }

        /// Mostly printable ASCII, with line ends, tabs, controls, DEL, C1 controls, U+2028,
        /// U+FFFE, other multi-byte characters and stray bytes mixed in.
        mutating func text(count: Int) -> [UInt8] {
            let pieces: [[UInt8]] = [
                [0x0A], [0x09], [0x0D], [0x00], [0x1F], [0x7F], [0xC2, 0x85], [0xC2, 0xA0],
                [0xE2, 0x80, 0xA8], [0xE2, 0x80, 0x94], [0xEF, 0xBF, 0xBE], [0xEF, 0xBB, 0xBF],
                [0xC3, 0xA9], [0xF0, 0x9F, 0x8E, 0xAC], [0x80], [0xC2], [0xE2, 0x80], [0xFF],
            ]
            var bytes: [UInt8] = []
            while bytes.count < count {
                let roll = next() % 100
                if roll < 90 {
                    bytes.append(UInt8(0x20 + next() % 95))
                } else {
                    bytes += pieces[Int(next() % UInt64(pieces.count))]
                }
            }
            return bytes
        }
    }

    /// The YAML front end looks for forbidden characters only past `SourceFile`'s clean prefix:
    /// that must find what a look from the start finds.
    private func firstForbidden(_ bytes: [UInt8]) -> (offset: Int, value: UInt32)? {
        let file = SourceFile(id: FileID(0), path: "t.yaml", bytes: bytes)
        return ControlCharacter.first(in: bytes, from: file.cleanPrefixLength)
    }

    @Test func inputScanFindsWhatControlCharacterFinds() {
        var generator = Bytes(state: 0x9E37_79B9_7F4A_7C15)
        for round in 0..<3000 {
            let bytes = generator.text(count: round % 97)
            let fast = firstForbidden(bytes)
            let plain = ControlCharacter.first(in: bytes)
            #expect(fast?.offset == plain?.offset && fast?.value == plain?.value, "\(bytes)")
        }
    }

    @Test func inputScanFindsEachForbiddenCharacterAtEveryAlignment() {
        let forbidden: [[UInt8]] = [
            [0x00], [0x01], [0x08], [0x0B], [0x0C], [0x0E], [0x1F], [0x7F], [0xC2, 0x80],
            [0xC2, 0x85], [0xC2, 0x9F], [0xE2, 0x80, 0xA8], [0xE2, 0x80, 0xA9], [0xEF, 0xBF, 0xBE],
            [0xEF, 0xBF, 0xBF],
        ]
        for character in forbidden {
            for prefix in 0..<20 {
                let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: prefix) + character + Array("tail".utf8)
                let found = firstForbidden(bytes)
                #expect(found?.offset == prefix)
                #expect(found?.value == ControlCharacter.first(in: bytes)?.value)
            }
        }
        let allowed = Array("key: \"caf\u{E9} \u{2014} ok\"\r\n\t- \u{1F3AC} ~\n".utf8)
        #expect(firstForbidden(allowed) == nil)
        #expect(firstForbidden([]) == nil)
    }

    @Test func nullIsRecognizedOnlyForItsSpellings() {
        for value in ["", "~", "null", "Null", "NULL"] {
            #expect(YAMLDocument.isNull(value: value, style: .plain, tag: nil), "\(value)")
            #expect(YAMLDocument.isNull(value: value, style: .plain, tag: "tag:yaml.org,2002:null"))
            #expect(!YAMLDocument.isNull(value: value, style: .plain, tag: "tag:yaml.org,2002:str"))
            #expect(!YAMLDocument.isNull(value: value, style: .doubleQuoted, tag: nil))
        }
        for value in ["nul", "nulL", "nUll", "~~", "n", "N", "None", "0", "null ", " ~", "\u{212A}", "16:9"] {
            #expect(!YAMLDocument.isNull(value: value, style: .plain, tag: nil), "\(value)")
        }
    }

    /// The E0021 codes and messages of a YAML text, and its shots' names and prompts.
    private func composed(_ text: String) -> (messages: [String], shots: [String]) {
        var map = SourceMap()
        let id = map.add(path: "t.yaml", bytes: Array(text.utf8))
        var bag = DiagnosticBag()
        let scene = YAMLFrontEnd.parse(map[id], diagnostics: &bag)
        return (
            bag.sorted.map { "\($0.code) \($0.message)" },
            scene.shots.map { "\($0.name.value)=\($0.prose.text)" }
        )
    }

    @Test func keysCompareAsStringsNotAsBytes() {
        // A precomposed and a decomposed é are the same String: the second key is a duplicate,
        // in a small mapping and in a large one, as when keys were compared as Strings.
        let small = composed("shots:\n  caf\u{E9}: one\n  cafe\u{301}: two\n")
        #expect(small.messages == ["E0021 duplicate key 'cafe\u{301}'"])
        #expect(small.shots == ["caf\u{E9}=one"])
        var text = "shots:\n  caf\u{E9}: one\n"
        for index in 0..<20 { text += "  s\(index): p\n" }
        text += "  caf\u{E9}: again\n"
        #expect(composed(text).messages == ["E0021 duplicate key 'caf\u{E9}'"])
        // Keys differing only past their ASCII prefix, or in case, are distinct.
        let distinct = composed("shots:\n  ab: one\n  abc: two\n  AB: three\n")
        #expect(distinct.messages.isEmpty)
        #expect(distinct.shots == ["ab=one", "abc=two", "AB=three"])
    }

    @Test func shotFieldsAreFoundThroughAliasesAndQuotedKeys() {
        let parsed = composed(
            """
            shots:
              a:
                "prompt": &p   one two
                'duration': 5
              b:
                *p : x
                prompt: *p
              c:
                prompt: ~
            """)
        #expect(parsed.shots == ["a=one two", "b=one two", "c="])
    }

    @Test func valueComparisonsAgreeWithStringEquality() {
        let texts = [
            "", "K", "\u{212A}", "Kelvin", "\u{212A}elvin", "caf\u{E9}", "cafe\u{301}", "cafe", "prompt",
            "Prompt", "prompt ", "\u{FEFF}prompt", "~", "null",
        ]
        var document = YAMLDocument(file: FileID(0))
        for text in texts {
            let start = document.text.count
            document.text += Array(text.utf8)
            document.values.append(start..<document.text.count)
        }
        for (i, a) in texts.enumerated() {
            for (j, b) in texts.enumerated() {
                #expect(document.value(Int32(i), equals: Int32(j)) == (a == b), "\(a) \(b)")
            }
            #expect(document.value(Int32(i), is: "K") == (a == "K"), "\(a)")
            #expect(document.value(Int32(i), is: "Kelvin") == (a == "Kelvin"), "\(a)")
            #expect(document.value(Int32(i), is: "prompt") == (a == "prompt"), "\(a)")
        }
    }
}
