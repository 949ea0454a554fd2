/// A JSON value whose objects keep their keys in the order given, so output is deterministic
/// and matches the field order the spec prescribes.
public enum JSONValue: Hashable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer.
    case int(Int)
    /// A number with a fraction or exponent, or an integer too large for `Int` (read from fal's
    /// replies; shotc never writes one).
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, keys in this order.
    case object([(String, JSONValue)])

    /// Whether the two are equal.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.bytes(pretty: false) == rhs.bytes(pretty: false)
    }

    /// Hashes the value.
    public func hash(into hasher: inout Hasher) { hasher.combine(bytes(pretty: false)) }

    /// The value of `key` in an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.0 == key }?.1
    }

    /// The JSON text: compact, or indented by two spaces per level. No trailing line feed.
    public func rendered(pretty: Bool) -> String {
        String(decoding: bytes(pretty: pretty), as: UTF8.self)
    }

    /// The JSON text as UTF-8 bytes, as ``rendered(pretty:)`` but without making a String.
    public func bytes(pretty: Bool) -> [UInt8] {
        var writer = JSONWriter(pretty: pretty)
        emit(into: &writer)
        return writer.bytes
    }

    /// Sends the value to `sink`, event by event.
    public func emit<Sink: JSONSink>(into sink: inout Sink) {
        switch self {
        case .null: sink.null()
        case .bool(let value): sink.bool(value)
        case .int(let value): sink.int(value)
        case .double(let value): sink.double(value)
        case .string(let value): sink.string(value)
        case .array(let items):
            sink.beginArray()
            for item in items { item.emit(into: &sink) }
            sink.endArray()
        case .object(let fields):
            sink.beginObject()
            for (key, value) in fields {
                sink.key(key)
                value.emit(into: &sink)
            }
            sink.endObject()
        }
    }
}
