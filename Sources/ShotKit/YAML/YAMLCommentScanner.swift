#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the comments of a YAML file, which libyaml skips without reporting.
///
/// A comment is a `#` at the start of a line or after a blank, outside every scalar (a `#`
/// inside a quoted or block scalar is text), up to the end of its line. The scalars' spans
/// come from the composed document, in source order, so each `#` is checked by a binary
/// search; a file without `#` costs one `memchr`.
enum YAMLCommentScanner {
    /// The comments of `file`, in file order.
    static func comments(in file: SourceFile, document: YAMLDocument) -> [CommentSyntax] {
        file.bytes.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress,
                memchr(base, Int32(UInt8(ascii: "#")), bytes.count) != nil
            else { return [] }
            // Scalar records appear in event order, which is source order.
            var scalars: [Range<Int>] = []
            for record in document.records where record.kind == .scalar && record.end > record.start {
                scalars.append(record.start..<record.end)
            }
            var comments: [CommentSyntax] = []
            var offset = 0
            while offset < bytes.count,
                let found = memchr(base + offset, Int32(UInt8(ascii: "#")), bytes.count - offset)
            {
                let hash = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                offset = hash + 1
                let previous: UInt8 = hash > 0 ? bytes[hash - 1] : UInt8(ascii: "\n")
                // U+FEFF (a BOM) ends in 0xBF: a `#` right after the BOM starts the first line.
                let startsToken =
                    previous == 0x20 || previous == 0x09 || previous == 0x0A || previous == 0x0D
                    || (hash == 3 && bytes.starts(with: [0xEF, 0xBB, 0xBF]))
                guard startsToken, !isInside(hash, scalars) else { continue }
                var end = hash
                while end < bytes.count, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
                let text = String(
                    decoding: UnsafeBufferPointer(rebasing: bytes[hash..<end]), as: UTF8.self)
                comments.append(
                    CommentSyntax(
                        text: text, span: SourceSpan(file: file.id, start: hash, end: end)))
                offset = end
            }
            return comments
        }
    }

    /// Whether `offset` lies in one of `ranges` (sorted by start, not overlapping).
    static func isInside(_ offset: Int, _ ranges: [Range<Int>]) -> Bool {
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound <= offset {
                low = mid + 1
            } else if ranges[mid].lowerBound > offset {
                high = mid - 1
            } else {
                return true
            }
        }
        return false
    }
}
