/// One server-sent event.
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field, `message` when absent.
    public var event: String
    /// The `data:` lines joined with newlines.
    public var data: String
    /// The `id:` field, when present.
    public var id: String?
}

/// An incremental `text/event-stream` parser: feed it chunks as they arrive, however they are split.
///
/// Lines end with LF or CRLF; `:` lines are comments (keep-alives); a blank line ends an event.
public struct SSEParser: Sendable {
    private var pending: [UInt8] = []
    private var dataLines: [String] = []
    private var eventName = ""
    private var eventID: String?

    /// Creates an empty parser.
    public init() {}

    /// Consumes a chunk and returns the events it completed.
    public mutating func feed(_ chunk: [UInt8]) -> [SSEEvent] {
        pending.append(contentsOf: chunk)
        var events: [SSEEvent] = []
        var lineStart = pending.startIndex
        while let newline = pending[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending[lineStart..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if let event = handle(line: String(decoding: line, as: UTF8.self)) { events.append(event) }
            lineStart = pending.index(after: newline)
        }
        pending.removeSubrange(pending.startIndex..<lineStart)
        return events
    }

    private mutating func handle(line: String) -> SSEEvent? {
        if line.isEmpty {
            defer {
                dataLines = []
                eventName = ""
            }
            guard !dataLines.isEmpty else { return nil }
            return SSEEvent(
                event: eventName.isEmpty ? "message" : eventName, data: dataLines.joined(separator: "\n"), id: eventID)
        }
        if line.hasPrefix(":") { return nil }
        let field: Substring
        var value: Substring
        if let colon = line.firstIndex(of: ":") {
            field = line[..<colon]
            value = line[line.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = Substring(line)
            value = ""
        }
        switch field {
        case "data": dataLines.append(String(value))
        case "event": eventName = String(value)
        case "id": eventID = String(value)
        default: break
        }
        return nil
    }
}
