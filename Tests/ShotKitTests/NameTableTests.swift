import Testing

@testable import ShotKit

/// The interned names the analyzer resolves mentions with, the analyzer's scan and substitution
/// into reused buffers, and byte-wise path normalization: each must answer exactly as the
/// `String` way it replaces.
@Suite struct NameTableTests {
    private func lookup(_ table: NameTable, _ name: String) -> Int? {
        var name = name
        return name.withUTF8 { table.lookup($0) }
    }

    @Test func findsEveryNameItHoldsAndNoOther() {
        var table = NameTable()
        // Past the first table size (64 slots, half full at 32) and its doubling.
        let names = (0..<200).map { "name_\($0)" } + ["a", "A", "mara", "mara-2", "ab", "ba"]
        for (index, name) in names.enumerated() { table.insert(name, value: index) }
        for (index, name) in names.enumerated() { #expect(lookup(table, name) == index, "\(name)") }
        for missing in ["", "name_200", "name_", "Mara", "mara-", "b", "abc", "name_1 "] {
            #expect(lookup(table, missing) == nil, "\(missing)")
        }
    }

    @Test func theFirstOfTwoEqualNamesStays() {
        var table = NameTable()
        table.insert("mara", value: 3)
        table.insert("mara", value: 7)
        #expect(lookup(table, "mara") == 3)
    }

    @Test func nonASCIINamesAreLeftToStringComparison() {
        var table = NameTable()
        table.insert("Zoë", value: 0)
        #expect(lookup(table, "Zoë") == nil)
    }

    /// A name declared with the Kelvin sign (U+212A) is the same `String` as one spelt with `K`
    /// (canonical equivalence): a mention of `@Kara` resolves to it, as it did before names
    /// were interned, and the model keeps the name as written.
    @Test func mentionsResolveByCanonicalEquivalenceAsBefore() throws {
        let text = """
            character \u{212A}ara
              front https://example.com/k.png
              refs  https://example.com/k2.png
            character zoë
              front https://example.com/z.png
              refs  https://example.com/z2.png

            shot a
              @Kara greets @zoë
            """
        let compilation = Compiler.compile(path: "t.shot", text: Array(text.utf8))
        let scene = try #require(compilation.scene, "\(compilation.diagnostics.sorted)")
        #expect(scene.shots.first?.prompt == "@Element1 greets @Element2")
        #expect(compilation.model.mentions.map { Array($0.name.utf8) } == [Array("Kara".utf8), Array("zoë".utf8)])
    }

    @Test func theReusedBufferScanAgreesWithThePublicScan() {
        let texts = [
            "", "@", "@@", "@@@mara", "follow @@mara and @mara", "mail mara@example.com or @mara",
            "@old-tom-'s hat @mara--", "café @Zoë, @mara_2.", "@@@@ @a@b @c",
        ]
        var ranges: [Range<Int>] = [0..<1]  // left over from an earlier shot: kept
        var escapes: [Int] = [99]
        for text in texts {
            let scan = MentionScanner.scan(text)
            ranges.removeAll(keepingCapacity: true)
            escapes.removeAll(keepingCapacity: true)
            var copy = text
            copy.withUTF8 { MentionScanner.scan($0, mentions: &ranges, escapedAts: &escapes) }
            #expect(ranges == scan.mentions.map(\.range), "\(text)")
            #expect(escapes == scan.escapedAts, "\(text)")
            let expected = MentionScanner.substitute(text, scan: scan) { "<\($0)>" }
            let names = scan.mentions.map(\.name)
            let made = copy.withUTF8 { bytes in
                MentionScanner.substitute(bytes, mentions: ranges[...], escapedAts: escapes[...]) { "<\(names[$0])>" }
            }
            #expect(made == expected, "\(text)")
        }
    }

    @Test func tokensFromTheTableAndBeyondIt() {
        #expect(Analyzer.token(element: true, 1) == "@Element1")
        #expect(Analyzer.token(element: false, 16) == "@Image16")
        #expect(Analyzer.token(element: true, 17) == "@Element17")
    }

    @Test func pathsNormalizeAsBefore() {
        let cases: [(String, String)] = [
            ("", "."), (".", "."), ("/", "/"), ("/..", "/"), ("a/./b", "a/b"), ("a/../b", "b"),
            ("../a", "../a"), ("../../a/..", "../.."), ("a//b/", "a/b"), ("/a/b/../../..", "/"),
            ("refs/portrait-b.png", "refs/portrait-b.png"), ("ça/./ü/../x.png", "ça/x.png"),
            ("a/.../b", "a/.../b"), ("..a/b", "..a/b"),
        ]
        for (path, normalized) in cases { #expect(Path.normalize(path) == normalized, "\(path)") }
        #expect(Path.join("scenes", "../refs/a.png") == "refs/a.png")
        #expect(Path.join("/work/", "b") == "/work/b")
    }
}
