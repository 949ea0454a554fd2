/// Identifies one file in a ``SourceMap``.
public struct FileID: Hashable, Comparable, Sendable {
    /// The index of the file in its source map.
    public let rawValue: Int

    /// Wraps a source-map index.
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    /// Orders by position in the file.
    public static func < (lhs: FileID, rhs: FileID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A half-open range of UTF-8 byte offsets into one file.
///
/// Line and column are computed only when a span is shown (``SourceFile/location(of:)``).
public struct SourceSpan: Hashable, Comparable, Sendable {
    /// The file the offsets point into.
    public var file: FileID
    /// The offset of the first byte.
    public var start: Int
    /// The offset one past the last byte.
    public var end: Int

    /// A span from `start` up to, not including, `end`.
    public init(file: FileID, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    /// The number of bytes covered.
    public var length: Int { end - start }

    /// The smallest span that covers both.
    public func union(_ other: SourceSpan) -> SourceSpan {
        SourceSpan(file: file, start: min(start, other.start), end: max(end, other.end))
    }

    /// Orders by position in the file.
    public static func < (lhs: SourceSpan, rhs: SourceSpan) -> Bool {
        (lhs.file, lhs.start, lhs.end) < (rhs.file, rhs.start, rhs.end)
    }
}

/// A 1-based line and column; columns count Unicode scalar values.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in Unicode scalars.
    public var column: Int

    /// A location at `line`, `column`.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// A description for people.
    public var description: String { "\(line):\(column)" }
}

/// The bytes of one file, with the table of line starts that turns offsets into locations.
public struct SourceFile: Sendable {
    /// The file's identity in its source map.
    public let id: FileID
    /// The path as it is shown in diagnostics (as the user wrote it, or relative to it).
    public let path: String
    /// The file's bytes, exactly as read (a byte-order mark included).
    public let bytes: [UInt8]
    /// The offset at which each line starts; `lineStarts[0] == 0`.
    public let lineStarts: [Int]

    /// The length of the longest prefix of `bytes` that is valid UTF-8 (RFC 3629) and holds
    /// no character that ``ControlCharacter`` forbids; `bytes.count` when the whole file is
    /// clean. The `.shot` lexer checks only the lines that reach past it, byte by byte.
    let cleanPrefixLength: Int

    /// Indexes the lines of `bytes`. A line ends at `\n`, `\r\n` or a lone `\r`, as both
    /// front ends read them.
    public init(id: FileID, path: String, bytes: [UInt8]) {
        self.id = id
        self.path = path
        self.bytes = bytes
        (self.lineStarts, self.cleanPrefixLength) = SourceFile.scan(bytes)
    }

    /// The line table (``lineStarts``) and ``cleanPrefixLength`` of `bytes`, in one pass.
    ///
    /// Fast path: eight bytes are tested at once, and a word of printable ASCII (0x20 to 0x7E,
    /// most of a scene) is passed in a few instructions. Otherwise the scan jumps to the
    /// first byte that made the word suspect (a line end, a tab, a byte above 0x7E) and reads
    /// that character with the lexer's own rules (``Lexer/utf8SequenceLength(in:at:)``,
    /// ``ControlCharacter/forbidden(in:at:length:)``), so the result is the same as reading
    /// every byte that way. Past the first problem only line ends are looked for.
    private static func scan(_ bytes: [UInt8]) -> (lineStarts: [Int], cleanPrefixLength: Int) {
        var starts = [0]
        starts.reserveCapacity(bytes.count / 32 + 1)
        let count = bytes.count
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        var index = 0
        var clean = count
        bytes.withUnsafeBytes { raw in
            func endsLine(_ index: Int) -> Bool {
                raw[index] == 0x0A || (raw[index] == 0x0D && (index + 1 == count || raw[index + 1] != 0x0A))
            }
            while index < count {
                if index + 8 <= count {
                    let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    // Bit 7 of a byte is set in `suspect` for a byte of 0x80 or more, a byte
                    // below 0x20 (the bit hack "has less than") or 0x7F ("has zero" of
                    // word ^ 0x7F...). Borrows can flag bytes above a flagged byte, never
                    // below it: the lowest flag is a byte that needs a look.
                    let deleted = word ^ (ones &* 0x7F)
                    let suspect =
                        (word & high) | ((word &- ones &* 0x20) & ~word & high)
                        | ((deleted &- ones) & ~deleted & high)
                    if suspect == 0 {
                        index += 8
                        continue
                    }
                    index += suspect.trailingZeroBitCount / 8
                }
                // A line feed is what most often makes a word suspect: taken first.
                if raw[index] == 0x0A {
                    index += 1
                    starts.append(index)
                    continue
                }
                if endsLine(index) { starts.append(index + 1) }
                let length = cleanLength(bytes, at: index)
                if length == 0 {
                    clean = index
                    break
                }
                index += length
            }
            while index < count {
                if endsLine(index) { starts.append(index + 1) }
                index += 1
            }
        }
        return (starts, clean)
    }

    /// The length of the allowed character whose UTF-8 starts at `index`; 0 when the bytes
    /// there are not valid UTF-8 or spell a forbidden character.
    private static func cleanLength(_ bytes: [UInt8], at index: Int) -> Int {
        let byte = bytes[index]
        if byte >= 0x20, byte < 0x7F { return 1 }
        let length = byte < 0x80 ? 1 : Lexer.utf8SequenceLength(in: bytes, at: index)
        guard length > 0, ControlCharacter.forbidden(in: bytes, at: index, length: length) == nil else { return 0 }
        return length
    }

    /// The 0-based index of the line that holds `offset`.
    public func lineIndex(of offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// The 1-based line and column of `offset`; the column counts Unicode scalars
    /// (bytes that do not continue a UTF-8 sequence), so invalid UTF-8 still gets a column.
    public func location(of offset: Int) -> SourceLocation {
        let clamped = min(max(0, offset), bytes.count)
        let index = lineIndex(of: clamped)
        var column = 1
        var position = lineStarts[index]
        while position < clamped {
            if bytes[position] & 0xC0 != 0x80 { column += 1 }
            position += 1
        }
        // A byte-order mark is not a column.
        if index == 0, clamped >= 3, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { column -= 1 }
        return SourceLocation(line: index + 1, column: column)
    }

    /// The byte range of the 1-based `line`, without its line end (`\n`, `\r\n` or `\r`).
    public func lineRange(_ line: Int) -> Range<Int> {
        let index = max(0, min(line - 1, lineStarts.count - 1))
        let start = lineStarts[index]
        var end = index + 1 < lineStarts.count ? lineStarts[index + 1] : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return start..<end
    }

    /// The text of the 1-based `line`, invalid UTF-8 replaced by U+FFFD.
    public func lineText(_ line: Int) -> String {
        String(decoding: bytes[lineRange(line)], as: UTF8.self)
    }

    /// The text of `span`, invalid UTF-8 replaced by U+FFFD.
    public func text(of span: SourceSpan) -> String {
        let start = min(max(0, span.start), bytes.count)
        let end = min(max(start, span.end), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

/// Every file a compilation read, so that spans can be shown.
public struct SourceMap: Sendable {
    /// The files, indexed by ``FileID/rawValue``.
    public private(set) var files: [SourceFile] = []

    /// An empty map.
    public init() {}

    /// Adds a file and returns its identity.
    @discardableResult
    public mutating func add(path: String, bytes: [UInt8]) -> FileID {
        let id = FileID(files.count)
        files.append(SourceFile(id: id, path: path, bytes: bytes))
        return id
    }

    /// The file with `id`.
    public subscript(id: FileID) -> SourceFile { files[id.rawValue] }

    /// `path:line:column` of the start of `span`, the path with invisible characters escaped
    /// (``DisplayText``) so that the header stays one line that can be read.
    public func describe(_ span: SourceSpan) -> String {
        let file = self[span.file]
        return "\(DisplayText.escaped(file.path)):\(file.location(of: span.start))"
    }
}
