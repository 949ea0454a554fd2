/// A scalar as written: its value is kept as text, never resolved to a number or a boolean.
public struct YAMLScalar: Sendable {
    /// The value as libyaml gives it (quotes removed, escapes and folding applied).
    public var value: String
    /// How it was written.
    public var style: YAMLScalarStyle
    /// Its explicit tag, if any (`tag:yaml.org,2002:int` for `!!int`); shotc ignores tags.
    public var tag: String?
    /// Where it was written (for an alias, where the anchored scalar was written).
    public var span: SourceSpan

    /// A scalar `value`.
    public init(value: String, style: YAMLScalarStyle, tag: String? = nil, span: SourceSpan) {
        self.value = value
        self.style = style
        self.tag = tag
        self.span = span
    }

    /// Whether the scalar is YAML's null: a plain empty value, `~` or `null` (any of
    /// `null`, `Null`, `NULL`), with no tag other than `!!null`.
    public var isNull: Bool {
        YAMLDocument.isNull(value: value, style: style, tag: tag)
    }
}

/// A node of a ``YAMLDocument``.
public struct YAMLNodeID: Hashable, Sendable {
    /// The node's index in its document.
    public let index: Int32
}

/// One entry of a mapping: the ids of its key and its value as written (an alias is
/// resolved by the document's accessors).
public struct YAMLPair: Hashable, Sendable {
    /// The key.
    public var key: YAMLNodeID
    /// The value.
    public var value: YAMLNodeID
}

/// A YAML document with spans, stored flat: a record per node, the children of sequences
/// and mappings in one array, the bytes of scalar values in another (a String is made only
/// when a value is asked for, so that keys and values the tree does not keep cost no String,
/// and the document frees as three arrays, not one String per scalar). An alias is a node that refers to
/// the anchored node; the accessors follow it, so an alias behaves as the node it names
/// (and costs nothing to expand), while ``writtenSpan(of:)`` still gives the `*name` itself.
public struct YAMLDocument: Sendable {
    /// What a node is, after following aliases.
    public enum Kind: UInt8, Sendable {
        /// A scalar.
        case scalar
        /// A sequence: `[a, b]` or block `- a`.
        case sequence
        /// A mapping: `{a: b}` or block `a: b`, pairs in file order, duplicate keys removed.
        case mapping
        /// `*name`; only ``writtenKind(of:)`` reports it.
        case alias
    }

    struct Record {
        var kind: Kind
        var style: YAMLScalarStyle
        var start: Int
        var end: Int
        /// A scalar's index in `values`; a collection's first index in `children`; an
        /// alias's target node.
        var first: Int32
        /// The number of entries of a collection in `children` (two per pair).
        var count: Int32
        /// A scalar's index in `tags`, or -1.
        var tag: Int32
    }

    /// The file the spans point into.
    public let file: FileID
    var records: [Record] = []
    /// The values of the scalars, one after another, as libyaml gives them (UTF-8).
    var text: [UInt8] = []
    /// Each scalar's value: its range in `text`.
    var values: [Range<Int>] = []
    var children: [Int32] = []
    /// The explicit tags of scalars; almost every scalar has none.
    var tags: [String] = []
    /// The root node; nil for an empty stream.
    public internal(set) var root: YAMLNodeID? = nil

    init(file: FileID) {
        self.file = file
    }

    /// The node an alias names, or `id` itself.
    public func resolved(_ id: YAMLNodeID) -> YAMLNodeID {
        let record = records[Int(id.index)]
        return record.kind == .alias ? YAMLNodeID(index: record.first) : id
    }

    /// The kind of the node, an alias followed.
    public func kind(of id: YAMLNodeID) -> Kind {
        records[Int(resolved(id).index)].kind
    }

    /// The kind of the node as written (``Kind/alias`` for `*name`).
    public func writtenKind(of id: YAMLNodeID) -> Kind {
        records[Int(id.index)].kind
    }

    /// Where the node is written: the `*name` of an alias, otherwise the node's span.
    public func writtenSpan(of id: YAMLNodeID) -> SourceSpan {
        let record = records[Int(id.index)]
        return SourceSpan(file: file, start: record.start, end: record.end)
    }

    /// The span of the node, an alias followed (where the anchored node is written).
    public func span(of id: YAMLNodeID) -> SourceSpan {
        writtenSpan(of: resolved(id))
    }

    /// The scalar, an alias followed; nil for a sequence or mapping.
    public func scalar(_ id: YAMLNodeID) -> YAMLScalar? {
        let target = resolved(id)
        let record = records[Int(target.index)]
        guard record.kind == .scalar else { return nil }
        return YAMLScalar(
            value: string(ofValue: record.first), style: record.style,
            tag: record.tag < 0 ? nil : tags[Int(record.tag)],
            span: SourceSpan(file: file, start: record.start, end: record.end))
    }

    /// The index in `values` of a scalar's value (an alias followed), nil for a sequence or
    /// mapping: for checks of known keys that need no String.
    func valueIndex(of id: YAMLNodeID) -> Int32? {
        let record = records[Int(resolved(id).index)]
        return record.kind == .scalar ? record.first : nil
    }

