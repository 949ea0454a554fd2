/// Turns libyaml mark indexes, which count code points (a CRLF is two), into byte offsets.
///
/// Marks arrive almost in order, so a cursor that walks from the last answer makes the whole
/// conversion linear in the file's size; an all-ASCII file needs no walking at all.
struct MarkConverter {
    /// The bytes libyaml reads; valid while the owning parser lives.
    let input: UnsafeBufferPointer<UInt8>
    /// The offset of `input` in the file (3 after a byte-order mark).
    let base: Int
    /// Whether every byte is ASCII, so that code points and bytes coincide.
    private let isASCII: Bool
    private var cursorCodePoint = 0
    private var cursorByte = 0

    init(input: UnsafeBufferPointer<UInt8>, base: Int) {
        self.input = input
        self.base = base
        self.isASCII = Self.isASCII(input)
    }

    /// Whether no byte has its high bit set; reads eight bytes at a time.
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = UnsafeRawPointer(bytes.baseAddress) else { return true }
        let words = bytes.count / 8
        var mask: UInt64 = 0
        for index in 0..<words {
            mask |= base.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
        }
        for index in (words * 8)..<bytes.count { mask |= UInt64(bytes[index]) }
        return mask & 0x8080_8080_8080_8080 == 0
    }

    /// How many bytes a UTF-8 sequence starting with `byte` has (1 for stray bytes).
    static func width(ofLeadByte byte: UInt8) -> Int {
        if byte < 0xC0 { return 1 }
        if byte < 0xE0 { return 2 }
        if byte < 0xF0 { return 3 }
        return 4
    }

    /// The file offset of the code point with the 0-based `index`.
    mutating func offset(ofCodePoint index: Int) -> Int {
        if isASCII { return base + min(index, input.count) }
        while cursorCodePoint < index, cursorByte < input.count {
            cursorByte = min(cursorByte + Self.width(ofLeadByte: input[cursorByte]), input.count)
            cursorCodePoint += 1
        }
        while cursorCodePoint > index, cursorByte > 0 {
            cursorByte -= 1
            while cursorByte > 0, input[cursorByte] & 0xC0 == 0x80 { cursorByte -= 1 }
            cursorCodePoint -= 1
        }
        return base + min(cursorByte, input.count)
    }
}
