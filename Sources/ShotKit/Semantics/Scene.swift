/// The model tier, which selects the endpoint.
public enum ModelTier: String, Sendable, CaseIterable {
    /// Kling O1 Standard.
    case standard
    /// Kling O1 Pro.
    case pro

    /// fal's endpoint id for reference-to-video on this tier.
    public var endpointID: String {
        switch self {
        case .standard: "fal-ai/kling-video/o1/standard/reference-to-video"
        case .pro: "fal-ai/kling-video/o1/reference-to-video"
        }
    }

    /// Price per second of video in US cents, from fal's pages (fal-protocol.md section 5.1):
    /// Pro $0.112/s is on fal's page; Standard $0.084/s is fal's price for Standard
    /// image-to-video and a third-party note for reference-to-video.
    public var centsPerSecond: Double {
        switch self {
        case .standard: 8.4
        case .pro: 11.2
        }
    }
}

/// The aspect ratios Kling O1 offers.
public enum AspectRatio: String, Sendable, CaseIterable {
    /// Landscape.
    case landscape = "16:9"
    /// Portrait.
    case portrait = "9:16"
    /// Square.
    case square = "1:1"
}

/// Where an image comes from.
public enum ImageSource: Hashable, Sendable {
    /// An `http://` or `https://` URL, sent as it is.
    case url(String)
    /// A `data:` URI, sent as it is.
    case dataURI(String)
    /// A local file: `path` resolved against the declaring file's folder (what the compiler
    /// opens), `written` as it stands in the scene (what `--keep-paths` emits).
    case localFile(path: String, written: String)
}

/// One image value of a declaration.
public struct ImageValue: Hashable, Sendable {
    /// Where the image comes from.
    public var source: ImageSource
    /// Where it was written.
    public var span: SourceSpan
    /// What the file's header says, for local files that could be read.
    public var info: ImageInfo?

    /// An image from `source`, written at `span`.
    public init(source: ImageSource, span: SourceSpan, info: ImageInfo? = nil) {
        self.source = source
        self.span = span
        self.info = info
    }
}

/// A declared reference, after checking.
public struct Reference: Sendable {
    /// Its name.
    public var name: String
    /// Its kind.
    public var kind: DeclarationKind
    /// Where its name was declared.
    public var nameSpan: SourceSpan
    /// The element's frontal image, or the image of an image or style.
    public var primary: ImageValue?
    /// The element's other angles (`refs`); empty for images and styles.
    public var referenceImages: [ImageValue]
    /// The element's note, never sent.
    public var note: String?
}

/// One `@name` in a shot's prose.
public struct Mention: Sendable {
    /// The name mentioned.
    public var name: String
    /// The index of the reference in ``CompiledScene/references``.
    public var reference: Int
    /// The token it became (`@Element1`).
    public var token: String
    /// Where the mention is in the source.
    public var span: SourceSpan
}

/// A shot, resolved: everything its request needs.
public struct CompiledShot: Sendable {
    /// Its name.
    public var name: String
    /// Where its name was written.
    public var nameSpan: SourceSpan
    /// Seconds, 3 to 10.
    public var duration: Int
    /// The aspect ratio.
    public var aspect: AspectRatio
    /// The prompt with every mention replaced by its positional token.
    public var prompt: String
    /// Indices into ``CompiledScene/references`` of the elements, `@Element1` first.
    public var elements: [Int]
    /// Indices into ``CompiledScene/references`` of the images, `@Image1` first.
    public var images: [Int]
    /// Every mention, in prose order (for editors: hover, go to definition).
    public var mentions: [Mention]
    /// Where the duration and aspect that apply were written, for pointing at them later.
    public var durationSpan: SourceSpan?
    /// Where the aspect ratio that applies was written.
    public var aspectSpan: SourceSpan?
    /// Where the prose is.
    public var proseSpan: SourceSpan
}

/// A checked scene: what `build` emits and `run` renders. It exists only when the scene has
/// no errors.
public struct CompiledScene: Sendable {
    /// The model tier.
    public var model: ModelTier
    /// Every declared reference, imports included, in declaration order.
    public var references: [Reference]
    /// Every shot, in file order.
    public var shots: [CompiledShot]

    /// The endpoint every shot is sent to.
    public var endpointID: String { model.endpointID }

    /// The shot called `name`.
    public func shot(named name: String) -> CompiledShot? { shots.first { $0.name == name } }
}

extension CompiledScene {
    /// The shots named in `names`, in file order (all of them when `names` is empty), or an
    /// E0105 diagnostic with a suggestion for each name the scene does not have.
    public func select(_ names: [String]) -> Result<[CompiledShot], SelectionError> {
        guard !names.isEmpty else { return .success(shots) }
        let known = shots.map(\.name)
        var unknown: [Diagnostic] = []
        for name in names where !known.contains(name) {
            unknown.append(.unknownShot(name, known: known))
        }
        guard unknown.isEmpty else { return .failure(SelectionError(diagnostics: unknown)) }
        return .success(shots.filter { names.contains($0.name) })
    }
}

/// `--shot` named shots the scene does not have.
public struct SelectionError: Error, Sendable {
    /// One E0105 diagnostic per unknown name.
    public var diagnostics: [Diagnostic]
}
