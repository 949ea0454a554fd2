/// The characters no scene file may hold (E0011), the same for both surfaces: C0 controls but
/// tab, line feed and carriage return; delete; the C1 controls (U+0080 to U+009F, next-line
/// U+0085 included, which YAML 1.1 would take as a line end and `.shot` would not); the line
/// and paragraph separators U+2028 and U+2029 (the same disagreement); and the non-characters
/// U+FFFE and U+FFFF. libyaml refuses all of them but U+0085, U+2028 and U+2029.
enum ControlCharacter {
    /// Whether the Unicode scalar `value` is not allowed in a scene file.
    static func isForbidden(_ value: UInt32) -> Bool {
        switch value {
        case 0x09, 0x0A, 0x0D: false
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0xFFFE, 0xFFFF: true
        default: false
        }
    }

    /// The scalar value of the forbidden character whose valid UTF-8 sequence of `length`
    /// bytes starts at `index`, or nil when it is allowed. Only the lead bytes that can start
    /// one (0x00–0x7F, 0xC2, 0xE2, 0xEF) are decoded.
    static func forbidden(in bytes: [UInt8], at index: Int, length: Int) -> UInt32? {
        let lead = bytes[index]
        switch length {
        case 1:
            return isForbidden(UInt32(lead)) ? UInt32(lead) : nil
        case 2 where lead == 0xC2:
            let value = UInt32(bytes[index + 1] & 0x3F) | 0x80
            return isForbidden(value) ? value : nil
        case 3 where lead == 0xE2 || lead == 0xEF:
            let value =
                UInt32(lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6
                | UInt32(bytes[index + 2] & 0x3F)
            return isForbidden(value) ? value : nil
        default:
            return nil
        }
    }

    /// The offset and scalar value of the first forbidden character of `bytes` from `start`;
    /// bytes that are not valid UTF-8 are skipped (they are E0001's business).
    static func first(in bytes: [UInt8], from start: Int = 0) -> (offset: Int, value: UInt32)? {
        var found: (offset: Int, value: UInt32)? = nil
        walkUnusual(bytes, from: start, to: bytes.count) { index, length in
            guard length > 0, let value = forbidden(in: bytes, at: index, length: length) else { return true }
            found = (index, value)
            return false
        }
        return found
    }

    /// Walks the UTF-8 sequences of `bytes[start..<end]`, skipping printable ASCII, and calls
    /// `visit(offset, length)` for every other sequence; a byte that is not valid UTF-8 comes
    /// as a sequence of length 0. Stops when `visit` returns false. The one walk behind
    /// ``first(in:from:)`` and the lexer's slow path (`Lexer.problems`).
    @inline(__always)
    static func walkUnusual(
        _ bytes: [UInt8], from start: Int, to end: Int, _ visit: (_ offset: Int, _ length: Int) -> Bool
    ) {
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte >= 0x20, byte < 0x7F {
                index += 1
                continue
            }
            let length = byte < 0x80 ? 1 : Lexer.utf8SequenceLength(in: bytes, at: index)
            guard visit(index, length) else { return }
            index += max(length, 1)
        }
    }

    /// The message of E0011 for the character `value`.
    static func message(for value: UInt32) -> String {
        let what = value <= 0x9F ? "control character" : "character"
        return "\(what) \(codePoint(value)) is not allowed in a scene file"
    }

    /// `U+0000`: at least four hexadecimal digits.
    static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
