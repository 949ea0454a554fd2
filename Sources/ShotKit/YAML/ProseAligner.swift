#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Builds a shot's ``ProseSyntax`` from a YAML scalar, mapping the value's bytes back to the
/// bytes of the file so that `@name` in a folded, literal or quoted prompt points at the
/// exact source bytes.
///
/// The value libyaml gives differs from the source by what folding, indentation, quotes and
/// escapes add or remove. Both are walked together: a value byte equal to the next source
/// byte extends the current run; in a double-quoted scalar, a backslash escape in the source
/// is stepped over with the one character it made in the value (a `\` line continuation
/// made none); whitespace in the value that the source does not have at that point (a folded
/// line break) belongs to no run; for any other value byte, source bytes are skipped
/// (whitespace freely, at most ``lookahead`` others) until the byte is found.
enum ProseAligner {
    /// How many non-blank source bytes may be skipped to find a value byte (a doubled `''`
    /// needs one).
    static let lookahead = 16

    /// The prose of `scalar`: its value with leading and trailing whitespace trimmed.
    static func prose(of scalar: YAMLScalar, in file: SourceFile) -> ProseSyntax {
        if scalar.isNull { return ProseSyntax(text: "", pieces: [], span: scalar.span) }
        var value = scalar.value
        return value.withUTF8 {
            prose(of: $0, whole: scalar.value, style: scalar.style, span: scalar.span, in: file)
        }
    }

    /// The prose of the scalar `id` of `document` (an alias followed), nil for a sequence or
    /// mapping: the same as ``prose(of:in:)`` on its ``YAMLDocument/scalar(_:)``, made from
    /// the bytes of the value, so that the text's String is made once, already trimmed.
    static func prose(of id: YAMLNodeID, in document: YAMLDocument, file: SourceFile) -> ProseSyntax? {
        let record = document.records[Int(document.resolved(id).index)]
        guard record.kind == .scalar else { return nil }
        let span = SourceSpan(file: document.file, start: record.start, end: record.end)
        if document.isNull(id) { return ProseSyntax(text: "", pieces: [], span: span) }
        let range = document.values[Int(record.first)]
        return document.text.withUnsafeBufferPointer {
            prose(
                of: UnsafeBufferPointer(rebasing: $0[range]), whole: nil, style: record.style,
                span: span, in: file)
        }
    }

    /// The prose of a scalar whose value has the bytes `valueBytes` (and is `whole`, when the
    /// caller has its String), written with `style` at `span`.
    private static func prose(
        of valueBytes: UnsafeBufferPointer<UInt8>, whole: String?, style: YAMLScalarStyle,
        span: SourceSpan, in file: SourceFile
    ) -> ProseSyntax {
        var low = 0
        var high = valueBytes.count
        while low < high, isBlank(valueBytes[low]) { low += 1 }
        while high > low, isBlank(valueBytes[high - 1]) { high -= 1 }
        let text: String
        if let whole, low == 0, high == valueBytes.count {
            text = whole
        } else {
            text = String(decoding: UnsafeBufferPointer(rebasing: valueBytes[low..<high]), as: UTF8.self)
        }
        // The whole value is aligned (a leading `\t` escape must meet its backslash), then
        // the runs are cut to the trimmed text.
        var pieces = file.bytes.withUnsafeBufferPointer { source in
            align(
                valueBytes, with: source, from: contentStart(of: span, style: style, in: source),
                to: min(span.end, source.count), escapes: style == .doubleQuoted)
        }
        if low > 0 || high < valueBytes.count { clip(&pieces, to: low..<high) }
        return ProseSyntax(text: text, pieces: pieces, span: span)
    }

    /// Cuts `pieces` to the text range `range`, their text offsets made relative to its start.
    static func clip(_ pieces: inout [ProseSyntax.Piece], to range: Range<Int>) {
        var kept = 0
        for index in pieces.indices {
            let piece = pieces[index]
            let start = max(piece.textOffset, range.lowerBound)
            let end = min(piece.textOffset + piece.length, range.upperBound)
            guard start < end else { continue }
            pieces[kept] = ProseSyntax.Piece(
                textOffset: start - range.lowerBound,
                sourceOffset: piece.sourceOffset + start - piece.textOffset,
                length: end - start)
            kept += 1
        }
        pieces.removeLast(pieces.count - kept)
    }

