/// Something JSON can be emitted into, event by event: a text writer or a ``JSONValue``
/// builder. Request bodies are described once, against this protocol.
public protocol JSONSink {
    /// Opens an object; keys and values follow, then ``endObject()``.
    mutating func beginObject()
    /// Closes the innermost object.
    mutating func endObject()
    /// Opens an array; values follow, then ``endArray()``.
    mutating func beginArray()
    /// Closes the innermost array.
    mutating func endArray()
    /// The key of the next value in the innermost object.
    mutating func key(_ key: String)
    /// A string value.
    mutating func string(_ value: String)
    /// An integer value.
    mutating func int(_ value: Int)
    /// A floating-point value (finite; anything else is written as `null`).
    mutating func double(_ value: Double)
    /// `true` or `false`.
    mutating func bool(_ value: Bool)
    /// `null`.
    mutating func null()
}

/// Writes JSON text, compact or indented by two spaces per level, into a byte buffer that it
/// hands to `flush` whenever it passes `chunkSize` (so a large output never sits in memory
/// whole); without `flush` the text stays in ``bytes``.
public struct JSONWriter: JSONSink {
    /// The text written and not yet flushed.
    public private(set) var bytes: [UInt8] = []
    private let pretty: Bool
    private let chunkSize: Int
    private let flush: ((inout [UInt8]) -> Void)?
    /// For each open container, whether it has an element yet.
    private var open: [Bool] = []
    private var afterKey = false

    /// A writer; `flush` receives full chunks and must empty the buffer it is given.
    public init(pretty: Bool, chunkSize: Int = 1 << 16, flush: ((inout [UInt8]) -> Void)? = nil) {
        self.pretty = pretty
        self.chunkSize = chunkSize
        self.flush = flush
        bytes.reserveCapacity(flush == nil ? 256 : chunkSize + 4096)
    }

    /// Hands what is left to `flush`.
    public mutating func finish() {
        if let flush, !bytes.isEmpty { flush(&bytes) }
    }

    private mutating func newline(_ depth: Int) {
        guard pretty else { return }
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
    }

    /// Before a value: after a key nothing; in an array a comma and a new line.
    private mutating func beforeValue() {
        if afterKey {
            afterKey = false
            return
        }
        beforeElement()
    }

    private mutating func beforeElement() {
        guard let last = open.indices.last else { return }
        if open[last] { bytes.append(UInt8(ascii: ",")) }
        open[last] = true
        newline(open.count)
    }

    private mutating func close(_ bracket: UInt8) {
        let hadElements = open.removeLast()
        if hadElements { newline(open.count) }
        bytes.append(bracket)
        if let flush, bytes.count >= chunkSize { flush(&bytes) }
    }

    /// Opens an object.
    public mutating func beginObject() {
        beforeValue()
        bytes.append(UInt8(ascii: "{"))
        open.append(false)
    }

    /// Closes the innermost object.
    public mutating func endObject() { close(UInt8(ascii: "}")) }

    /// Opens an array.
    public mutating func beginArray() {
        beforeValue()
        bytes.append(UInt8(ascii: "["))
        open.append(false)
    }

    /// Closes the innermost array.
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// The key of the next value in the innermost object.
    public mutating func key(_ key: String) {
        beforeElement()
        JSONWriter.writeString(key, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        if pretty { bytes.append(UInt8(ascii: " ")) }
        afterKey = true
    }

    /// A string value.
    public mutating func string(_ value: String) {
        beforeValue()
        JSONWriter.writeString(value, into: &bytes)
    }

    /// An integer value.
    public mutating func int(_ value: Int) {
        beforeValue()
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A floating-point value.
    public mutating func double(_ value: Double) {
        beforeValue()
        bytes.append(contentsOf: (value.isFinite ? String(value) : "null").utf8)
    }

    /// `true` or `false`.
    public mutating func bool(_ value: Bool) {
        beforeValue()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// `null`.
    public mutating func null() {
        beforeValue()
        bytes.append(contentsOf: "null".utf8)
    }
}

/// Builds a ``JSONValue`` from sink events.
public struct JSONValueBuilder: JSONSink {
    private enum Container {
        case object([(String, JSONValue)], pendingKey: String?)
        case array([JSONValue])
    }

    private var stack: [Container] = []
    /// The finished value, once the outermost container is closed (or a lone scalar written).
    public private(set) var value: JSONValue = .null

    /// An empty builder.
    public init() {}

    private mutating func add(_ item: JSONValue) {
        guard let top = stack.popLast() else {
            value = item
            return
        }
        switch top {
        case .object(var fields, let key):
            fields.append((key ?? "", item))
            stack.append(.object(fields, pendingKey: nil))
        case .array(var items):
            items.append(item)
            stack.append(.array(items))
        }
    }

    /// Opens an object.
    public mutating func beginObject() { stack.append(.object([], pendingKey: nil)) }

    /// Closes the innermost object.
    public mutating func endObject() {
        if case .object(let fields, _)? = stack.popLast() { add(.object(fields)) }
    }

    /// Opens an array.
    public mutating func beginArray() { stack.append(.array([])) }

    /// Closes the innermost array.
    public mutating func endArray() {
        if case .array(let items)? = stack.popLast() { add(.array(items)) }
    }

    /// The key of the next value in the innermost object.
    public mutating func key(_ key: String) {
        if case .object(let fields, _)? = stack.popLast() { stack.append(.object(fields, pendingKey: key)) }
    }

    /// A string value.
    public mutating func string(_ value: String) { add(.string(value)) }
    /// An integer value.
    public mutating func int(_ value: Int) { add(.int(value)) }
    /// A floating-point value.
    public mutating func double(_ value: Double) { add(.double(value)) }
    /// `true` or `false`.
    public mutating func bool(_ value: Bool) { add(.bool(value)) }
    /// `null`.
    public mutating func null() { add(.null) }
}
