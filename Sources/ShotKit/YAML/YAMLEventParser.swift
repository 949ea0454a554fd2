import CYaml

/// How a scalar was written.
public enum YAMLScalarStyle: Sendable, Hashable {
    /// `value`
    case plain
    /// `'value'`
    case singleQuoted
    /// `"value"`
    case doubleQuoted
    /// `|` block
    case literal
    /// `>` block
    case folded
}

/// One libyaml event, its marks turned into a byte-offset span. A scalar's value, tag and
/// anchor and an alias's name are read from the parser while the event is current (see
/// ``YAMLEventParser/scalarValue``), so that no String is made for a value unless it is kept.
struct YAMLEvent {
    /// What happened.
    enum Kind {
        /// The stream begins.
        case streamStart
        /// The stream ends; no event follows.
        case streamEnd
        /// A document begins (`---`, or implicitly).
        case documentStart
        /// A document ends.
        case documentEnd
        /// `*name`; the name is ``YAMLEventParser/aliasName``.
        case alias
        /// A scalar; its value as libyaml gives it (folded, unescaped) is
        /// ``YAMLEventParser/scalarValue``.
        case scalar(style: YAMLScalarStyle)
        /// `[` or a block sequence begins.
        case sequenceStart
        /// The innermost sequence ends.
        case sequenceEnd
        /// `{` or a block mapping begins.
        case mappingStart
        /// The innermost mapping ends.
        case mappingEnd
    }

    /// What happened.
    var kind: Kind
    /// From libyaml's start mark to its end mark, in bytes of the file.
    var span: SourceSpan
}

/// A syntax error libyaml reported, with its own text and positions.
struct YAMLSyntaxError: Error {
    /// Which stage of libyaml failed.
    enum Stage {
        /// Decoding the input (invalid UTF-8, control characters).
        case reader
        /// Tokenizing.
        case scanner
        /// Building events from tokens.
        case parser
        /// libyaml could not allocate memory.
        case memory
    }

    /// Which stage of libyaml failed.
    var stage: Stage
    /// libyaml's `problem`, such as `mapping values are not allowed in this context`.
    var problem: String
    /// Where the problem is.
    var span: SourceSpan
    /// libyaml's `context`, such as `while parsing a block mapping`, if any.
    var context: String?
    /// Where the context starts, if libyaml gave a context.
    var contextSpan: SourceSpan?
}

/// Owns a libyaml parser fed from one file's bytes and hands out its events with byte-offset
/// spans.
///
/// libyaml does not copy its input, so the parser keeps its own copy of the bytes alive for as
/// long as libyaml reads them. A leading byte-order mark is skipped here: libyaml 0.2.5, told
/// the encoding is UTF-8, counts a BOM as a column of the first line and misreads indentation.
final class YAMLEventParser {
    private let file: FileID
    /// The parser, allocated once and freed in `deinit`.
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    /// The current event, owned by libyaml until it is deleted by the next call of `next()`
    /// (or `deinit`): its value, tag and anchor are read in place.
    private let event: UnsafeMutablePointer<yaml_event_t>
    /// Whether `event` holds an event not yet deleted.
    private var holdsEvent = false
    /// The bytes libyaml reads (the file without its BOM); owned by this object.
    private let input: UnsafeMutableBufferPointer<UInt8>
    /// Whether `yaml_parser_initialize` succeeded (it fails only when out of memory).
    private let initialized: Bool
    /// Turns libyaml's marks (counted in code points) into byte offsets.
    private var marks: MarkConverter
    /// Set once `streamEnd` or an error has been returned.
    private var finished = false