    /// The runs of `value` found in `source[start..<end]`; `escapes` when the source is a
    /// double-quoted scalar, whose backslashes always start escapes.
    static func align(
        _ value: UnsafeBufferPointer<UInt8>, with source: UnsafeBufferPointer<UInt8>,
        from start: Int, to end: Int,
        escapes: Bool = false
    ) -> [ProseSyntax.Piece] {
        let backslash = UInt8(ascii: "\\")
        var pieces: [ProseSyntax.Piece] = []
        // A piece per source line is typical; a prompt has a few lines.
        pieces.reserveCapacity(4)
        var run = ProseSyntax.Piece(textOffset: 0, sourceOffset: 0, length: 0)
        var i = 0
        var j = max(0, start)
        while i < value.count {
            let byte = value[i]
            if escapes, j < end, source[j] == backslash {
                let next = j + 1 < end ? source[j + 1] : 0
                if next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r") {
                    // A line continuation: the break and the next line's indentation make
                    // nothing (an empty line after it still makes a line break).
                    j += 2
                    if next == UInt8(ascii: "\r"), j < end, source[j] == UInt8(ascii: "\n") {
                        j += 1
                    }
                    while j < end, source[j] == 0x20 || source[j] == 0x09 { j += 1 }
                } else {
                    // One escape makes one character.
                    i += MarkConverter.width(ofLeadByte: byte)
                    j += escapeLength(next)
                }
                continue
            }
            if j < end, source[j] == byte {
                // The common case: a stretch of bytes copied as they are.
                var length = commonPrefixLength(value, from: i, source, from: j, to: end)
                if escapes, length > 1, let base = source.baseAddress,
                    let found = memchr(base + j + 1, Int32(backslash), length - 1)
                {
                    // A run stops at an escape, even one whose bytes happen to match (`\\`).
                    // memchr finds the first backslash after the run's first byte, as a loop
                    // over the run would, without a comparison per byte.
                    length = (base + j).distance(to: found.assumingMemoryBound(to: UInt8.self))
                }
                if run.length > 0, run.textOffset + run.length == i,
                    run.sourceOffset + run.length == j
                {
                    run.length += length
                } else {
                    if run.length > 0 { pieces.append(run) }
                    run = ProseSyntax.Piece(textOffset: i, sourceOffset: j, length: length)
                }
                i += length
                j += length
                continue
            }
            if isBlank(byte) {
                if escapes {
                    // Made by an escape after the source's blanks (`\t`), or by folding?
                    var k = j
                    while k < end, isBlank(source[k]) { k += 1 }
                    if k + 1 < end, source[k] == backslash, escapedBlank(source[k + 1]) == byte {
                        j = k
                        continue
                    }
                }
                // Made by folding: it has no source byte here.
                i += 1
                continue
            }
            var k = j
            var skipped = 0
            while k < end, source[k] != byte {
                // An escape is for the branch above to step over.
                if escapes, source[k] == backslash { break }
                if !isBlank(source[k]) {
                    skipped += 1
                    if skipped > lookahead {
                        k = end
                        break
                    }
                }
                k += 1
            }
            if k < end {
                j = k
            } else {
                // Not in the source (it cannot be found): it belongs to no run.
                i += 1
            }
        }
        if run.length > 0 { pieces.append(run) }
        return pieces
    }

    /// How many bytes of `value` from `i` equal those of `source` from `j` (before `end`);
    /// compares eight bytes at a time.
    @inline(__always)
    static func commonPrefixLength(
        _ value: UnsafeBufferPointer<UInt8>, from i: Int, _ source: UnsafeBufferPointer<UInt8>,
        from j: Int, to end: Int
    ) -> Int {
        let limit = min(value.count - i, end - j)
        guard limit > 0, let valueBase = UnsafeRawPointer(value.baseAddress),
            let sourceBase = UnsafeRawPointer(source.baseAddress)
        else { return 0 }
        var length = 0
        while length + 8 <= limit {
            let a = valueBase.loadUnaligned(fromByteOffset: i + length, as: UInt64.self)
            let b = sourceBase.loadUnaligned(fromByteOffset: j + length, as: UInt64.self)
            if a != b { break }
            length += 8
        }
        while length < limit, value[i + length] == source[j + length] { length += 1 }
        return length
    }

    /// Where the scalar's content starts: after its anchor and tag, after the opening quote,
    /// or on the line after a block scalar's header.
    static func contentStart(
        of span: SourceSpan, style: YAMLScalarStyle, in source: UnsafeBufferPointer<UInt8>
    ) -> Int {
        let end = min(span.end, source.count)
        var j = skipProperties(from: span.start, to: end, in: source)
        switch style {
        case .plain:
            break
        case .singleQuoted, .doubleQuoted:
            if j < end { j += 1 }
        case .literal, .folded:
            // The header line ends at `\n`, `\r\n` or a lone `\r`.
            while j < end, source[j] != UInt8(ascii: "\n"), source[j] != UInt8(ascii: "\r") { j += 1 }
            if j < end, source[j] == UInt8(ascii: "\r") { j += 1 }
            if j < end, source[j] == UInt8(ascii: "\n") { j += 1 }
        }
        return j
    }

    /// Skips `&anchor` and `!tag` properties and the blanks after them.
    static func skipProperties(
        from start: Int, to end: Int, in source: UnsafeBufferPointer<UInt8>
    )
        -> Int
    {
        var j = max(0, start)
        while j < end, source[j] == UInt8(ascii: "&") || source[j] == UInt8(ascii: "!") {
            while j < end, !isBlank(source[j]) { j += 1 }
            while j < end, isBlank(source[j]) { j += 1 }
        }
        return j
    }

    /// The source length of the escape whose character after the backslash is `next`:
    /// `\xHH`, `\uHHHH`, `\UHHHHHHHH`, or two for the others (`\n`, `\"`, ...).
    static func escapeLength(_ next: UInt8) -> Int {
        switch next {
        case UInt8(ascii: "x"): 4
        case UInt8(ascii: "u"): 6
        case UInt8(ascii: "U"): 10
        default: 2
        }
    }

    /// The blank that the escape with `next` after its backslash makes, if it makes one.
    static func escapedBlank(_ next: UInt8) -> UInt8? {
        switch next {
        case UInt8(ascii: "t"), 0x09: 0x09
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case 0x20: 0x20
        default: nil
        }
    }

    /// Space, tab, CR or LF.
    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
