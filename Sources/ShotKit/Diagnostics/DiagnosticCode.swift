/// A stable diagnostic code. Every code lives in the one registry below (``all``): tools,
/// golden tests and `shotc explain` read it from there.
///
/// Ranges: `E00xx` syntax of either surface, `E01xx` names and mentions, `E02xx` values and
/// shot rules, `E03xx` images, `E04xx` files and imports; `W0xxx` warnings.
public struct DiagnosticCode: Hashable, Sendable, CustomStringConvertible {
    /// The code as printed, such as `E0101`.
    public let id: String
    /// The severity diagnostics of this code have unless promoted.
    public let severity: Severity
    /// A short title, as in `shotc explain` listings.
    public let title: String
    /// The long explanation for `shotc explain`, with an example.
    public let explanation: String

    init(_ id: String, _ severity: Severity, _ title: String, _ explanation: String) {
        self.id = id
        self.severity = severity
        self.title = title
        self.explanation = explanation
    }

    /// A description for people.
    public var description: String { id }

    /// Whether the two are equal.
    public static func == (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.id == rhs.id }
    /// Hashes the value.
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// The code with the printed `id`, if it exists.
    public static func named(_ id: String) -> DiagnosticCode? {
        all.first { $0.id.lowercased() == id.lowercased() }
    }
}

// MARK: - The registry

extension DiagnosticCode {
    // MARK: Syntax (E00xx)

