import Testing

@testable import ShotKit

/// The fast paths of the `.shot` front end (the line table by `memchr`, the clean prefix
/// tested eight bytes at a time, lines taken from the line table) checked against plain
/// byte-by-byte readings written here the slow, obvious way.
@Suite struct FastLexingTests {
    /// The line starts, one byte at a time.
    private func referenceLineStarts(_ bytes: [UInt8]) -> [Int] {
        var starts = [0]
        for (offset, byte) in bytes.enumerated() {
            if byte == 0x0A || (byte == 0x0D && (offset + 1 == bytes.count || bytes[offset + 1] != 0x0A)) {
                starts.append(offset + 1)
            }
        }
        return starts
    }

    /// The first byte that is not valid UTF-8 or starts a forbidden character.
    private func referenceCleanPrefix(_ bytes: [UInt8]) -> Int {
        var index = 0
        while index < bytes.count {
            let length = bytes[index] < 0x80 ? 1 : Lexer.utf8SequenceLength(in: bytes, at: index)
            if length == 0 || ControlCharacter.forbidden(in: bytes, at: index, length: length) != nil {
                return index
            }
            index += length
        }
        return bytes.count
    }

    /// The lines as the lexer read them before it used the line table: each byte looked at.
    private func referenceLines(_ bytes: [UInt8]) -> [String] {
        var position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var lines: [String] = []
        while position < bytes.count {
            let start = position
            var end = start
            while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
            if end + 1 < bytes.count, bytes[end] == 0x0D, bytes[end + 1] == 0x0A {
                position = end + 2
            } else {
                position = min(end + 1, bytes.count)
            }
            let (invalid, control) = Lexer.problems(in: bytes, from: start, to: end)
            lines.append("\(start) \(end) \(position) \(invalid ?? -1) \(control ?? -1)")
        }
        return lines
    }

    private func lexedLines(_ bytes: [UInt8]) -> [String] {
        var lexer = Lexer(bytes: bytes)
        var lines: [String] = []
        while let line = lexer.nextLine(), lines.count <= bytes.count {
            lines.append(
                "\(line.start) \(line.end) \(line.next) \(line.invalidUTF8 ?? -1) \(line.controlCharacter ?? -1)")
        }
        return lines
    }

    private func check(_ bytes: [UInt8]) {
        let file = SourceFile(id: FileID(0), path: "t", bytes: bytes)
        #expect(file.lineStarts == referenceLineStarts(bytes), "\(bytes)")
        #expect(file.cleanPrefixLength == referenceCleanPrefix(bytes), "\(bytes)")
        #expect(lexedLines(bytes) == referenceLines(bytes), "\(bytes)")
    }

    @Test func edgeCasesMatchTheByteByByteReading() {
        let cases: [[UInt8]] = [
            [], [0x0A], [0x0D], [0x0D, 0x0A], [0x0D, 0x0D, 0x0A], [0xEF, 0xBB, 0xBF],
            [0xEF, 0xBB, 0xBF, 0x0A, 0x61], Array("shot a 5s\n  text\n".utf8),
            Array("a\rbb\r\nc\nd\r".utf8), Array("long line of plain text here\n\tx\n".utf8),
            // A problem in the first word, in a later word, across a word boundary, at the end.
            [0x61, 0xFF, 0x0A, 0x62], Array("abcdefghijklmn\u{7F}op\nq".utf8),
            Array("abcdefg\u{00E9}hij\n".utf8), Array("abcdefg\u{2028}hij\n".utf8),
            Array("abcdefghijklmnop".utf8) + [0xE2, 0x80], Array("0123456\u{85}\n".utf8),
            Array("plain words here\n".utf8) + [0xC3] + Array("\nnext line\n\u{0}\n".utf8),
            Array("\u{FEFF}abc\u{FFFE}defghij\r\n".utf8), Array("12345678\u{10FFFF}\u{1F600}".utf8),
            [0xED, 0xA0, 0x80, 0x0A], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF],
        ]
        for bytes in cases { check(bytes) }
    }

    @Test func randomFilesMatchTheByteByByteReading() {
        var generator = SystemRandomNumberGenerator()
        // Mostly printable text with line ends, tabs, multi-byte characters and some garbage.
        let pieces: [[UInt8]] = [
            Array("ab".utf8), Array(" ".utf8), [0x0A], [0x0D], [0x0D, 0x0A], [0x09],
            Array("é".utf8), Array("日".utf8), Array("😀".utf8), [0x7F], [0x00], [0xFF], [0xE2, 0x80],
            Array("\u{2029}".utf8), Array("\u{85}".utf8), Array("shot name 5s".utf8),
        ]
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            let length = Int.random(in: 0..<40, using: &generator)
            for _ in 0..<length {
                let index = Int.random(in: 0..<(pieces.count * 3), using: &generator)
                bytes += index < pieces.count ? pieces[index] : pieces[0] + pieces[1]
            }
            check(bytes)
        }
    }
}

