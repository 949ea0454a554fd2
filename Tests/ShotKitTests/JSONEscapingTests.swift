import Testing
@testable import ShotKit

/// The word-at-a-time escaper against a byte-by-byte reference, at every word boundary.
@Suite struct JSONEscapingTests {
    /// The escaping rules written the plain way: one byte at a time.
    private static func referenceEscape(_ text: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
            case UInt8(ascii: "\n"): out += Array(#"\n"#.utf8)
            case UInt8(ascii: "\r"): out += Array(#"\r"#.utf8)
            case UInt8(ascii: "\t"): out += Array(#"\t"#.utf8)
            case 0..<0x20: out += Array(#"\u00"#.utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        return out + [UInt8(ascii: "\"")]
    }

    private static func escaped(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.writeString(text, into: &out)
        return out
    }

    /// Bytes that escape, and neighbours that must not (0x1F/0x20, 0x21/0x23, 0x5B/0x5D, DEL).
    private static let specials: [Character] = [
        "\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1F}", " ", "!", "#", "[", "]", "\u{7F}",
    ]

    @Test func everyLengthUpToSeventeen() {
        for length in 0...17 {
            let clean = String(repeating: "a", count: length)
            #expect(Self.escaped(clean) == Self.referenceEscape(clean))
            for position in 0..<length {
                for special in Self.specials {
                    var characters = Array(clean)
                    characters[position] = special
                    let text = String(characters)
                    #expect(Self.escaped(text) == Self.referenceEscape(text), "length \(length) at \(position)")
                }
            }
        }
    }

    @Test func escapesAtWordEdges() {
        for positions in [[0], [7], [8], [15], [0, 7, 8, 15], [6, 7], [7, 8], [15, 16]] {
            for special in Self.specials {
                var characters = Array(String(repeating: "x", count: 24))
                for position in positions { characters[position] = special }
                let text = String(characters)
                #expect(Self.escaped(text) == Self.referenceEscape(text), "\(positions) \(special)")
            }
        }
    }

    @Test func everyControlByteAsUnicodeEscape() {
        for byte in UInt8(0)..<0x20 {
            let scalar = Character(Unicode.Scalar(byte))
            for prefix in 0...9 {
                let text = String(repeating: "b", count: prefix) + String(scalar) + "tail"
                #expect(Self.escaped(text) == Self.referenceEscape(text), "byte \(byte) after \(prefix)")
            }
        }
        #expect(Self.escaped("\u{1}\u{1F}\u{8}\u{C}") == Array(#""\u0001\u001f\u0008\u000c""#.utf8))
    }

    @Test func multiByteUTF8AcrossWordEdges() {
        for prefix in 0...9 {
            for piece in ["é", "€", "😀", "\u{7FF}", "\u{FFFD}", "é\"", "😀\\", "€\n"] {
                let text = String(repeating: "c", count: prefix) + piece + String(repeating: piece, count: 3)
                #expect(Self.escaped(text) == Self.referenceEscape(text), "\(prefix) \(piece)")
            }
        }
    }
}
