import ShotcTestSupport
import Testing
@testable import ShotKit

/// One line per lexed line: `kind start contentStart..contentEnd end next`, then flags.
private func dumpLines(_ bytes: [UInt8]) -> String {
    var lexer = Lexer(bytes: bytes)
    var lines: [String] = []
    while let line = lexer.nextLine() {
        var text = "\(line.kind) \(line.start) \(line.contentStart)..\(line.contentEnd) \(line.end) \(line.next)"
        if let tab = line.firstTab { text += " tab@\(tab)" }
        if let bad = line.invalidUTF8 { text += " bad@\(bad)" }
        lines.append(text)
        if lines.count > 1000 { break }
    }
    return lines.joined(separator: "\n")
}

/// The tokens of the first line of `text`, one per line: `kind start..end 'text'` and flags.
private func dumpTokens(_ text: String, _ mode: TokenMode = .header) -> String {
    let bytes = Array(text.utf8)
    var lexer = Lexer(bytes: bytes)
    guard let line = lexer.nextLine() else { return "" }
    var cursor = LineLexer(bytes: bytes, line: line)
    var tokens: [String] = []
    while tokens.count < 100 {
        let token = cursor.next(mode)
        var item = "\(token.kind) \(token.start)..\(token.end)"
        item += " '\(String(decoding: bytes[token.start..<token.end], as: UTF8.self))'"
        if token.isUnterminated { item += " unterminated" }
        if token.hasBackslash { item += " backslash" }
        tokens.append(item)
        if token.kind == .endOfLine { break }
    }
    return tokens.joined(separator: "\n")
}