/// The keyword and name checks that read the source bytes in place.
@Suite struct InPlaceWordTests {
    @Test func everyKeywordIsFoundAndNothingElse() {
        let padding = Array("xx ".utf8)
        for keyword in Keyword.allCases {
            let bytes = padding + Array(keyword.rawValue.utf8) + padding
            #expect(Keyword.named(bytes, 3..<(bytes.count - 3)) == keyword)
        }
        for word in ["", "shots", "Shot", "impart", "imag", "style2", "prop-", "modal", "durations", "caracter"] {
            let bytes = Array(word.utf8)
            #expect(Keyword.named(bytes, 0..<bytes.count) == nil, "\(word)")
        }
    }

    @Test func nameRuleOnBytesMatchesTheScalarRule() {
        let names = [
            "mara", "a", "A9", "a_b-c", "a-", "-a", "9a", "_a", "é", "aé", "éa-b", "a.é", "1é", "é-",
            "a b", "日本", "a\u{0301}", "", "Z", "z_",
        ]
        for name in names {
            let scalars = Array(name.unicodeScalars)
            let expected =
                !scalars.isEmpty && name.last != "-" && NameRule.isNameStart(scalars[0])
                && scalars.dropFirst().allSatisfy(NameRule.isNameContinue)
            #expect(NameRule.isValid(Array(name.utf8)) == expected, "\(name)")
            #expect(NameRule.isValid(name) == expected, "\(name)")
        }
        #expect(!NameRule.isValid([0x61, 0xFF]))
        #expect(!NameRule.isValid([0xFF, 0x61]))
    }
}

/// Prose is joined straight from its pieces: the text is what joining the lines' bytes and
/// decoding them gives, invalid UTF-8 replaced the same way.
@Suite struct ProseJoiningTests {
    @Test func joinedTextMatchesDecodingTheJoinedBytes() {
        let lines: [[UInt8]] = [
            Array("shot a 5s\n".utf8), Array("  First line \u{00E9}\n".utf8), [0x20, 0x20, 0x61, 0xFF, 0x62, 0x0A],
            Array("  # a comment\n".utf8), Array("\n".utf8), Array("\n".utf8), Array("  Second\tparagraph\n".utf8),
            Array("  \u{65E5}\u{672C}".utf8) + [0xE2, 0x80] + Array("\n".utf8), Array("shot b\n".utf8),
            Array("  x\n".utf8),
        ]
        let parsed = parseShot(bytes: lines.flatMap { $0 })
        let shots = parsed.scene.shots
        #expect(shots.count == 2)
        var expected: [UInt8] = Array("First line \u{00E9} ".utf8) + [0x61, 0xFF, 0x62]
        expected += Array("\n\nSecond\tparagraph ".utf8) + Array("\u{65E5}\u{672C}".utf8) + [0xE2, 0x80]
        #expect(shots.first?.prose.text == String(decoding: expected, as: UTF8.self))
        #expect(shots.first?.prose.pieces.map(\.length) == [13, 3, 16, 8])
        #expect(shots.last?.prose.text == "x")
    }
}
