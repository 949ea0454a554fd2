/// The check of a YAML file's bytes for the characters no scene file may hold (E0011), made
/// before libyaml reads them.
enum YAMLInputScan {
    /// The offset and scalar value of the first forbidden character of `bytes`: the same
    /// answer as ``ControlCharacter/first(in:from:)`` from 0, found faster.
    ///
    /// Why it is fast: eight bytes are read at once. A word of ASCII bytes is checked whole
    /// (``forbiddenASCII(in:)`` flags each C0 control but tab, line feed and carriage return,
    /// and DEL, exactly: what `ControlCharacter.first` refuses among ASCII bytes); only a word
    /// holding a byte of a multi-byte character (or a stray byte) is walked byte by byte with
    /// exactly `ControlCharacter.first`'s steps. So the answer is the same.
    static func firstForbidden(in bytes: [UInt8]) -> (offset: Int, value: UInt32)? {
        bytes.withUnsafeBufferPointer { buffer -> (offset: Int, value: UInt32)? in
            guard let base = UnsafeRawPointer(buffer.baseAddress) else { return nil }
            let count = buffer.count
            var index = 0
            while index < count {
                if index + 8 <= count {
                    let word = UInt64(
                        littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    // Most words are printable ASCII (the cheapest test); most others hold a
                    // line end and are checked whole.
                    if isPrintableASCII(word) {
                        index += 8
                        continue
                    }
                    if word & 0x8080_8080_8080_8080 == 0 {
                        let flags = forbiddenASCII(in: word)
                        if flags == 0 {
                            index += 8
                            continue
                        }
                        let offset = index + flags.trailingZeroBitCount / 8
                        return (offset, UInt32(buffer[offset]))
                    }
                }
                // The next eight bytes one at a time (a character may run past them).
                let stop = min(index + 8, count)
                while index < stop {
                    let byte = buffer[index]
                    if (byte >= 0x20 && byte < 0x7F) || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                        index += 1
                        continue
                    }
                    let length = byte < 0x80 ? 1 : Lexer.utf8SequenceLength(in: bytes, at: index)
                    if length == 0 {
                        index += 1
                        continue
                    }
                    if let value = ControlCharacter.forbidden(in: bytes, at: index, length: length) {
                        return (index, value)
                    }
                    index += length
                }
            }
            return nil
        }
    }

    /// For a word of eight ASCII bytes (each below 0x80, the first byte lowest), 0x80 in the
    /// place of each byte that is a C0 control other than tab, line feed and carriage return,
    /// or DEL; 0 elsewhere.
    ///
    /// Each test is exact per byte because no addition carries out of a byte below 0x80:
    /// `b + 0x60` reaches 0x80 iff `b >= 0x20`; `b + 0x01` reaches 0x80 iff `b == 0x7F`; and
    /// `(b ^ c) + 0x7F` stays below 0x80 iff `b == c`.
    @inline(__always)
    static func forbiddenASCII(in word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = ~(word &+ 0x60 &* ones) & highs
        let delete = (word &+ ones) & highs
        let tab = ~((word ^ (0x09 &* ones)) &+ 0x7F &* ones) & highs
        let lineFeed = ~((word ^ (0x0A &* ones)) &+ 0x7F &* ones) & highs
        let carriageReturn = ~((word ^ (0x0D &* ones)) &+ 0x7F &* ones) & highs
        return (control & ~(tab | lineFeed | carriageReturn)) | delete
    }

    /// Whether each of the eight bytes of `word` is in 0x20...0x7E. Bit tricks from "Bit
    /// Twiddling Hacks": `(x - n) & ~x & 0x80…` has a high bit set iff some byte of `x` is
    /// below `n` (n <= 128); a byte equal to 0x7F is a zero byte of `x ^ 0x7F…`.
    @inline(__always)
    static func isPrintableASCII(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below20 = (word &- 0x20 &* ones) & ~word
        let delete = word ^ (0x7F &* ones)
        let hasDelete = (delete &- ones) & ~delete
        return (word | below20 | hasDelete) & highs == 0
    }
}
