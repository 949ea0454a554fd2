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
    /// A key fixed in the program text, as ``key(_:)``. It must need no escaping (printable
    /// ASCII without `"` or `\`), so that a writer can copy its bytes as they are.
    mutating func key(literal key: StaticString)
    /// A string value.
    mutating func string(_ value: String)
    /// A string value whose JSON text was made before, as a `String` value.
    mutating func string(_ value: PreparedJSONString)
    /// An integer value.
    mutating func int(_ value: Int)
    /// A floating-point value (finite; anything else is written as `null`).
    mutating func double(_ value: Double)
    /// `true` or `false`.
    mutating func bool(_ value: Bool)
    /// `null`.
    mutating func null()
}

extension JSONSink {
    /// The key as a `String`: what a sink that keeps values rather than text needs.
    public mutating func key(literal key: StaticString) { self.key(key.description) }

    /// The string's value: what a sink that keeps values rather than text needs.
    public mutating func string(_ value: PreparedJSONString) { string(value.value) }
}

/// A string together with its JSON text (quoted and escaped), made once, so that a string
/// written many times (an image path or URL used by many shots) is copied, not escaped again.
/// A class, so that handing one to a writer is one reference count, not one per field.
public final class PreparedJSONString: Sendable {
    /// The string.
    public let value: String
    /// Its JSON text, with the quotes.
    public let text: [UInt8]

    /// `value` with its JSON text.
    public init(_ value: String) {
        self.value = value
        var text: [UInt8] = []
        text.reserveCapacity(value.utf8.count + 2)
        JSONWriter.writeString(value, into: &text)
        self.text = text
    }
}

/// Writes JSON text, compact or indented by two spaces per level, into a byte buffer that it
/// hands to `flush` whenever it passes `chunkSize` (so a large output never sits in memory
/// whole); without `flush` the text stays in ``bytes``.
public struct JSONWriter: JSONSink {
    /// The text written and not yet flushed.
    public var bytes: [UInt8] { buffer.array }
    private var buffer: ByteBuffer
    private let pretty: Bool
    private let chunkSize: Int
    private let flush: ((inout [UInt8]) -> Void)?
    /// How many containers are open.
    private var depth = 0
    /// Whether the innermost open container has an element yet (the flag the writer reads on
    /// every element, kept out of the stack so that reading and setting it is one field).
    private var innermostHasElement = false
    /// The same flag for each enclosing container: bit `d` for the container at depth `d + 1`
    /// (a shift and a mask instead of an array's append and pop); containers deeper than 64
    /// levels keep theirs in `deepHaveElements`.
    private var enclosingHaveElements: UInt64 = 0
    private var deepHaveElements: [Bool] = []
    private var afterKey = false

    /// A writer; `flush` receives full chunks and must empty the buffer it is given.
    public init(pretty: Bool, chunkSize: Int = 1 << 16, flush: ((inout [UInt8]) -> Void)? = nil) {
        self.pretty = pretty
        self.chunkSize = chunkSize
        self.flush = flush
        buffer = ByteBuffer(capacity: flush == nil ? 256 : chunkSize + 4096)
    }

    /// Hands what is left to `flush`.
    public mutating func finish() {
        if flush != nil, buffer.count > 0 { flushChunk() }
    }

    /// Hands the text written to `flush` and forgets it.
    private mutating func flushChunk() {
        guard let flush else { return }
        var chunk = buffer.array
        flush(&chunk)
        buffer.removeAll()
    }

    /// Appends a comma (when `comma`), then, when pretty, a line break and the indentation of
    /// `depth` levels.
    @inline(__always)
    private mutating func separate(comma: Bool, depth: Int) {
        if comma { buffer.appendByte(UInt8(ascii: ",")) }
        guard pretty else { return }
        buffer.appendByte(UInt8(ascii: "\n"))
        buffer.appendByte(UInt8(ascii: " "), repeated: 2 * depth)
    }

    /// Before a value: after a key nothing; in an array a comma and a new line.
    @inline(__always)
    private mutating func beforeValue() {
        if afterKey {
            afterKey = false
            return
        }
        beforeElement()
    }

    @inline(__always)
    private mutating func beforeElement() {
        guard depth > 0 else { return }
        separate(comma: innermostHasElement, depth: depth)
        innermostHasElement = true
    }

    private mutating func open(_ bracket: UInt8) {
        buffer.makeUnique()
        beforeValue()
        buffer.appendByte(bracket)
        if depth < 64 {
            let bit: UInt64 = 1 << UInt64(depth)
            enclosingHaveElements = innermostHasElement ? enclosingHaveElements | bit : enclosingHaveElements & ~bit
        } else {
            deepHaveElements.append(innermostHasElement)
        }
        innermostHasElement = false
        depth += 1
    }

    private mutating func close(_ bracket: UInt8) {
        buffer.makeUnique()
        let hadElements = innermostHasElement
        if depth > 0 {
            depth -= 1
            if depth < 64 {
                innermostHasElement = enclosingHaveElements & (1 << UInt64(depth)) != 0
            } else {
                innermostHasElement = deepHaveElements.popLast() ?? false
            }
        }
        if hadElements { separate(comma: false, depth: depth) }
        buffer.appendByte(bracket)
        if flush != nil, buffer.count >= chunkSize { flushChunk() }
    }

    /// Opens an object.
    public mutating func beginObject() { open(UInt8(ascii: "{")) }

    /// Closes the innermost object.
    public mutating func endObject() { close(UInt8(ascii: "}")) }

    /// Opens an array.
    public mutating func beginArray() { open(UInt8(ascii: "[")) }

    /// Closes the innermost array.
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// The colon after a key, and the space after it when pretty.
    @inline(__always)
    private mutating func colon() {
        buffer.appendByte(UInt8(ascii: ":"))
        if pretty { buffer.appendByte(UInt8(ascii: " ")) }
        afterKey = true
    }

    /// The key of the next value in the innermost object.
    public mutating func key(_ key: String) {
        buffer.makeUnique()
        beforeElement()
        JSONWriter.escape(key, into: &buffer)
        colon()
    }

    /// A key fixed in the program text, copied as it is: the program's own key literals need
    /// no escaping (checked in debug builds), and a key is written on most lines of a body.
    public mutating func key(literal key: StaticString) {
        buffer.makeUnique()
        beforeElement()
        key.withUTF8Buffer { text in
            assert(
                text.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") },
                "a literal key must need no escaping")
            buffer.appendQuoted(text)
        }
        colon()
    }

    /// A string value.
    public mutating func string(_ value: String) {
        buffer.makeUnique()
        beforeValue()
        JSONWriter.escape(value, into: &buffer)
    }

    /// A string value whose JSON text was made before: copied.
    public mutating func string(_ value: PreparedJSONString) {
        buffer.makeUnique()
        beforeValue()
        value.text.withUnsafeBufferPointer { buffer.appendBytes($0) }
    }

    /// A number, boolean or null: its text as it is.
    private mutating func appendScalar(_ text: String) {
        buffer.makeUnique()
        beforeValue()
        var text = text
        text.withUTF8 { buffer.appendBytes($0) }
    }

    /// An integer value.
    public mutating func int(_ value: Int) {
        appendScalar(String(value))
    }

    /// A floating-point value.
    public mutating func double(_ value: Double) {
        appendScalar(value.isFinite ? String(value) : "null")
    }

    /// `true` or `false`.
    public mutating func bool(_ value: Bool) {
        appendScalar(value ? "true" : "false")
    }

    /// `null`.
    public mutating func null() {
        appendScalar("null")
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