    /// A file that is not valid UTF-8.
    public static let invalidUTF8 = DiagnosticCode(
        "E0001", .error, "invalid UTF-8",
        """
        Scene files are UTF-8. A byte sequence that is not valid UTF-8 was found; the
        position points at its first byte. Re-save the file as UTF-8 in your editor.
        """)
    /// A tab in the indentation of a `.shot` or YAML line.
    public static let tabIndentation = DiagnosticCode(
        "E0002", .error, "tab in indentation",
        """
        Indentation in `.shot` files decides which lines belong to a block, and a tab has no
        agreed width, so tabs are not allowed in indentation; YAML forbids them too. Indent
        with spaces:

            character mara
              front mara.png      # two spaces, not a tab

        `shotc check --fix` replaces each tab of the indentation with two spaces.
        """)
    /// A quoted value with no closing quote on its line.
    public static let unterminatedString = DiagnosticCode(
        "E0003", .error, "unterminated string",
        """
        A double-quoted value must end with `"` on the same line:

            front "refs/glowing stone.png"
        """)
    /// A backslash escape other than `\"` and `\\`.
    public static let invalidEscape = DiagnosticCode(
        "E0004", .error, "invalid escape",
        """
        Inside double quotes, only `\\"` (a quote) and `\\\\` (a backslash) are escapes.
        Write other characters as they are.
        """)
    /// A token the grammar does not allow where it stands.
    public static let unexpectedToken = DiagnosticCode(
        "E0005", .error, "unexpected token",
        """
        The parser found something other than what the grammar allows at this point. The
        message says what was expected. See `grammar/shot.ebnf` for the whole grammar.
        """)
    /// A top-level line that does not start with a keyword.
    public static let unknownKeyword = DiagnosticCode(
        "E0006", .error, "unknown keyword",
        """
        Every top-level line of a `.shot` file starts with one of the keywords `import`,
        `model`, `duration`, `aspect`, `character`, `prop`, `image`, `style` or `shot`.
        Prose belongs indented under a `shot` line:

            shot opening 5s
              The camera rises over @ruin.
        """)
    /// A field of a block that the block does not have.
    public static let unknownField = DiagnosticCode(
        "E0007", .error, "unknown field",
        """
        Characters and props have the fields `front` (one image), `refs` (one to three
        images) and `note` (free text, never sent):

            character mara
              front refs/mara-front.png
              refs  refs/mara-side.png
              note  A young explorer.
        """)
    /// An indented line where no block is open.
    public static let unexpectedIndentation = DiagnosticCode(
        "E0008", .error, "unexpected indentation",
        """
        Only the fields of a `character` or `prop` and the prose of a `shot` are indented.
        Top-level lines start in the first column.
        """)
    /// The same field twice in one block, or the same setting twice in one file.
    public static let duplicateField = DiagnosticCode(
        "E0009", .error, "duplicate field",
        """
        A field or setting is given twice; only one can hold. Remove one of them.
        """)
    /// A name that does not follow the name rule.
    public static let invalidName = DiagnosticCode(
        "E0010", .error, "invalid name",
        """
        Names start with a letter, continue with letters, digits, `_` or `-`, and do not end
        with `-`: `mara`, `old_tom`, `stone-2`.

        A shot name is also a file name (`NAME.mp4`, `NAME.run.json` and their temporary
        files), and file names have at most 255 bytes, so shot names are at most 200 bytes of
        UTF-8 (200 ASCII letters, fewer accented or non-Latin ones).
        """)
    /// A control character (or a line separator that only YAML would treat as one).
    public static let controlCharacter = DiagnosticCode(
        "E0011", .error, "control character",
        """
        Scene files are text: control characters such as NUL (U+0000), escape (U+001B) or
        delete (U+007F) are not allowed anywhere, nor are the C1 controls (U+0080 to U+009F),
        the separators U+2028 and U+2029, and the non-characters U+FFFE and U+FFFF. Tabs,
        line feeds and carriage returns are allowed; `\r`, `\r\n` and `\n` all end a line.
        Both surfaces reject the same characters. The message names the character by its
        code; remove it (it is usually invisible, pasted from another program).
        """)
    /// Syntax libyaml rejects.
    public static let yamlSyntax = DiagnosticCode(
        "E0020", .error, "YAML syntax error",
        """
        The YAML parser (libyaml) could not read the file. The message is libyaml's; the
        position is where it stopped. Common causes: a missing space after `:`, an unclosed
        quote or bracket. (A tab in indentation is E0002, a value starting with `@` E0026, a
        `: ` inside an unquoted value E0027.)
        """)
    /// A key given twice in one YAML mapping.
    public static let duplicateKey = DiagnosticCode(
        "E0021", .error, "duplicate key",
        """
        YAML forbids the same key twice in one mapping (libyaml does not check it; shotc
        does). Remove or rename one of them.
        """)
    /// A YAML node of the wrong kind (a list where a mapping belongs, and so on).
    public static let wrongNodeKind = DiagnosticCode(
        "E0022", .error, "wrong kind of YAML value",
        """
        The value has the wrong shape: for example `characters` must be a mapping from names
        to characters, `refs` a list (or one value), `prompt` text.
        """)
    /// More than one document in a YAML scene.
    public static let multipleDocuments = DiagnosticCode(
        "E0023", .error, "more than one YAML document",
        """
        A YAML scene file is one document. Remove the `---` that starts the second one, or
        move it to a file of its own and import it.
        """)
    /// A required value that is missing (a declaration without its image, an empty prompt key).
    public static let missingValue = DiagnosticCode(
        "E0024", .error, "missing value",
        """
        A keyword or key that takes a value has none, as in `image ruin` with no image or
        `duration` with no number.
        """)
    /// A YAML alias whose expansion is too large (a "billion laughs" document).
    public static let yamlTooLarge = DiagnosticCode(
        "E0025", .error, "YAML document too large",
        """
        Aliases expand to more nodes than any scene needs, or nesting is too deep. This
        guards against documents built to exhaust memory.
        """)
    /// A plain YAML value starting with `@` or a backquote.
    public static let yamlReservedStart = DiagnosticCode(
        "E0026", .error, "YAML value starts with '@'",
        """
        YAML reserves `@` and the backquote: a plain (unquoted) value cannot start with
        them, so `prompt: @luz waves` is a syntax error. Quote the value, or write it as a
        block:

            prompt: "@luz waves at the camera."
            prompt: |
              @luz waves at the camera.

        `shotc check --fix` quotes a value that fits on its line.
        """)
    /// `: ` inside an unquoted YAML value.
    public static let yamlColonInValue = DiagnosticCode(
        "E0027", .error, "': ' inside an unquoted YAML value",
        """
        In YAML a colon followed by a space ends a key, so an unquoted prompt such as
        `prompt: The sign reads: closed` is read as a key inside a value, which libyaml
        rejects ("mapping values are not allowed here"). Quote the value, or write it as a
        block:

            prompt: "The sign reads: closed"
            prompt: >
              The sign reads: closed

        `shotc check --fix` quotes a value that fits on its line.
        """)
    /// A YAML shot named `duration`, `aspect` or `prompt`.
    public static let shotNamedLikeField = DiagnosticCode(
        "E0028", .error, "shot named like a field",
        """
        A shot named `prompt`, `duration` or `aspect` is almost always a field of the shot
        above that is indented too little, so YAML reads it as a shot of its own:

            shots:
              opening:
                duration: 5
              prompt: A slow orbit.     # two spaces short: a shot named 'prompt'

        Indent it as far as the shot's other fields. Shot names cannot be field names.
        """)

    // MARK: Names and mentions (E01xx)

