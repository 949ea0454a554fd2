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
    public mutating func body(for shot: CompiledShot, images form: LocalImageForm) throws(RequestBuildError)
        -> JSONValue
    {
        var fields: [(String, JSONValue)] = [("prompt", .string(shot.prompt))]
        if !shot.images.isEmpty {
            var urls: [JSONValue] = []
            for index in shot.images {
                guard let image = scene.references[index].primary else { continue }
                urls.append(.string(try value(image, form)))
            }
            fields.append(("image_urls", .array(urls)))
        }
        if !shot.elements.isEmpty {
            var elements: [JSONValue] = []
            for index in shot.elements {
                let reference = scene.references[index]
                guard let front = reference.primary else { continue }
                var others: [JSONValue] = []
                for image in reference.referenceImages {
                    others.append(.string(try value(image, form)))
                }
                elements.append(.object([
                    ("frontal_image_url", .string(try value(front, form))),
                    ("reference_image_urls", .array(others)),
                ]))
            }
            fields.append(("elements", .array(elements)))
        }
        fields.append(("duration", .string(String(shot.duration))))
        fields.append(("aspect_ratio", .string(shot.aspect.rawValue)))
        return .object(fields)
    }

    /// What `shotc build` prints for several shots: an array of
    /// `{"shot": NAME, "endpoint": ENDPOINT_ID, "input": BODY}` in file order.
    public mutating func buildArray(_ shots: [CompiledShot], images form: LocalImageForm)
        throws(RequestBuildError) -> JSONValue
    {
        var items: [JSONValue] = []
        for shot in shots {
            items.append(.object([
                ("shot", .string(shot.name)), ("endpoint", .string(scene.endpointID)),
                ("input", try body(for: shot, images: form)),
            ]))
        }
        return .array(items)
    }

    /// The string sent for `image`.
    public mutating func value(_ image: ImageValue, _ form: LocalImageForm) throws(RequestBuildError)
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
