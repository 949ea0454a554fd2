/// Builds a shot's ``ProseSyntax`` from a YAML scalar, mapping the value's bytes back to the
/// bytes of the file so that `@name` in a folded, literal or quoted prompt points at the
/// exact source bytes.
///
/// The value libyaml gives differs from the source by what folding, indentation, quotes and
/// escapes add or remove. Both are walked together: a value byte equal to the next source
/// byte extends the current run; whitespace in the value that the source does not have at
/// that point (a folded line break, an escaped `\n`) belongs to no run; for any other value
/// byte, source bytes are skipped (whitespace freely, at most ``lookahead`` others, such as
/// an escape's backslash) until the byte is found.
enum ProseAligner {
    /// How many non-blank source bytes may be skipped to find a value byte: more than the
    /// longest escape (`\U0001F600`).
    static let lookahead = 16

    /// The prose of `scalar`: its value with leading and trailing whitespace trimmed.
    static func prose(of scalar: YAMLScalar, in file: SourceFile) -> ProseSyntax {
        if scalar.isNull { return ProseSyntax(text: "", pieces: [], span: scalar.span) }
        var value = scalar.value
        return value.withUTF8 { valueBytes in
            var low = 0
            var high = valueBytes.count
            while low < high, isBlank(valueBytes[low]) { low += 1 }
            while high > low, isBlank(valueBytes[high - 1]) { high -= 1 }
            let text =
                low == 0 && high == valueBytes.count
                ? scalar.value
                : String(decoding: UnsafeBufferPointer(rebasing: valueBytes[low..<high]), as: UTF8.self)
            let pieces = file.bytes.withUnsafeBufferPointer { source in
                align(
                    UnsafeBufferPointer(rebasing: valueBytes[low..<high]), with: source,
                    from: contentStart(of: scalar, in: source), to: min(scalar.span.end, source.count))
            }
            return ProseSyntax(text: text, pieces: pieces, span: scalar.span)
        }
    }

    /// The runs of `value` found in `source[start..<end]`.
    static func align(
        _ value: UnsafeBufferPointer<UInt8>, with source: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int
    ) -> [ProseSyntax.Piece] {
        var pieces: [ProseSyntax.Piece] = []
        // A piece per source line is typical; a prompt has a few lines.
        pieces.reserveCapacity(4)
        var run = ProseSyntax.Piece(textOffset: 0, sourceOffset: 0, length: 0)
        var i = 0
        var j = max(0, start)
        while i < value.count {
            let byte = value[i]
            if j < end, source[j] == byte {
                // The common case: a stretch of bytes copied as they are.
                let length = commonPrefixLength(value, from: i, source, from: j, to: end)
                if run.length > 0, run.textOffset + run.length == i, run.sourceOffset + run.length == j {
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
                // Made by folding or an escape: it has no source byte here.
                i += 1
                continue
            }
            var k = j
            var skipped = 0
            while k < end, source[k] != byte {
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
                // Made by an escape (`\u00e9`): it belongs to no run.
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
        _ value: UnsafeBufferPointer<UInt8>, from i: Int, _ source: UnsafeBufferPointer<UInt8>, from j: Int, to end: Int
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
    static func contentStart(of scalar: YAMLScalar, in source: UnsafeBufferPointer<UInt8>) -> Int {
        let end = min(scalar.span.end, source.count)
        var j = skipProperties(from: scalar.span.start, to: end, in: source)
        switch scalar.style {
        case .plain:
            break
        case .singleQuoted, .doubleQuoted:
            if j < end { j += 1 }
        case .literal, .folded:
            while j < end, source[j] != UInt8(ascii: "\n") { j += 1 }
            if j < end { j += 1 }
        }
        return j
    }

    /// Skips `&anchor` and `!tag` properties and the blanks after them.
    static func skipProperties(from start: Int, to end: Int, in source: UnsafeBufferPointer<UInt8>) -> Int {
        var j = max(0, start)
        while j < end, source[j] == UInt8(ascii: "&") || source[j] == UInt8(ascii: "!") {
            while j < end, !isBlank(source[j]) { j += 1 }
            while j < end, isBlank(source[j]) { j += 1 }
        }
        return j
    }

    /// Space, tab, CR or LF.
    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