    /// A mention of a name that is not declared.
    public static let unknownReference = DiagnosticCode(
        "E0101", .error, "unknown reference",
        """
        Prose mentions `@name`, but no character, prop, image or style has that name (in
        this file or a file it imports). Declare it, or fix the spelling:

            character mara
              front mara.png
              refs  mara-side.png

            shot a
              @mara walks in.      # not @mra
        """)
    /// A name declared twice.
    public static let duplicateName = DiagnosticCode(
        "E0102", .error, "duplicate name",
        """
        Names are unique across characters, props, images, styles and shots of a scene,
        imported files included. Rename one of the two.
        """)
    /// `@Element1` or `@Image2` written by hand.
    public static let positionalToken = DiagnosticCode(
        "E0103", .error, "positional token in prose",
        """
        `@Element1`, `@Image1` and the like are what shotc writes for you: it numbers the
        references of each shot by first mention. Write the name instead (`@mara`). To write
        a literal `@`, double it: `@@`.
        """)
    /// A declared name that looks like a positional token.
    public static let reservedName = DiagnosticCode(
        "E0104", .error, "reserved name",
        """
        Names that look like positional tokens (`Element3`, `image2`, in any case) are
        reserved: a mention of them could not be told apart from the token. Choose another
        name.
        """)
    /// A shot that is not in the scene (`--shot NAME`).
    public static let unknownShot = DiagnosticCode(
        "E0105", .error, "unknown shot",
        """
        `--shot NAME` names a shot that the scene does not have. `shotc check FILE` lists
        nothing when all is well; `shotc build FILE` shows every shot's name.
        """)

    // MARK: Values and shot rules (E02xx)

    /// A duration that is not a whole number of seconds from 3 to 10.
    public static let invalidDuration = DiagnosticCode(
        "E0201", .error, "invalid duration",
        """
        Kling O1 renders whole seconds from 3 to 10. Write `5` or `5s`:

            duration 5s
            shot orbit 8s
        """)
    /// An aspect ratio the service does not offer.
    public static let invalidAspect = DiagnosticCode(
        "E0202", .error, "invalid aspect ratio",
        """
        Kling O1 offers the aspect ratios `16:9`, `9:16` and `1:1`.
        """)
    /// A model other than `standard` and `pro`.
    public static let unknownModel = DiagnosticCode(
        "E0203", .error, "unknown model",
        """
        `model standard` (the default) renders on
        `fal-ai/kling-video/o1/standard/reference-to-video`; `model pro` on
        `fal-ai/kling-video/o1/reference-to-video`.
        """)
    /// More than seven references in one shot.
    public static let tooManyReferences = DiagnosticCode(
        "E0204", .error, "too many references",
        """
        One request takes at most 7 references (elements and images together). Split the
        shot in two, or drop the references that matter least.
        """)
    /// A shot with no prose.
    public static let emptyProse = DiagnosticCode(
        "E0205", .error, "empty prose",
        """
        A shot needs prose: the prompt is what the model renders. Indent it under the `shot`
        line (or give `prompt:` in YAML).
        """)
    /// A character or prop without a `front` image.
    public static let missingFront = DiagnosticCode(
        "E0206", .error, "missing front image",
        """
        Every character and prop needs a `front` image: the frontal view that the model uses
        as the element's main picture.
        """)
    /// A character or prop with no `refs`, or more than three.
    public static let refsCount = DiagnosticCode(
        "E0207", .error, "wrong number of reference images",
        """
        fal requires 1 to 3 `refs` per character or prop: other angles of it. Add a side or
        back view, or drop the extra ones.
        """)
    /// An image value that is neither a URL, a data URI nor a path.
    public static let invalidImageValue = DiagnosticCode(
        "E0208", .error, "invalid image value",
        """
        An image is an `http://` or `https://` URL, a `data:` URI, or a path to a local file
        relative to the scene file.
        """)

    // MARK: Images (E03xx)

    /// A local image file that does not exist.
    public static let imageNotFound = DiagnosticCode(
        "E0301", .error, "image file not found",
        """
        A local image path is relative to the file that declares it. Check the spelling and
        where the file is.
        """)
    /// A local image file that cannot be read.
    public static let imageUnreadable = DiagnosticCode(
        "E0302", .error, "image file unreadable",
        """
        The image file exists but could not be read (permissions, or it is a directory).
        """)
    /// A local file whose bytes are not an image.
    public static let notAnImage = DiagnosticCode(
        "E0303", .error, "not an image",
        """
        The file's bytes are not a PNG, JPEG, WebP or GIF image, whatever its name says.
        Kling accepts JPEG and PNG.
        """)
    /// A front image over 10 MB.
    public static let frontTooLarge = DiagnosticCode(
        "E0304", .error, "front image too large",
        """
        fal rejects front images over 10 MB. Re-encode it (a JPEG at quality 90 is usually
        well under).
        """)
    /// A front image under 300 px on a side.
    public static let frontTooSmall = DiagnosticCode(
        "E0305", .error, "front image too small",
        """
        fal requires front images of at least 300×300 pixels.
        """)
    /// A front image whose width/height is outside 0.40–2.50.
    public static let frontAspect = DiagnosticCode(
        "E0306", .error, "front image aspect ratio out of range",
        """
        fal requires front images whose width divided by height is from 0.40 to 2.50. Crop
        the image.
        """)