    /// A parser over `file`'s bytes.
    init(_ file: SourceFile) {
        self.file = file.id
        let bytes = file.bytes
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let count = bytes.count - bom
        let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(1, count))
        if count > 0 {
            _ = bytes.withUnsafeBufferPointer { source in
                input.initialize(fromContentsOf: UnsafeBufferPointer(rebasing: source[bom...]))
            }
        } else {
            input.initialize(repeating: 0)
        }
        self.input = input
        parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        marks = MarkConverter(
            input: UnsafeBufferPointer(start: input.baseAddress, count: count), base: bom)
        initialized = yaml_parser_initialize(parser) != 0
        if initialized {
            yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(parser, input.baseAddress, count)
        }
    }

    deinit {
        if holdsEvent { yaml_event_delete(event) }
        if initialized { yaml_parser_delete(parser) }
        parser.deallocate()
        event.deallocate()
        input.deallocate()
    }

    /// The next event; after `streamEnd` or an error, throws a parser error saying so.
    func next() throws(YAMLSyntaxError) -> YAMLEvent {
        guard initialized, !finished else {
            finished = true
            throw YAMLSyntaxError(
                stage: initialized ? .parser : .memory,
                problem: initialized ? "no more events" : "out of memory", span: emptySpan(0))
        }
        if holdsEvent {
            yaml_event_delete(event)
            holdsEvent = false
        }
        guard yaml_parser_parse(parser, event) != 0 else {
            finished = true
            throw currentError()
        }
        holdsEvent = true
        let start = marks.offset(ofCodePoint: event.pointee.start_mark.index)
        let end = marks.offset(ofCodePoint: event.pointee.end_mark.index)
        let span = SourceSpan(file: file, start: start, end: end)
        let kind: YAMLEvent.Kind
        switch event.pointee.type {
        case YAML_STREAM_START_EVENT:
            kind = .streamStart
        case YAML_STREAM_END_EVENT:
            finished = true
            kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT:
            kind = .documentStart
        case YAML_DOCUMENT_END_EVENT:
            kind = .documentEnd
        case YAML_ALIAS_EVENT:
            kind = .alias
        case YAML_SCALAR_EVENT:
            kind = .scalar(style: Self.style(event.pointee.data.scalar.style))
        case YAML_SEQUENCE_START_EVENT:
            kind = .sequenceStart
        case YAML_SEQUENCE_END_EVENT:
            kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            kind = .mappingStart
        case YAML_MAPPING_END_EVENT:
            kind = .mappingEnd
        default:
            // YAML_NO_EVENT: libyaml reports success without an event only after the end.
            finished = true
            kind = .streamEnd
        }
        return YAMLEvent(kind: kind, span: span)
    }

    /// The value of the current scalar event, as libyaml gives it (folded, unescaped); valid
    /// until the next call of `next()`. Empty for other events.
    var scalarValue: UnsafeBufferPointer<UInt8> {
        guard holdsEvent, event.pointee.type == YAML_SCALAR_EVENT,
            let bytes = event.pointee.data.scalar.value
        else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: bytes, count: event.pointee.data.scalar.length)
    }

    /// The explicit tag of the current scalar event, if any.
    var scalarTag: String? {
        guard holdsEvent, event.pointee.type == YAML_SCALAR_EVENT else { return nil }
        return Self.string(event.pointee.data.scalar.tag)
    }

    /// Whether the current scalar event has an anchor or a tag (its span then starts at them).
    var scalarHasProperties: Bool {
        guard holdsEvent, event.pointee.type == YAML_SCALAR_EVENT else { return false }
        return event.pointee.data.scalar.tag != nil || event.pointee.data.scalar.anchor != nil
    }

    /// The anchor of the current scalar, sequence or mapping start event, if any.
    var anchor: String? {
        guard holdsEvent else { return nil }
        let data = event.pointee.data
        switch event.pointee.type {
        case YAML_SCALAR_EVENT: return Self.string(data.scalar.anchor)
        case YAML_SEQUENCE_START_EVENT: return Self.string(data.sequence_start.anchor)
        case YAML_MAPPING_START_EVENT: return Self.string(data.mapping_start.anchor)
        default: return nil
        }
    }

    /// The name of the current alias event (`name` for `*name`).
    var aliasName: String {
        guard holdsEvent, event.pointee.type == YAML_ALIAS_EVENT else { return "" }
        return Self.string(event.pointee.data.alias.anchor) ?? ""
    }

    /// libyaml's error, its marks turned into spans.
    private func currentError() -> YAMLSyntaxError {
        let p = parser.pointee
        let problem = Self.text(p.problem) ?? "unknown YAML error"
        switch p.error {
        case YAML_READER_ERROR:
            // The reader reports a byte offset into its input, not a mark.
            let offset = marks.base + min(p.problem_offset, marks.input.count)
            return YAMLSyntaxError(stage: .reader, problem: problem, span: byteSpan(offset))
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
            let offset = marks.offset(ofCodePoint: p.problem_mark.index)
            var context: String? = nil
            var contextSpan: SourceSpan? = nil
            if let text = Self.text(p.context) {
                context = text
                contextSpan = emptySpan(marks.offset(ofCodePoint: p.context_mark.index))
            }
            return YAMLSyntaxError(
                stage: p.error == YAML_SCANNER_ERROR ? .scanner : .parser, problem: problem,
                span: codePointSpan(offset), context: context, contextSpan: contextSpan)
        default:
            return YAMLSyntaxError(stage: .memory, problem: problem, span: emptySpan(0))
        }
    }

    private func emptySpan(_ offset: Int) -> SourceSpan {
        SourceSpan(file: file, start: offset, end: offset)
    }

    /// One byte at `offset`, or an empty span at the end of the file.
    private func byteSpan(_ offset: Int) -> SourceSpan {
        SourceSpan(file: file, start: offset, end: min(offset + 1, marks.base + marks.input.count))
    }

    /// The code point at `offset`, or an empty span at the end of the file.
    private func codePointSpan(_ offset: Int) -> SourceSpan {
        let local = offset - marks.base
        guard local >= 0, local < marks.input.count else { return emptySpan(offset) }
        let width = MarkConverter.width(ofLeadByte: marks.input[local])
        return SourceSpan(
            file: file, start: offset, end: min(offset + width, marks.base + marks.input.count))
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }

    /// A NUL-terminated libyaml string (`yaml_char_t *`), if present.
    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// A NUL-terminated C string (libyaml's `problem` and `context`), if present.
    private static func text(_ pointer: UnsafePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
