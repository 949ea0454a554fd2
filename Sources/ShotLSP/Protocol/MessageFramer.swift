/// Splits a byte stream into LSP messages: `Content-Length: N` headers, a blank line, then N
/// bytes of JSON (the base protocol of LSP 3.17).
///
/// It never fails: a header block without a usable `Content-Length` becomes a ``Frame/malformed(_:)``
/// frame and reading goes on after it.
public struct MessageFramer: Sendable {
    /// One thing read from the stream.
    public enum Frame: Equatable, Sendable {
        /// A message body.
        case message([UInt8])
        /// A header block that could not be used; the text says why.
        case malformed(String)
    }

    /// The largest body accepted (a bigger one is skipped and reported).
    public static let maxContentLength = 64 * 1024 * 1024
    /// The longest header block accepted.
    public static let maxHeaderLength = 8 * 1024

    private var buffer: [UInt8] = []
    private var start = 0
    /// Bytes of an oversized body still to be skipped.
    private var skipping = 0

    /// An empty framer.
    public init() {}

    /// Adds bytes read from the stream.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 0, start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 20 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or nil until more bytes arrive.
    public mutating func next() -> Frame? {
        if skipping > 0 {
            let available = min(skipping, buffer.count - start)
            start += available
            skipping -= available
            if skipping > 0 { return nil }
        }
        guard start < buffer.count else { return nil }
        guard let headerEnd = findHeaderEnd() else {
            if buffer.count - start > Self.maxHeaderLength {
                // No blank line within the limit: drop what we have up to the last line end.
                start = buffer.count
                return .malformed("header block longer than \(Self.maxHeaderLength) bytes")
            }
            return nil
        }
        let header = String(decoding: buffer[start..<headerEnd.lowerBound], as: UTF8.self)
        let bodyStart = headerEnd.upperBound
        var length: Int? = nil
        var problem: String? = nil
        for line in header.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\r\n" || $0 == "\n" }) {
            guard let colon = line.firstIndex(of: ":") else {
                problem = "header line without ':'"
                continue
            }
            let name = line[..<colon].trimmingCharacters()
            let value = line[line.index(after: colon)...].trimmingCharacters()
            if name.lowercased() == "content-length" {
                guard let parsed = Int(value), parsed >= 0 else {
                    problem = "Content-Length is not a number: '\(value)'"
                    continue
                }
                length = parsed
            }
        }
        guard let length else {
            start = bodyStart
            return .malformed(problem ?? "no Content-Length header")
        }
        if length > Self.maxContentLength {
            // Skip the body as it arrives; whatever follows it is read normally.
            let available = min(length, buffer.count - bodyStart)
            start = bodyStart + available
            skipping = length - available
            return .malformed("Content-Length \(length) is larger than the limit of \(Self.maxContentLength) bytes")
        }
        guard buffer.count - bodyStart >= length else { return nil }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        start = bodyStart + length
        return .message(body)
    }

    /// The range of the blank line that ends the header block (`\r\n\r\n`, or `\n\n` from
    /// lenient clients).
    private func findHeaderEnd() -> Range<Int>? {
        var index = start
        let limit = min(buffer.count, start + Self.maxHeaderLength + 4)
        while index < limit {
            if buffer[index] == 0x0A {
                if index + 1 < buffer.count, buffer[index + 1] == 0x0A { return index..<(index + 2) }
                if index + 2 < buffer.count, buffer[index + 1] == 0x0D, buffer[index + 2] == 0x0A {
                    return (index - (index > start && buffer[index - 1] == 0x0D ? 1 : 0))..<(index + 3)
                }
            }
            index += 1
        }
        return nil
    }

    /// Frames `body` with its `Content-Length` header.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingCharacters() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
