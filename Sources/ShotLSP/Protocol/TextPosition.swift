import ShotKit

/// An LSP position: a 0-based line and a 0-based character offset in UTF-16 code units.
public struct LSPPosition: Hashable, Sendable, Comparable {
    /// The 0-based line.
    public var line: Int
    /// The 0-based offset in the line, in UTF-16 code units.
    public var character: Int

    /// A position at `line`, `character`.
    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    /// Whether `a` comes before `b` in the text.
    public static func < (a: LSPPosition, b: LSPPosition) -> Bool {
        (a.line, a.character) < (b.line, b.character)
    }
}

/// Converts between UTF-8 byte offsets (the compiler's spans) and LSP positions (UTF-16) for
/// one text. Lines end at `\n`, `\r\n` or a lone `\r`, as in LSP and in both front ends.
/// Invalid UTF-8 bytes count as one code unit each (they show as U+FFFD).
public struct LineTable: Sendable {
    /// The text's bytes.
    public let bytes: [UInt8]
    /// The offset at which each line starts.
    public let lineStarts: [Int]

    /// The table of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A {
                starts.append(index + 1)
            } else if byte == 0x0D {
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                    index += 1
                }
                starts.append(index + 1)
            }
            index += 1
        }
        lineStarts = starts
    }

    /// The end of line `line`'s content (before its line end).
    private func contentEnd(_ line: Int) -> Int {
        var end = line + 1 < lineStarts.count ? lineStarts[line + 1] : bytes.count
        if end > lineStarts[line], bytes[end - 1] == 0x0A { end -= 1 }
        if end > lineStarts[line], bytes[end - 1] == 0x0D { end -= 1 }
        return end
    }

    /// The width in bytes of the UTF-8 sequence at `index` (1 for an invalid byte) and its
    /// length in UTF-16 code units.
    private func scalarWidth(at index: Int, limit: Int) -> (bytes: Int, units: Int) {
        let lead = bytes[index]
        let width: Int
        switch lead {
        case 0x00..<0x80: return (1, 1)
        case 0xC2..<0xE0: width = 2
        case 0xE0..<0xF0: width = 3
        case 0xF0..<0xF5: width = 4
        default: return (1, 1)
        }
        guard index + width <= limit else { return (1, 1) }
        for offset in 1..<width where bytes[index + offset] & 0xC0 != 0x80 { return (1, 1) }
        return (width, width == 4 ? 2 : 1)
    }

    /// The position of byte `offset` (clamped to the text).
    public func position(of offset: Int) -> LSPPosition {
        let clamped = min(max(0, offset), bytes.count)
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        let end = min(clamped, contentEnd(low))
        var index = lineStarts[low]
        var units = 0
        while index < end {
            let (width, count) = scalarWidth(at: index, limit: bytes.count)
            index += width
            units += count
        }
        return LSPPosition(line: low, character: units)
    }

    /// The byte offset of `position`: a line past the end is the end of the text, a character
    /// past the end of its line is the line's end, and one inside a surrogate pair rounds down.
    public func offset(of position: LSPPosition) -> Int {
        guard position.line >= 0 else { return 0 }
        guard position.line < lineStarts.count else { return bytes.count }
        let end = contentEnd(position.line)
        var index = lineStarts[position.line]
        var units = 0
        while index < end, units < position.character {
            let (width, count) = scalarWidth(at: index, limit: bytes.count)
            if units + count > position.character { break }
            index += width
            units += count
        }
        return index
    }

    /// The LSP range of the byte range `start..<end`, as JSON.
    public func range(_ start: Int, _ end: Int) -> JSONValue {
        LineTable.range(position(of: start), position(of: end))
    }

    /// An LSP range as JSON.
    public static func range(_ start: LSPPosition, _ end: LSPPosition) -> JSONValue {
        .object([("start", start.json), ("end", end.json)])
    }
}

extension LSPPosition {
    /// The position as JSON.
    public var json: JSONValue { .object([("line", .int(line)), ("character", .int(character))]) }

    /// The position in `value` (`{"line", "character"}`), if well formed.
    public init?(_ value: JSONValue?) {
        guard let line = value?["line"]?.intValue, let character = value?["character"]?.intValue,
            line >= 0, character >= 0
        else { return nil }
        self.init(line: line, character: character)
    }
}
