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
        guard style == .plain else { return false }
        if let tag, tag != "tag:yaml.org,2002:null" { return false }
        switch value {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }
}

/// A sequence: `[a, b]` or block `- a`.
public struct YAMLSequence: Sendable {
    /// The items in order.
    public var items: [YAMLNode]
    /// The whole sequence.
    public var span: SourceSpan

    /// A sequence of `items`.
    public init(items: [YAMLNode], span: SourceSpan) {
        self.items = items
        self.span = span
    }
}

/// One entry of a mapping.
public struct YAMLPair: Sendable {
    /// The key.
    public var key: YAMLNode
    /// The value (an alias already expanded).
    public var value: YAMLNode
    /// Where the value is written in this mapping: the `*name` of an alias, otherwise the
    /// value's own span.
    public var valueSpan: SourceSpan

    /// The pair `key: value`.
    public init(key: YAMLNode, value: YAMLNode, valueSpan: SourceSpan) {
        self.key = key
        self.value = value
        self.valueSpan = valueSpan
    }

    /// From the key to the end of the value as written here.
    public var span: SourceSpan { key.span.union(valueSpan) }
}

/// A mapping: `{a: b}` or block `a: b`; its pairs in file order, duplicate keys removed.
public struct YAMLMapping: Sendable {
    /// The pairs in file order.
    public var pairs: [YAMLPair]
    /// The whole mapping.
    public var span: SourceSpan

    /// A mapping of `pairs`.
    public init(pairs: [YAMLPair], span: SourceSpan) {
        self.pairs = pairs
        self.span = span
    }
}

/// A YAML node with its span; aliases are expanded to the node they name.
public enum YAMLNode: Sendable {
    /// A scalar.
    case scalar(YAMLScalar)
    /// A sequence.
    case sequence(YAMLSequence)
    /// A mapping.
    case mapping(YAMLMapping)

    /// Where the node was written.
    public var span: SourceSpan {
        switch self {
        case .scalar(let scalar): scalar.span
        case .sequence(let sequence): sequence.span
        case .mapping(let mapping): mapping.span
        }
    }

    /// Whether the node is a null scalar.
    public var isNull: Bool {
        if case .scalar(let scalar) = self { return scalar.isNull }
        return false
    }

    /// The node's kind with an article, for messages: `a list`, `a mapping`, `a scalar`.
    public var kindDescription: String {
        switch self {
        case .scalar(let scalar): scalar.isNull ? "nothing" : "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}
