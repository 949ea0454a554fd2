/// The check of a YAML file's bytes for the characters no scene file may hold (E0011), made
/// before libyaml reads them.
enum YAMLInputScan {
    /// The offset and scalar value of the first forbidden character of `bytes`: the same
    /// answer as ``ControlCharacter/first(in:from:)`` from 0, found faster.
    ///
    /// Why it is fast: eight bytes are read at once, and a word whose bytes are all printable
    /// ASCII (0x20 to 0x7E, which `ControlCharacter.first` steps over one at a time) is skipped
    /// whole. Any other word (a line end, a tab, a byte of a multi-byte character, a control)
    /// is walked byte by byte with exactly `ControlCharacter.first`'s steps, so the answer is
    /// the same.
    static func firstForbidden(in bytes: [UInt8]) -> (offset: Int, value: UInt32)? {
        bytes.withUnsafeBufferPointer { buffer -> (offset: Int, value: UInt32)? in
            guard let base = UnsafeRawPointer(buffer.baseAddress) else { return nil }
            let count = buffer.count
            var index = 0
            while index < count {
                if index + 8 <= count,
                    isPrintableASCII(base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                {
                    index += 8
                    continue
                }
                // At least the next eight bytes one at a time (a character may run past them).
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
