#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Finds the mentions in prose (spec section 2, step 1).
///
/// `@name` is a mention when the `@` is not preceded by a letter, digit, `_` or `@`
/// (`mara@example.com` is plain text); the name is the longest match of the name rule; `@@`
/// is a literal `@`.
///
/// Works on the prose's UTF-8 bytes: it jumps from `@` to `@` and decodes only the scalars
/// next to one, so prose without mentions costs little more than a `memchr`.
public enum MentionScanner {
    /// A mention found in prose.
    public struct Mention: Hashable, Sendable {
        /// The name, without `@`.
        public var name: String
        /// The UTF-8 range of `@name` in the prose.
        public var range: Range<Int>
    }

    /// What a scan found.
    public struct Scan: Sendable {
        /// The mentions in prose order.
        public var mentions: [Mention]
        /// The UTF-8 offsets of each `@@`, which stand for one `@`.
        public var escapedAts: [Int]
    }

    private static let at = UInt8(ascii: "@")

    /// The mentions and `@@` escapes of `text`.
    public static func scan(_ text: String) -> Scan {
        var text = text
        return text.withUTF8 { scan($0) }
    }

    /// The mentions and `@@` escapes of the UTF-8 `bytes`.
    public static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Scan {
        var ranges: [Range<Int>] = []
        var result = Scan(mentions: [], escapedAts: [])
        scan(bytes, mentions: &ranges, escapedAts: &result.escapedAts)
        result.mentions.reserveCapacity(ranges.count)
        for range in ranges {
            let name = String(
                decoding: UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<range.upperBound]), as: UTF8.self
            )
            result.mentions.append(Mention(name: name, range: range))
        }
        return result
    }

    /// How many `@` bytes `text` has: more than it has mentions.
    static func atSigns(in text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return 0 }
            var count = 0
            var index = 0
            while index < bytes.count, let found = memchr(base + index, Int32(at), bytes.count - index) {
                count += 1
                index = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base + 1
            }
            return count
        }
    }

    /// Appends the UTF-8 range of each `@name` in `bytes` to `mentions` and the offset of each
    /// `@@` to `escapedAts`: the scan without a `String` per name, into buffers the caller
    /// reuses from one prose to the next (the analyzer's path).
    static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, mentions: inout [Range<Int>], escapedAts: inout [Int]
    ) {
        guard let base = bytes.baseAddress else { return }
        let count = bytes.count
        let firstEscape = escapedAts.count
        var index = 0
        while index < count {
            guard let found = memchr(base + index, Int32(at), count - index) else { break }
            let position = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
            if position + 1 < count, bytes[position + 1] == at {
                escapedAts.append(position)
                index = position + 2
                continue
            }
            index = position + 1
            // After an escape the previous character is an `@`: not a mention.
            if escapedAts.count > firstEscape, let last = escapedAts.last, last + 2 == position { continue }
            if precededByWord(bytes, position) { continue }
            guard let (first, width) = decode(bytes, position + 1), NameRule.isNameStart(first)
            else { continue }
            var end = position + 1 + width
            while end < count {
                // Names are mostly ASCII: a byte below 0x80 is tested on its own.
                let byte = bytes[end]
                if byte < 0x80 {
                    guard isASCIINameContinue(byte) else { break }
                    end += 1
                    continue
                }
                guard let (scalar, width) = decode(bytes, end), NameRule.isNameContinue(scalar) else { break }
                end += width
            }
            while bytes[end - 1] == UInt8(ascii: "-") { end -= 1 }
            mentions.append(position..<end)
            index = end
        }
    }

    /// `NameRule.isNameContinue` for an ASCII byte: a letter, digit, `_` or `-`.
    @inline(__always)
    private static func isASCIINameContinue(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20  // a letter in lower case; no other byte lands in a...z
        return (lower >= 0x61 && lower <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x2D
    }

    /// Whether the character before `position` is a letter, digit, `_` or `@`.
    private static func precededByWord(_ bytes: UnsafeBufferPointer<UInt8>, _ position: Int) -> Bool {
        guard position > 0 else { return false }
        var start = position - 1
        while start > 0, position - start < 4, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        guard let (scalar, _) = decode(bytes, start) else { return false }
        return scalar == "@" || (scalar != "-" && NameRule.isNameContinue(scalar))
    }

    /// The scalar starting at `index` and its width in bytes; nil at the end or on invalid UTF-8.
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> (Unicode.Scalar, Int)? {
        guard index < bytes.count else { return nil }
        let lead = bytes[index]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0
        guard width > 0, index + width <= bytes.count else { return nil }
        var value = UInt32(lead) & (0xFF >> (width + 1))
        for offset in 1..<width {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return Unicode.Scalar(value).map { ($0, width) }
    }

    /// `text` with each mention replaced by `token(name)` (kept as written when it gives nil)
    /// and each `@@` by `@`.
    public static func substitute(
        _ text: String, scan: Scan, token: (String) -> String?
    ) -> String {
        if scan.mentions.isEmpty, scan.escapedAts.isEmpty { return text }
        // Each mention's replacement once, in order; the byte form does the copying.
        var text = text
        return text.withUTF8 { bytes in
            let replacements = scan.mentions.map { mention in
                token(mention.name)
                    ?? String(decoding: UnsafeBufferPointer(rebasing: bytes[mention.range]), as: UTF8.self)
            }
            return substitute(bytes, mentions: scan.mentions.map(\.range)[...], escapedAts: scan.escapedAts[...]) {
                replacements[$0]
            }
        }
    }

    /// `bytes` with the mention at `mentions[i]` replaced by `token(i)` and each `@@` (at the
    /// offsets `escapedAts`) by `@`: the analyzer's prompt, made in one allocation of its
    /// exact length and copied in runs between the places that change.
    static func substitute(
        _ bytes: UnsafeBufferPointer<UInt8>, mentions: ArraySlice<Range<Int>>, escapedAts: ArraySlice<Int>,
        token: (Int) -> String
    ) -> String {
        var length = bytes.count - escapedAts.count
        for (rank, range) in zip(mentions.indices, mentions) {
            length += token(rank).utf8.count - range.count
        }
        return String(unsafeUninitializedCapacity: length) { out in
            var written = 0
            func copy(_ source: UnsafeBufferPointer<UInt8>) {
                guard let from = source.baseAddress, let to = out.baseAddress, !source.isEmpty else { return }
                (to + written).update(from: from, count: source.count)
                written += source.count
            }
            var position = 0
            var mentionIndex = mentions.startIndex
            var escapeIndex = escapedAts.startIndex
            while position < bytes.count {
                let nextMention = mentionIndex < mentions.endIndex ? mentions[mentionIndex].lowerBound : Int.max
                let nextEscape = escapeIndex < escapedAts.endIndex ? escapedAts[escapeIndex] : Int.max
                let next = min(nextMention, nextEscape, bytes.count)
                copy(UnsafeBufferPointer(rebasing: bytes[position..<next]))
                position = next
                if next == bytes.count { break }
                if nextEscape < nextMention {
                    out[written] = at
                    written += 1
                    position += 2
                    escapeIndex += 1
                } else {
                    var replacement = token(mentionIndex)
                    replacement.withUTF8 { copy($0) }
                    position = mentions[mentionIndex].upperBound
                    mentionIndex += 1
                }
            }
            return written
        }
    }
}
