/// How local image files appear in a request body.
public enum LocalImageForm: Sendable {
    /// As written in the scene (`--keep-paths`): for reading, not for sending.
    case writtenPaths
    /// As `data:` URIs with the file's bytes (the default of `shotc build`).
    case dataURIs
    /// As URLs, by resolved path (what `shotc run` sends after uploading).
    case urls([String: String])
    /// As `sha256:` content hashes by resolved path (what a run's fingerprint covers).
    case hashes([String: String])
}

/// Why a request body could not be built.
public enum RequestBuildError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A local image could not be read when embedding it.
    case unreadableImage(path: String, reason: String)
    /// A local image has no URL in the table given.
    case missingURL(path: String)

    /// A description for people.
    public var description: String {
        switch self {
        case .unreadableImage(let path, let reason): "cannot read image '\(path)': \(reason)"
        case .missingURL(let path): "no uploaded URL for image '\(path)'"
        }
    }
}

/// Builds request bodies (spec section 6): keys in the order `prompt`, `image_urls`,
/// `elements`, `duration`, `aspect_ratio`; empty lists left out; every element with its
/// `reference_image_urls`.
public struct RequestBuilder {
    /// The scene whose shots are built.
    public let scene: CompiledScene
    private let fileSystem: any FileSystem
    private var dataURIs: [String: String] = [:]

    /// A builder for `scene`, reading local images through `fileSystem` when embedding them.
    public init(scene: CompiledScene, fileSystem: any FileSystem = LocalFileSystem()) {
        self.scene = scene
        self.fileSystem = fileSystem
    }

    /// The request body of `shot`.
    public mutating func body(
        for shot: CompiledShot, images form: LocalImageForm
    )
        throws(RequestBuildError) -> JSONValue
    {
        var builder = JSONValueBuilder()
        try emitBody(for: shot, images: form, into: &builder)
        return builder.value
    }

    /// What `shotc build` prints for several shots: an array of
    /// `{"shot": NAME, "endpoint": ENDPOINT_ID, "input": BODY}` in file order.
    public mutating func buildArray(
        _ shots: [CompiledShot], images form: LocalImageForm
    )
        throws(RequestBuildError) -> JSONValue
    {
        var builder = JSONValueBuilder()
        try emitArray(shots, images: form, into: &builder)
        return builder.value
    }

    /// Emits the array of ``buildArray(_:images:)`` into `sink` (a streaming writer for large
    /// scenes).
    public mutating func emitArray<Sink: JSONSink>(
        _ shots: [CompiledShot], images form: LocalImageForm, into sink: inout Sink
    ) throws(RequestBuildError) {
        try emitEvents(shots, images: form, into: &sink)
    }

    /// Emits the array of ``buildArray(_:images:)`` as text (what `shotc build` streams).
    ///
    /// The same events as the generic ``emitArray(_:images:into:)-(_,_,Sink)``, compiled here
    /// for ``JSONWriter``: a caller in another module would otherwise run the unspecialized
    /// generic, one protocol-witness call per event.
    public mutating func emitArray(
        _ shots: [CompiledShot], images form: LocalImageForm, into writer: inout JSONWriter
    ) throws(RequestBuildError) {
        try emitEvents(shots, images: form, into: &writer)
    }

    /// The events of ``buildArray(_:images:)``.
    private mutating func emitEvents<Sink: JSONSink>(
        _ shots: [CompiledShot], images form: LocalImageForm, into sink: inout Sink
    ) throws(RequestBuildError) {
        var texts = ImageTexts(scene.references)
        let endpoint = PreparedJSONString(scene.endpointID)
        sink.beginArray()
        for index in shots.indices {
            sink.beginObject()
            sink.key(literal: "shot")
            sink.string(shots[index].name)
            sink.key(literal: "endpoint")
            sink.string(endpoint)
            sink.key(literal: "input")
            try emitBody(for: shots[index], images: form, texts: &texts, into: &sink)
            sink.endObject()
        }
        sink.endArray()
    }

    /// Emits the body of `shot` into `sink`.
    public mutating func emitBody<Sink: JSONSink>(
        for shot: CompiledShot, images form: LocalImageForm, into sink: inout Sink
    ) throws(RequestBuildError) {
        var texts = ImageTexts(scene.references)
        try emitBody(for: shot, images: form, texts: &texts, into: &sink)
    }

