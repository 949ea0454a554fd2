/// Image values: URLs and `data:` URIs as written, local files checked against fal's limits.
extension Analyzer {
    /// The checked image `value` of `declaration` in `file`; nil when it was reported (by a
    /// front end that recovered from an error in it, or here).
    mutating func checkImage(
        _ value: Located<String>, of declaration: DeclarationSyntax, in file: FileID, front: Bool,
        diagnostics: inout DiagnosticBag
    ) -> ImageValue? {
        let text = value.value
        if declaration.recoveredValues.contains(value.span) { return nil }
        switch Self.classify(text) {
        case .failure(let reason):
            diagnostics.report(.invalidImageValue(value, reason: reason.text))
            return nil
        case .success(.url):
            return ImageValue(source: .url(text), span: value.span)
        case .success(.dataURI):
            return ImageValue(source: .dataURI(text), span: value.span)
        case .success(.localFile):
            break
        }
        let path = Path.join(Path.directory(of: sources[file].path), text)
        switch images.probe(path) {
        case .failure(.notFound):
            let lookedFor = path == Path.normalize(text) ? nil : path
            let near = images.fileSystem.nearFile(to: path, written: text)
            diagnostics.report(.imageNotFound(value, lookedFor: lookedFor, near: near))
            return nil
        case .failure(.unreadable(let error)):
            diagnostics.report(.imageUnreadable(value, error))
            return nil
        case .failure(.notAnImage):
            diagnostics.report(.notAnImage(value))
            return nil
        case .success(let info):
            for diagnostic in Self.limitProblems(info, of: value, front: front) {
                diagnostics.report(diagnostic)
            }
            guard info.width != nil, info.height != nil else {
                var reason = ImageProbe.sizeProblem(of: info.format)
                if info.byteCount > Self.maxImageReadBytes {
                    reason += " within its first \(FileReadError.describe(bytes: Self.maxImageReadBytes))"
                }
                diagnostics.report(.imageSizeUnknown(value, reason: reason))
                return nil
            }
            return ImageValue(source: .localFile(path: path, written: text), span: value.span, info: info)
        }
    }

    /// What an image value is, by its text.
    enum ImageValueKind: Equatable {
        /// An `http://` or `https://` URL.
        case url
        /// A `data:` URI.
        case dataURI
        /// A path to a local file.
        case localFile
    }

    /// Why an image value is none.
    struct InvalidImageReason: Error, Equatable {
        /// As the diagnostic says it, after a colon.
        var text: String
    }

    /// What the image value `text` is (pure: no file is read).
    static func classify(_ text: String) -> Result<ImageValueKind, InvalidImageReason> {
        let lowered = text.lowercased()
        if lowered.hasPrefix("https://") || lowered.hasPrefix("http://") {
            guard text.count > (lowered.hasPrefix("https") ? 8 : 7) else {
                return .failure(InvalidImageReason(text: "the URL has no host"))
            }
            return .success(.url)
        }
        if lowered.hasPrefix("data:") {
            guard text.contains(",") else {
                return .failure(InvalidImageReason(text: "a data URI needs a ',' before its data"))
            }
            return .success(.dataURI)
        }
        if text.isEmpty { return .failure(InvalidImageReason(text: "it is empty")) }
        if let colon = text.firstIndex(of: ":"), text[colon...].hasPrefix("://") {
            return .failure(InvalidImageReason(text: "'\(text[..<colon])' URLs are not supported"))
        }
        return .success(.localFile)
    }

    /// The limits of fal that `info` breaks (pure), in the order they are reported: format,
    /// size in bytes, pixel size, aspect ratio.
    static func limitProblems(_ info: ImageInfo, of value: Located<String>, front: Bool) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        if !info.format.isAcceptedByKling { problems.append(.imageFormat(value, info.format)) }
        if info.byteCount > maxImageBytes {
            problems.append(.imageTooLarge(value, byteCount: info.byteCount, front: front))
        }
        if let width = info.width, let height = info.height {
            if width < minImageSide || height < minImageSide {
                problems.append(.imageTooSmall(value, width: width, height: height, front: front))
            }
            if height > 0 {
                let ratio = Double(width) / Double(height)
                if !imageAspectRange.contains(ratio) {
                    problems.append(.imageAspect(value, width: width, height: height, ratio: ratio, front: front))
                }
            }
        }
        return problems
    }
}
