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
/// What it holds is bounded: an event's `data` may have at most ``maxEventBytes`` bytes, and an
/// unfinished line at most that plus room for its field name. With an ``eventTimeout``, a stream
/// that keeps sending bytes (keep-alives) but completes no event for that long is an error.
public struct SSEParser: Sendable {
    /// The most bytes of `data` one event may carry (its `data:` lines joined with newlines).
    public let maxEventBytes: Int
    /// Seconds a stream may go on without completing an event, or nil for no limit.
    public let eventTimeout: Double?

    /// Room beyond ``maxEventBytes`` for an unfinished line's field name (`data: `) and its CR.
    static let lineOverhead = 8

    private var pending: [UInt8] = []
    private var dataLines: [String] = []
    private var dataBytes = 0
    private var eventName = ""
    private var eventID: String?
    private var lastEvent = ContinuousClock.now

    /// Creates an empty parser; the event size cap defaults to ``HTTPLimits/maxEventBytes``.
    public init(maxEventBytes: Int = HTTPLimits.maxEventBytes, eventTimeout: Double? = nil) {
        self.maxEventBytes = maxEventBytes
        self.eventTimeout = eventTimeout
    }

    /// Consumes a chunk and returns the events it completed. Throws
    /// ``FalError/replyTooLarge(what:limit:)`` for an event over ``maxEventBytes`` and
    /// ``FalError/protocolViolation(_:)`` when no event completed for ``eventTimeout``.
    public mutating func feed(_ chunk: [UInt8]) throws -> [SSEEvent] {
        // The bytes already pending hold no newline: only the new chunk is searched, so a long
        // line is read once.
        var searchFrom = pending.count
        pending.append(contentsOf: chunk)
        var events: [SSEEvent] = []
        var lineStart = 0
        while let newline = pending[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending[lineStart..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if let event = try handle(line: String(decoding: line, as: UTF8.self)) { events.append(event) }
            lineStart = newline + 1
            searchFrom = lineStart
        }
        pending.removeSubrange(0..<lineStart)
        if pending.count > maxEventBytes + Self.lineOverhead { throw tooLarge }
        let now = ContinuousClock.now
        if !events.isEmpty {
            lastEvent = now
        } else if let eventTimeout, now - lastEvent > .milliseconds(Int((eventTimeout * 1000).rounded(.up))) {
            throw FalError.protocolViolation(
                "the status stream sent no event for \(Int(eventTimeout.rounded())) s, only keep-alives")
        }
        return events
    }

    private var tooLarge: FalError {
        .replyTooLarge(what: "an event of the status stream", limit: maxEventBytes)
    }

    private mutating func handle(line: String) throws -> SSEEvent? {
        if line.isEmpty {
            defer {
                dataLines = []
                dataBytes = 0
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
        case "data":
            dataBytes += (dataLines.isEmpty ? 0 : 1) + value.utf8.count
            if dataBytes > maxEventBytes { throw tooLarge }
            dataLines.append(String(value))
        case "event": eventName = String(value)
        case "id": eventID = String(value)
        default: break
        }
        return nil
    }
}