    /// A local image whose pixel size cannot be read from its header.
    public static let imageSizeUnknown = DiagnosticCode(
        "E0307", .error, "cannot read image size",
        """
        The file starts like a PNG, JPEG, GIF or WebP image, but its header is cut short or
        damaged, so its width and height cannot be read (a PNG without a complete IHDR chunk
        first, a JPEG without a start-of-frame segment). fal could not read it either. Open
        the image in an editor and save it again as PNG or JPEG.
        """)

    // MARK: Files and imports (E04xx)

    /// An import that leads back to a file that is importing it.
    public static let importCycle = DiagnosticCode(
        "E0401", .error, "import cycle",
        """
        Files import each other in a circle. Move the shared declarations into a file that
        imports nothing, and import it from both.
        """)
    /// A scene or imported file that cannot be read.
    public static let fileUnreadable = DiagnosticCode(
        "E0402", .error, "file unreadable",
        """
        A scene file or an imported file could not be read. Import paths are relative to
        the importing file.
        """)

    // MARK: Rendering (E05xx)

    /// fal refused a request (HTTP 422), pointed back at the scene.
    public static let requestRejected = DiagnosticCode(
        "E0501", .error, "request rejected by fal",
        """
        `shotc run` sent a shot's request and fal answered that the input is invalid (HTTP
        422). The position is the place in the scene that produced the field fal named.
        Such a request is not retried and not billed; fix the scene and run again. A
        `content_policy_violation` means the prose or a picture was refused by the model's
        content filter.
        """)

    // MARK: Warnings (W0xxx)

    /// A declaration no shot mentions.
    public static let unusedDeclaration = DiagnosticCode(
        "W0001", .warning, "unused declaration",
        """
        Nothing mentions this reference, so it is never sent. Mention it in a shot
        (`@name`) or remove it. Declarations in imported files are not reported.
        """)
    /// A YAML key shotc does not know.
    public static let unknownKey = DiagnosticCode(
        "W0002", .warning, "unknown key",
        """
        shotc ignores this key. It is probably misspelt; the help line suggests the nearest
        known key.
        """)
    /// A compiled prompt over 2,500 characters.
    public static let promptTooLong = DiagnosticCode(
        "W0003", .warning, "prompt too long",
        """
        Kling caps prompts at 2,500 characters; whether fal enforces the cap is not known.
        Shorten the prose.
        """)
    /// A local image that is not JPEG or PNG.
    public static let imageFormat = DiagnosticCode(
        "W0004", .warning, "image format not accepted by Kling",
        """
        Kling accepts JPEG and PNG; this file is another format. Convert it.
        """)
    /// A local non-front image outside the documented limits.
    public static let imageLimits = DiagnosticCode(
        "W0005", .warning, "image outside documented limits",
        """
        fal documents its image limits (10 MB, 300 px, aspect 0.40–2.50) on front images only;
        Kling probably applies them to every image. This one is outside them.
        """)
    /// A setting in an imported file, which does not apply.
    public static let ignoredSetting = DiagnosticCode(
        "W0006", .warning, "setting in imported file ignored",
        """
        `model`, `duration` and `aspect` apply to the scene being compiled; set in a file
        that is imported, they are ignored. Move them to the scene file.
        """)
    /// Every code, in order: the one registry.
    public static let all: [DiagnosticCode] = [
        .invalidUTF8, .tabIndentation, .unterminatedString, .invalidEscape, .unexpectedToken,
        .unknownKeyword, .unknownField, .unexpectedIndentation, .duplicateField, .invalidName,
        .controlCharacter,
        .yamlSyntax, .duplicateKey, .wrongNodeKind, .multipleDocuments, .missingValue,
        .yamlTooLarge, .yamlReservedStart, .yamlColonInValue, .shotNamedLikeField,
        .unknownReference, .duplicateName, .positionalToken, .reservedName, .unknownShot,
        .invalidDuration, .invalidAspect, .unknownModel, .tooManyReferences, .emptyProse,
        .missingFront, .refsCount, .invalidImageValue,
        .imageNotFound, .imageUnreadable, .notAnImage, .frontTooLarge, .frontTooSmall,
        .frontAspect, .imageSizeUnknown,
        .importCycle, .fileUnreadable,
        .requestRejected,
        .unusedDeclaration, .unknownKey, .promptTooLong, .imageFormat, .imageLimits,
        .ignoredSetting,
    ]
}
