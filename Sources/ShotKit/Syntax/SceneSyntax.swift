/// A value with the span it was written at.
public struct Located<Value: Sendable>: Sendable {
    /// The value.
    public var value: Value
    /// Where it was written.
    public var span: SourceSpan

    /// `value`, written at `span`.
    public init(_ value: Value, at span: SourceSpan) {
        self.value = value
        self.span = span
    }
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}

/// Which surface syntax a file was written in.
public enum SurfaceSyntax: String, Sendable {
    /// The `.shot` syntax (spec section 4).
    case shot
    /// YAML (spec section 5).
    case yaml
}

/// The syntax tree of one scene file. Both front ends produce it; every later phase reads
/// only this. It keeps what a formatter needs: order, spans and comments.
public struct SceneSyntax: Sendable {
    /// The file the tree was parsed from.
    public var file: FileID
    /// The syntax it was written in.
    public var surface: SurfaceSyntax
    /// The top-level items in file order.
    public var items: [TopLevelSyntax]
    /// Comments, in file order (the `.shot` front end keeps them; the YAML front end recovers
    /// them, since libyaml reports none).
    public var comments: [CommentSyntax]

    /// A tree of `items`.
    public init(
        file: FileID, surface: SurfaceSyntax, items: [TopLevelSyntax] = [],
        comments: [CommentSyntax] = []
    ) {
        self.file = file
        self.surface = surface
        self.items = items
        self.comments = comments
    }

    /// The `import` items.
    public var imports: [ImportSyntax] {
        items.compactMap { if case .importFile(let item) = $0 { item } else { nil } }
    }
    /// The scene-level settings.
    public var settings: [SettingSyntax] {
        items.compactMap { if case .setting(let item) = $0 { item } else { nil } }
    }
    /// The reference declarations.
    public var declarations: [DeclarationSyntax] {
        items.compactMap { if case .declaration(let item) = $0 { item } else { nil } }
    }
    /// The shots, in file order.
    public var shots: [ShotSyntax] {
        items.compactMap { if case .shot(let item) = $0 { item } else { nil } }
    }
}

/// One top-level item.
public enum TopLevelSyntax: Sendable {
    /// `import "cast.shot"` / one entry of `import: [...]`.
    case importFile(ImportSyntax)
    /// `model`, `duration` or `aspect` at scene level.
    case setting(SettingSyntax)
    /// A character, prop, image or style.
    case declaration(DeclarationSyntax)
    /// A shot.
    case shot(ShotSyntax)
}

/// `import "cast.shot"`.
public struct ImportSyntax: Sendable {
    /// The path as written (unquoted), relative to the importing file.
    public var path: Located<String>
    /// The whole item.
    public var span: SourceSpan

    /// An import of `path`.
    public init(path: Located<String>, span: SourceSpan) {
        self.path = path
        self.span = span
    }
}

/// The scene-level settings.
public enum SettingKey: String, Sendable, CaseIterable {
    /// `model standard|pro`.
    case model
    /// `duration 5s`.
    case duration
    /// `aspect 16:9`.
    case aspect
}

/// `duration 5s` and the like.
public struct SettingSyntax: Sendable {
    /// Which setting, at the keyword (or YAML key).
    public var key: Located<SettingKey>
    /// The value as written (`5s`, `16:9`, `pro`); checked by semantics, not the parser.
    public var value: Located<String>
    /// The whole item.
    public var span: SourceSpan

    /// A setting of `key` to `value`.
    public init(key: Located<SettingKey>, value: Located<String>, span: SourceSpan) {
        self.key = key
        self.value = value
        self.span = span
    }
}

/// The four kinds of reference.
public enum DeclarationKind: String, Sendable, CaseIterable {
    /// A character: an element.
    case character
    /// A prop: an element.
    case prop
    /// An image: an entry of `image_urls`.
    case image
    /// A style: an entry of `image_urls`.
    case style

    /// Whether it becomes an element (`@ElementN`) rather than an image (`@ImageN`).
    public var isElement: Bool { self == .character || self == .prop }

    /// The YAML section that declares this kind (`characters`, ...).
    public var yamlSection: String { rawValue + "s" }
}

/// A character, prop, image or style.
public struct DeclarationSyntax: Sendable {
    /// Its kind.
    public var kind: DeclarationKind
    /// The keyword (`.shot`) or the YAML section key it was declared under.
    public var keywordSpan: SourceSpan
    /// Its name.
    public var name: Located<String>
    /// The image of an image or style, written on the declaration's line (or as the YAML value).
    public var image: Located<String>?
    /// The fields of a character or prop (`front`, `refs`, `note`), in file order.
    public var fields: [FieldSyntax]
    /// The whole declaration, fields included.
    public var span: SourceSpan
    /// Whether the front end reported an error inside the declaration and recovered: what
    /// is missing from it was reported already, and is not reported again.
    public var recovered = false
    /// The spans of its values (the image, field values) that hold an error the front end
    /// reported: such a value is not checked further.
    public var recoveredValues: Set<SourceSpan> = []