    /// The value at `index` in `values`, made into a String.
    func string(ofValue index: Int32) -> String {
        let range = values[Int(index)]
        return text.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self)
        }
    }

    /// Whether the value at `index` in `values` equals the ASCII text `literal` as Strings
    /// do (`==`), without making a String when the value is ASCII: an ASCII text equals
    /// another text only when their bytes are equal.
    func value(_ index: Int32, is literal: StaticString) -> Bool {
        let range = values[Int(index)]
        return text.withUnsafeBufferPointer { bytes in
            let value = UnsafeBufferPointer(rebasing: bytes[range])
            // Texts whose first characters are different ASCII characters differ (an ASCII
            // character is its own canonical form and stays first): the common answer, at once.
            if let first = value.first, first < 0x80, first != literal.utf8Start.pointee { return false }
            guard value.allSatisfy({ $0 < 0x80 }) else {
                return String(decoding: value, as: UTF8.self) == literal.description
            }
            return value.elementsEqual(
                UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }
    }

    /// Whether the values at `index` and `other` in `values` are equal Strings (`==`),
    /// without making Strings when both are ASCII (equal then only when their bytes are).
    func value(_ index: Int32, equals other: Int32) -> Bool {
        let first = values[Int(index)]
        let second = values[Int(other)]
        return text.withUnsafeBufferPointer { bytes in
            let a = UnsafeBufferPointer(rebasing: bytes[first])
            let b = UnsafeBufferPointer(rebasing: bytes[second])
            if a.elementsEqual(b) { return true }
            // Texts whose first characters are different ASCII characters differ.
            if let x = a.first, let y = b.first, x < 0x80, y < 0x80, x != y { return false }
            if a.allSatisfy({ $0 < 0x80 }) && b.allSatisfy({ $0 < 0x80 }) { return false }
            return String(decoding: a, as: UTF8.self) == String(decoding: b, as: UTF8.self)
        }
    }

    /// Whether the node is a null scalar.
    public func isNull(_ id: YAMLNodeID) -> Bool {
        let target = resolved(id)
        let record = records[Int(target.index)]
        guard record.kind == .scalar, record.style == .plain else { return false }
        if let tag = record.tag < 0 ? nil : tags[Int(record.tag)], tag != "tag:yaml.org,2002:null" {
            return false
        }
        // The spellings of ``isNull(value:style:tag:)``, compared as bytes: no other text, in
        // any encoding of it, equals one of them.
        let value = record.first
        let range = values[Int(value)]
        guard range.count <= 4 else { return false }
        if let first = range.first.map({ text[$0] }), first != UInt8(ascii: "~"),
            first != UInt8(ascii: "n"), first != UInt8(ascii: "N")
        {
            return false
        }
        return range.isEmpty || self.value(value, is: "~") || self.value(value, is: "null")
            || self.value(value, is: "Null") || self.value(value, is: "NULL")
    }

    /// The items of a sequence, an alias followed; empty for other nodes.
    public func items(of id: YAMLNodeID) -> [YAMLNodeID] {
        let record = records[Int(resolved(id).index)]
        guard record.kind == .sequence else { return [] }
        let first = Int(record.first)
        return children[first..<first + Int(record.count)].map { YAMLNodeID(index: $0) }
    }

    /// The number of pairs of a mapping, an alias followed; 0 for other nodes.
    public func pairCount(of id: YAMLNodeID) -> Int {
        let record = records[Int(resolved(id).index)]
        return record.kind == .mapping ? Int(record.count) / 2 : 0
    }

    /// The pair at `index` of the mapping `id` (an alias followed), in file order.
    public func pair(_ index: Int, of id: YAMLNodeID) -> YAMLPair {
        let record = records[Int(resolved(id).index)]
        let first = Int(record.first) + 2 * index
        return YAMLPair(
            key: YAMLNodeID(index: children[first]), value: YAMLNodeID(index: children[first + 1]))
    }

    /// The pairs of a mapping, an alias followed; empty for other nodes.
    public func pairs(of id: YAMLNodeID) -> [YAMLPair] {
        (0..<pairCount(of: id)).map { pair($0, of: id) }
    }

    /// From the key as written to the value as written.
    public func span(of pair: YAMLPair) -> SourceSpan {
        writtenSpan(of: pair.key).union(writtenSpan(of: pair.value))
    }

    /// The node's kind with an article, for messages: `a list`, `a mapping`, `a scalar`,
    /// `nothing` for null.
    public func kindDescription(of id: YAMLNodeID) -> String {
        switch kind(of: id) {
        case .scalar, .alias: isNull(id) ? "nothing" : "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    static func isNull(value: String, style: YAMLScalarStyle, tag: String?) -> Bool {
        // Every null spelling is empty or has at most four bytes and starts with `~`, `n` or
        // `N` (no other text equals one of them): other values are rejected at once, without
        // comparing Strings.
        guard style == .plain, value.utf8.count <= 4 else { return false }
        if let first = value.utf8.first, first != UInt8(ascii: "~"), first != UInt8(ascii: "n"),
            first != UInt8(ascii: "N")
        {
            return false
        }
        if let tag, tag != "tag:yaml.org,2002:null" { return false }
        switch value {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }
}