    /// Emits the body of `shot` into `sink`: the one description of the body's layout. Image
    /// strings come from `texts`, which makes each once per emission (`form` is the same for
    /// every shot of one ``emitArray(_:images:into:)``).
    private mutating func emitBody<Sink: JSONSink>(
        for shot: CompiledShot, images form: LocalImageForm, texts: inout ImageTexts,
        into sink: inout Sink
    ) throws(RequestBuildError) {
        sink.beginObject()
        sink.key(literal: "prompt")
        sink.string(shot.prompt)
        if !shot.images.isEmpty {
            sink.key(literal: "image_urls")
            sink.beginArray()
            for index in shot.images where texts.hasPrimary(index) {
                sink.string(try text(of: index, slot: 0, form, &texts))
            }
            sink.endArray()
        }
        if !shot.elements.isEmpty {
            sink.key(literal: "elements")
            sink.beginArray()
            for index in shot.elements where texts.hasPrimary(index) {
                sink.beginObject()
                sink.key(literal: "frontal_image_url")
                sink.string(try text(of: index, slot: 0, form, &texts))
                sink.key(literal: "reference_image_urls")
                sink.beginArray()
                for slot in 1..<texts.slotCount(index) {
                    sink.string(try text(of: index, slot: slot, form, &texts))
                }
                sink.endArray()
                sink.endObject()
            }
            sink.endArray()
        }
        sink.key(literal: "duration")
        sink.string(String(shot.duration))
        sink.key(literal: "aspect_ratio")
        sink.string(shot.aspect.rawValue)
        sink.endObject()
    }

    /// The string sent for image `slot` of reference `index` (0 its primary image, 1... its
    /// reference images), made and escaped on first use, then taken from `texts`.
    private mutating func text(
        of index: Int, slot: Int, _ form: LocalImageForm, _ texts: inout ImageTexts
    ) throws(RequestBuildError) -> PreparedJSONString {
        if let text = texts[index, slot] { return text }
        let image: ImageValue? =
            slot == 0 ? scene.references[index].primary : scene.references[index].referenceImages[slot - 1]
        guard let image else { return PreparedJSONString("") }
        let text = PreparedJSONString(try value(image, form))
        texts[index, slot] = text
        return text
    }

    /// The string sent for `image`.
    public mutating func value(
        _ image: ImageValue, _ form: LocalImageForm
    ) throws(RequestBuildError)
        -> String
    {
        switch image.source {
        case .url(let url): return url
        case .dataURI(let uri): return uri
        case .localFile(let path, let written):
            switch form {
            case .writtenPaths:
                return written
            case .urls(let table), .hashes(let table):
                guard let url = table[path] else { throw .missingURL(path: path) }
                return url
            case .dataURIs:
                return try dataURI(of: path)
            }
        }
    }

    /// The `data:` URI of the local file at `path` (MIME type from its bytes), read once.
    private mutating func dataURI(of path: String) throws(RequestBuildError) -> String {
        if let cached = dataURIs[path] { return cached }
        let bytes: [UInt8]
        do {
            bytes = try fileSystem.read(path)
        } catch {
            throw .unreadableImage(path: path, reason: "\(error)")
        }
        let mime = ImageProbe.format(of: bytes[...])?.mimeType ?? "application/octet-stream"
        let uri = "data:\(mime);base64," + Base64.encode(bytes)
        dataURIs[path] = uri
        return uri
    }

    /// Reads every local image of `shots` now, so that emitting them as `data:` URIs cannot
    /// fail halfway through a streamed output.
    public mutating func embedLocalFiles(of shots: [CompiledShot]) throws(RequestBuildError) {
        for path in localFiles(of: shots) {
            _ = try dataURI(of: path)
        }
    }

    /// Every distinct local image file the shots use, resolved paths in first-use order.
    public func localFiles(of shots: [CompiledShot]) -> [String] {
        var seen = Set<String>()
        var files: [String] = []
        for shot in shots {
            for index in shot.images + shot.elements {
                let reference = scene.references[index]
                for image in [reference.primary].compactMap({ $0 }) + reference.referenceImages {
                    if case .localFile(let path, _) = image.source, seen.insert(path).inserted {
                        files.append(path)
                    }
                }
            }
        }
        return files
    }
}

/// The strings of a scene's images in one emission, made on first use: each image slot of each
/// reference (slot 0 the primary image, then the reference images) in one flat array, so a
/// lookup is two array reads and copies nothing of the ``Reference``.
private struct ImageTexts {
    /// Where each reference's slots start in `slots`; one more entry marks the end.
    private var firstSlot: [Int]
    /// Whether each reference has a primary image (a reference without one is skipped).
    private var primaries: [Bool]
    private var slots: [PreparedJSONString?]

    init(_ references: [Reference]) {
        firstSlot = [0]
        firstSlot.reserveCapacity(references.count + 1)
        primaries = []
        primaries.reserveCapacity(references.count)
        for reference in references {
            firstSlot.append(firstSlot[firstSlot.count - 1] + 1 + reference.referenceImages.count)
            primaries.append(reference.primary != nil)
        }
        slots = Array(repeating: nil, count: firstSlot[firstSlot.count - 1])
    }

    /// Whether reference `index` has a primary image.
    func hasPrimary(_ index: Int) -> Bool { primaries[index] }

    /// How many image slots reference `index` has.
    func slotCount(_ index: Int) -> Int { firstSlot[index + 1] - firstSlot[index] }

    /// The string of a slot, once made.
    subscript(index: Int, slot: Int) -> PreparedJSONString? {
        get { slots[firstSlot[index] + slot] }
        set { slots[firstSlot[index] + slot] = newValue }
    }
}