    /// A declaration; `image` for images and styles, `fields` for characters and props.
    public init(
        kind: DeclarationKind, keywordSpan: SourceSpan, name: Located<String>,
        image: Located<String>? = nil, fields: [FieldSyntax] = [], span: SourceSpan
    ) {
        self.kind = kind
        self.keywordSpan = keywordSpan
        self.name = name
        self.image = image
        self.fields = fields
        self.span = span
    }

    /// The first field called `key`.
    public func field(_ key: String) -> FieldSyntax? { fields.first { $0.key.value == key } }

    /// Marks what holds an error reported in `diagnostics`: the front end that builds the
    /// declaration calls it once every error inside the declaration has been reported.
    mutating func markRecovered(from diagnostics: DiagnosticBag) {
        guard diagnostics.errorCount > 0 else { return }
        recovered = diagnostics.hasError(in: span)
        guard recovered else { return }
        for value in [image].compactMap({ $0 }) + fields.flatMap(\.values)
        where diagnostics.hasError(in: value.span) {
            recoveredValues.insert(value.span)
        }
    }
}

/// One field of a character or prop: `front a.png`, `refs a.png, b.png`, `note free text`.
///
/// The front ends accept any key and report the unknown ones (`.shot`: error E0007; YAML:
/// warning W0002); only `front`, `refs` and `note` reach this type.
public struct FieldSyntax: Sendable {
    /// The field's key.
    public var key: Located<String>
    /// Its values: one for `front` and `note`, one or more for `refs`.
    public var values: [Located<String>]
    /// The whole field.
    public var span: SourceSpan

    /// A field `key` with `values`.
    public init(key: Located<String>, values: [Located<String>], span: SourceSpan) {
        self.key = key
        self.values = values
        self.span = span
    }
}

/// A shot: a name, optional duration and aspect, and prose.
public struct ShotSyntax: Sendable {
    /// Its name.
    public var name: Located<String>
    /// Its duration as written (`5s`, `8`), if it sets one.
    public var duration: Located<String>?
    /// Its aspect ratio as written, if it sets one.
    public var aspect: Located<String>?
    /// The prose, joined as the spec says.
    public var prose: ProseSyntax
    /// The whole shot, prose included.
    public var span: SourceSpan

    /// A shot.
    public init(
        name: Located<String>, duration: Located<String>? = nil, aspect: Located<String>? = nil,
        prose: ProseSyntax, span: SourceSpan
    ) {
        self.name = name
        self.duration = duration
        self.aspect = aspect
        self.prose = prose
        self.span = span
    }
}

/// The prose of a shot: its joined text, and a map from that text back to the source.
///
/// The text is built from pieces that were copied byte for byte from the source (a line of
/// a `.shot` body, a run of a YAML scalar); the separators the front end inserted (a space
/// between lines, `"\n\n"` between paragraphs) belong to no piece.
public struct ProseSyntax: Sendable {
    /// One run of text copied from the source.
    public struct Piece: Hashable, Sendable {
        /// The offset of the run in ``ProseSyntax/text``'s UTF-8.
        public var textOffset: Int
        /// The offset of the run in the source file.
        public var sourceOffset: Int
        /// Its length in bytes.
        public var length: Int

        /// A run of `length` bytes.
        public init(textOffset: Int, sourceOffset: Int, length: Int) {
            self.textOffset = textOffset
            self.sourceOffset = sourceOffset
            self.length = length
        }
    }

    /// The joined prose.
    public var text: String
    /// The runs, in text order.
    public var pieces: [Piece]
    /// The whole body in the source (where an empty body would be).
    public var span: SourceSpan

    /// Prose `text` built from `pieces`.
    public init(text: String, pieces: [Piece], span: SourceSpan) {
        self.text = text
        self.pieces = pieces
        self.span = span
    }

    /// The source span of the UTF-8 range `range` of ``text``: exact when the range lies in
    /// one piece, otherwise from the start of the first byte's piece to the end of the last's.
    public func sourceSpan(ofTextRange range: Range<Int>) -> SourceSpan {
        func sourceOffset(_ textOffset: Int, end: Bool) -> Int? {
            // The last piece that starts at or before the offset.
            var low = 0
            var high = pieces.count - 1
            var found: Int? = nil
            while low <= high {
                let mid = (low + high) / 2
                if pieces[mid].textOffset <= textOffset {
                    found = mid
                    low = mid + 1
                } else {
                    high = mid - 1
                }
            }
            guard let index = found else { return nil }
            let piece = pieces[index]
            let delta = min(textOffset - piece.textOffset, piece.length)
            if end, delta == 0, index > 0 {
                let previous = pieces[index - 1]
                return previous.sourceOffset + previous.length
            }
            return piece.sourceOffset + delta
        }
        guard let start = sourceOffset(range.lowerBound, end: false),
            let end = sourceOffset(range.upperBound, end: true)
        else { return span }
        return SourceSpan(file: span.file, start: start, end: max(start, end))
    }
}

/// A comment: `# ...` in `.shot`, from the `#` to the end of the line.
public struct CommentSyntax: Sendable {
    /// The comment's text, `#` included.
    public var text: String
    /// Where it stands.
    public var span: SourceSpan

    /// A comment `text` at `span`.
    public init(text: String, span: SourceSpan) {
        self.text = text
        self.span = span
    }
}
