extension JSONWriter {
    /// Appends `value` as a JSON string: `"` and `\` escaped, control characters as `\n`,
    /// `\t`, ... or `\u00XX`; everything else as UTF-8, copied in runs.
    public static func writeString(_ value: String, into out: inout [UInt8]) {
        escape(value, into: &out)
    }

    /// Appends the UTF-8 text `text` as a JSON string, escaped as ``writeString(_:into:)``.
    ///
    /// Why it is fast: the text is read eight bytes at a time; a word with no byte below 0x20,
    /// no `"` and no `\` (the only bytes JSON escapes) is skipped whole, and every clean run
    /// between two escapes is copied with one append. Only a word that holds such a byte is
    /// looked at byte by byte, with the same rules as the tail, so the output is the same as
    /// escaping byte by byte.
    public static func writeString(utf8 text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        escape(text, into: &out)
    }

    /// Appends `value` as ``writeString(_:into:)`` does, to the writer's own output.
    static func escape<Output: JSONOutput>(_ value: String, into out: inout Output) {
        var value = value
        value.withUTF8 { escape($0, into: &out) }
    }

    /// Appends the UTF-8 text `text` as ``writeString(utf8:into:)`` does, to any output.
    static func escape<Output: JSONOutput>(_ text: UnsafeBufferPointer<UInt8>, into out: inout Output) {
        guard let base = text.baseAddress else {
            out.appendQuoted(text)
            return
        }
        let count = text.count
        var index = 0
        // The common case, a string with nothing to escape, is found word by word and copied
        // with its quotes at once; the first word that needs a look starts the general loop.
        while index &+ 8 <= count,
            !mayNeedEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
        {
            index &+= 8
        }
        while index < count, index &+ 8 > count, !needsEscape(base[index]) { index &+= 1 }
        if index == count {
            out.appendQuoted(text)
            return
        }
        var runStart = 0
        out.appendByte(UInt8(ascii: "\""))
        while index &+ 8 <= count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            if mayNeedEscape(word) {
                for position in index..<index &+ 8 where needsEscape(base[position]) {
                    out.appendBytes(UnsafeBufferPointer(start: base + runStart, count: position &- runStart))
                    appendEscape(of: base[position], to: &out)
                    runStart = position &+ 1
                }
            }
            index &+= 8
        }
        while index < count {
            if needsEscape(base[index]) {
                out.appendBytes(UnsafeBufferPointer(start: base + runStart, count: index &- runStart))
                appendEscape(of: base[index], to: &out)
                runStart = index &+ 1
            }
            index &+= 1
        }
        out.appendBytes(UnsafeBufferPointer(start: base + runStart, count: count &- runStart))
        out.appendByte(UInt8(ascii: "\""))
    }

    /// Whether JSON escapes `byte`: a control character, `"` or `\`.
    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    /// Whether some byte of `word` needs escaping (exact, never a false answer either way).
    ///
    /// The classic bit tricks: `(x - 0x01…01 * n) & ~x & 0x80…80` is nonzero exactly when some
    /// byte of `x` is below `n` (for n ≤ 128; a borrow can mark a wrong byte, but only above a
    /// byte that really is below `n`, so the yes/no answer is exact). Bytes of 0x80 and above
    /// (UTF-8 beyond ASCII) never answer yes: `~x` clears their top bit. A byte equals `c`
    /// when `x ^ c…c` has a zero byte, which is the same test with n = 1.
    @inline(__always)
    private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let control = (word &- ones &* 0x20) & ~word
        let quote = (quotes &- ones) & ~quotes
        let backslash = (backslashes &- ones) & ~backslashes
        return (control | quote | backslash) & highBits != 0
    }

    /// Appends the escape of a byte for which ``needsEscape(_:)`` holds.
    @inline(__always)
    private static func appendEscape<Output: JSONOutput>(of byte: UInt8, to out: inout Output) {
        out.appendByte(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.appendByte(byte)
        case UInt8(ascii: "\n"): out.appendByte(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): out.appendByte(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): out.appendByte(UInt8(ascii: "t"))
        default:
            out.appendByte(UInt8(ascii: "u"))
            out.appendByte(UInt8(ascii: "0"))
            out.appendByte(UInt8(ascii: "0"))
            out.appendByte(hexDigit(byte >> 4))
            out.appendByte(hexDigit(byte & 0xF))
        }
    }

    /// The lowercase hexadecimal digit of `nibble` (0...15).
    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ nibble &- 10
    }
}
