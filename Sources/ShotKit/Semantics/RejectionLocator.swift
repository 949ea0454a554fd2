/// One field fal refused: its `loc` path, fal's message and error type.
public struct RejectedField: Hashable, Sendable {
    /// Where in the request, such as `["body", "elements", "0", "frontal_image_url"]`.
    public var loc: [String]
    /// fal's message.
    public var message: String
    /// fal's machine-readable type, such as `image_too_small`.
    public var type: String

    /// A refused field.
    public init(loc: [String], message: String, type: String) {
        self.loc = loc
        self.message = message
        self.type = type
    }
}

/// Points fal's validation errors (`loc: ["body", "elements", 0, "frontal_image_url"]`) back
/// at the place in the scene that produced the field.
public struct RejectionLocator {
    /// The scene the request was built from.
    public let scene: CompiledScene
    /// The shot whose request was rejected.
    public let shot: CompiledShot

    /// A locator for `shot` of `scene`.
    public init(scene: CompiledScene, shot: CompiledShot) {
        self.scene = scene
        self.shot = shot
    }

    /// The scene span that produced the field at `loc`, or the shot's name.
    public func span(for loc: [String]) -> SourceSpan {
        let path = loc.first == "body" ? Array(loc.dropFirst()) : loc
        guard let field = path.first else { return shot.nameSpan }
        let index = path.count > 1 ? Int(path[1]) : nil
        switch field {
        case "prompt":
            return shot.proseSpan
        case "duration":
            return shot.durationSpan ?? shot.nameSpan
        case "aspect_ratio":
            return shot.aspectSpan ?? shot.nameSpan
        case "image_urls":
            guard let index, shot.images.indices.contains(index),
                let image = scene.references[shot.images[index]].primary
            else { return shot.nameSpan }
            return image.span
        case "elements":
            guard let index, shot.elements.indices.contains(index) else { return shot.nameSpan }
            let element = scene.references[shot.elements[index]]
            if path.count > 2, path[2] == "frontal_image_url", let front = element.primary {
                return front.span
            }
            if path.count > 3, path[2] == "reference_image_urls", let position = Int(path[3]),
                element.referenceImages.indices.contains(position)
            {
                return element.referenceImages[position].span
            }
            return element.nameSpan
        default:
            return shot.nameSpan
        }
    }

    /// One E0501 diagnostic per issue.
    public func diagnostics(_ issues: [RejectedField]) -> [Diagnostic] {
        issues.map { .requestRejected(shot: shot.name, $0, at: span(for: $0.loc)) }
    }
}
