/// Finds the mentions in prose (spec section 2, step 1).
///
/// `@name` is a mention when the `@` is not preceded by a letter, digit, `_` or `@`
/// (`mara@example.com` is plain text); the name is the longest match of the name rule; `@@`
/// is a literal `@`.
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

    /// A letter, digit or `_`: what may stand before an `@` that is then not a mention.
    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar != "-" && NameRule.isNameContinue(scalar)
    }

    /// The mentions and `@@` escapes of `text`.
    public static func scan(_ text: String) -> Scan {
        var mentions: [Mention] = []
        var escapes: [Int] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var offset = 0
        var previousIsWord = false
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "@" else {
                previousIsWord = isWordScalar(scalar)
                offset += UTF8.width(scalar)
                index += 1
                continue
            }
            if index + 1 < scalars.count, scalars[index + 1] == "@" {
                escapes.append(offset)
                offset += 2
                index += 2
                previousIsWord = true
                continue
            }
            if !previousIsWord,
                index + 1 < scalars.count, NameRule.isNameStart(scalars[index + 1])
            {
                var end = index + 1
                while end < scalars.count, NameRule.isNameContinue(scalars[end]) { end += 1 }
                while end > index + 2, scalars[end - 1] == "-" { end -= 1 }
                var name = String.UnicodeScalarView()
                name.append(contentsOf: scalars[(index + 1)..<end])
                let width = scalars[index..<end].reduce(0) { $0 + UTF8.width($1) }
                mentions.append(Mention(name: String(name), range: offset..<(offset + width)))
                offset += width
                index = end
                previousIsWord = true
                continue
            }
            offset += 1
            index += 1
            previousIsWord = true
        }
        return Scan(mentions: mentions, escapedAts: escapes)
    }

    /// `text` with each mention replaced by `token(name)` (kept as written when it gives nil)
    /// and each `@@` by `@`.
    public static func substitute(
        _ text: String, scan: Scan, token: (String) -> String?
    ) -> String {
        if scan.mentions.isEmpty, scan.escapedAts.isEmpty { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var position = 0
        var mentions = scan.mentions[...]
        var escapes = scan.escapedAts[...]
        while position < bytes.count {
            let nextMention = mentions.first?.range.lowerBound ?? Int.max
            let nextEscape = escapes.first ?? Int.max
            let next = min(nextMention, nextEscape, bytes.count)
            out.append(contentsOf: bytes[position..<next])
            position = next
            if next == bytes.count { break }
            if nextEscape < nextMention {
                out.append(UInt8(ascii: "@"))
                position += 2
                escapes.removeFirst()
            } else if let mention = mentions.first {
                if let replacement = token(mention.name) {
                    out.append(contentsOf: replacement.utf8)
                } else {
                    out.append(contentsOf: bytes[mention.range])
                }
                position = mention.range.upperBound
                mentions.removeFirst()
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