@Suite struct LexerTests {
    @Test func linesSplitOnLFAndCRLF() {
        #expect(
            dumpLines(Array("ab\r\n  cd  \n\n# c\r\n".utf8)) == """
                content 0 0..2 2 4
                content 4 6..8 10 11
                blank 11 11..11 11 12
                comment 12 12..15 15 17
                """)
        // The last line needs no line end; a lone CR at the end is a line end too.
        #expect(dumpLines(Array("a\nb\r".utf8)) == "content 0 0..1 1 2\ncontent 2 2..3 3 4")
        #expect(dumpLines([]) == "")
    }

    @Test func byteOrderMarkIsSkippedButCounted() {
        #expect(dumpLines([0xEF, 0xBB, 0xBF] + Array("shot a\n".utf8)) == "content 3 3..9 9 10")
    }

    @Test func tabsInIndentationAreFlaggedOnNonBlankLinesOnly() {
        #expect(
            dumpLines(Array("  \tx\n\t\t\n\t# c\na\tb\n".utf8)) == """
                content 0 3..4 4 5 tab@2
                blank 5 7..7 7 8
                comment 8 9..12 12 13 tab@8
                content 13 13..16 16 17
                """)
    }

    @Test func invalidUTF8IsFlaggedAtTheFirstBadByte() {
        // Valid: é (2 bytes), € (3), 😀 (4). Invalid: a lone continuation, an overlong
        // form, a surrogate, a truncated sequence at the end of the file.
        #expect(dumpLines(Array("é€😀\n".utf8)) == "content 0 0..9 9 10")
        #expect(dumpLines([0x61, 0x80, 0x62, 0xFF]) == "content 0 0..4 4 4 bad@1")
        #expect(dumpLines([0xC0, 0xAF]) == "content 0 0..2 2 2 bad@0")
        #expect(dumpLines([0xED, 0xA0, 0x80]) == "content 0 0..3 3 3 bad@0")
        #expect(dumpLines([0x61, 0xE2, 0x82]) == "content 0 0..3 3 3 bad@1")
        // A truncated sequence does not swallow the line end.
        #expect(dumpLines([0xE2, 0x0A, 0x61]) == "content 0 0..1 1 2 bad@0\ncontent 2 2..3 3 3")
    }

    @Test func aLineReportsItsFirstBadByteAndItsFirstForbiddenCharacterWhateverComesBetween() {
        // Offsets: é is bytes 1-2, so U+0001 is at 3; 0xFF at 5; U+007F at 7.
        let bytes: [UInt8] = [0x61, 0xC3, 0xA9, 0x01, 0x62, 0xFF, 0x63, 0x7F, 0x01]
        #expect(Lexer.problems(in: bytes, from: 0, to: bytes.count) == (5, 3))
        #expect(Lexer.problems(in: bytes, from: 4, to: bytes.count) == (5, 7))
        #expect(Lexer.problems(in: bytes, from: 0, to: 3) == (nil, nil))
        #expect(ControlCharacter.first(in: bytes)?.offset == 3)
        #expect(ControlCharacter.first(in: bytes, from: 4)?.offset == 7)
        #expect(ControlCharacter.first(in: bytes, from: 4)?.value == 0x7F)
    }

    @Test func wordsQuotedStringsAndComments() {
        #expect(
            dumpTokens(#"front "a b.png"  x#y # note"#) == """
                word 0..5 'front'
                quoted 6..15 '"a b.png"'
                word 17..20 'x#y'
                comment 21..27 '# note'
                endOfLine 27..27 ''
                """)
    }

    @Test func quotedStringsFlagEscapesAndMissingQuotes() {
        #expect(
            dumpTokens(#"x "a\"b" "c\\"  "open \"  "#) == #"""
                word 0..1 'x'
                quoted 2..8 '"a\"b"' backslash
                quoted 9..14 '"c\\"' backslash
                quoted 16..24 '"open \"' unterminated backslash
                endOfLine 24..24 ''
                """#)
        // A backslash at the very end does not run past the line.
        #expect(dumpTokens(#""a\"#) == "quoted 0..3 '\"a\\' unterminated backslash\nendOfLine 3..3 ''")
    }

    @Test func commasSeparateOnlyInListMode() {
        #expect(
            dumpTokens("refs a,b ,c", .list) == """
                word 0..4 'refs'
                word 5..6 'a'
                comma 6..7 ','
                word 7..8 'b'
                comma 9..10 ','
                word 10..11 'c'
                endOfLine 11..11 ''
                """)
        #expect(dumpTokens("refs a,b", .header) == "word 0..4 'refs'\nword 5..8 'a,b'\nendOfLine 8..8 ''")
    }

    @Test func restOfLineKeepsHashes() {
        let bytes = Array("  note  a # b  \n".utf8)
        var lexer = Lexer(bytes: bytes)
        guard let line = lexer.nextLine() else {
            Issue.record("no line")
            return
        }
        var cursor = LineLexer(bytes: bytes, line: line)
        _ = cursor.next(.header)
        let range = cursor.rest()
        #expect(String(decoding: bytes[range], as: UTF8.self) == "a # b")
        #expect(cursor.next(.header).kind == .endOfLine)
    }

    @Test func nameRule() {
        for name in ["mara", "old_tom", "stone-2", "Émile", "a", "日本"] {
            #expect(NameRule.isValid(name), "\(name)")
        }
        for name in ["", "2mara", "-a", "a-", "_a", "a b", "a.b", "\"a\"", "@a"] {
            #expect(!NameRule.isValid(name), "\(name)")
        }
        #expect(!NameRule.isValid([0x61, 0xFF]))
    }

    /// Random and garbage bytes: the front end returns (no trap, no endless loop) and every
    /// span it reports lies in the file.
    @Test func garbageNeverTraps() {
        var generator = SplitMix64(seed: 0x5EED)
        let alphabet = Array(
            "shot character prop image style import model duration aspect front refs note \"\\#,:@ \t\r\n5s16:9".utf8)
        for round in 0..<400 {
            let length = Int(generator.next() % 300)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                let roll = generator.next()
                bytes.append(
                    roll % 4 == 0
                        ? UInt8(truncatingIfNeeded: roll >> 8)
                        : alphabet[Int((roll >> 8) % UInt64(alphabet.count))])
            }
            if round % 5 == 0 { bytes = [0xEF, 0xBB, 0xBF] + bytes }
            let parsed = parseShot(bytes: bytes)
            for diagnostic in parsed.bag.diagnostics {
                let span = diagnostic.span
                #expect(span.map { $0.start >= 0 && $0.end <= bytes.count } ?? false)
            }
            for shot in parsed.scene.shots {
                for piece in shot.prose.pieces {
                    #expect(piece.sourceOffset + piece.length <= bytes.count)
                }
            }
        }
    }

    /// Long and repetitive inputs: still one report per problem, no trap.
    @Test func pathologicalInputs() {
        let escapes = parseShot("image a \"" + String(repeating: "\\q", count: 5000) + "\"\n")
        #expect(escapes.bag.diagnostics.count == 5000)
        #expect(escapes.bag.diagnostics.allSatisfy { $0.code == .invalidEscape })
        let quotes = parseShot(String(repeating: "\"", count: 20001))
        #expect(quotes.bag.sorted.map(\.code.id) == ["E0006"])
        // A lone CR ends a line (as in YAML): 10,001 blank lines.
        let crs = parseShot(bytes: [UInt8](repeating: 0x0D, count: 10000) + [0x0A, 0x0D])
        #expect(crs.bag.sorted.map(\.code.id) == [])
        let crsThenWord = parseShot(bytes: [UInt8](repeating: 0x0D, count: 10000) + Array("x".utf8))
        #expect(crsThenWord.diagnostics.hasPrefix("10001:1 E0006 unknown keyword 'x'\n"))
        let blanks = parseShot("shot a" + String(repeating: "\n \t ", count: 10000) + "\n  x")
        #expect(blanks.diagnostics == "")
        #expect(blanks.scene.shots.first?.prose.text == "x")
        let word = String(repeating: "w", count: 100_000)
        let long = parseShot("character \(word) \(word)\n")
        #expect(long.bag.sorted.map(\.code.id) == ["E0005"])
        #expect(long.bag.sorted.first?.message.count ?? 0 < 100)
    }
}
