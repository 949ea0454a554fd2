/// `shotc fmt`: the canonical layout of one scene file, in its own syntax or converted to
/// the other, keeping every comment, note and paragraph break and never re-wrapping prose.
public enum SceneFormatter {
    /// What formatting one file gave.
    public enum Outcome: Sendable {
        /// The formatted (or converted) text.
        case formatted(String)
        /// The file has syntax errors (or keys the compiler ignores, which formatting would
        /// drop): it is not formatted; `diagnostics` say why, rendered against `sources`.
        case rejected(sources: SourceMap, diagnostics: [Diagnostic])
        /// The file cannot be written in the syntax asked for without changing its meaning.
        case cannotConvert(FormatError)
    }

    /// Formats `bytes`, the scene file at `path`, into `target` (its own syntax when nil).
    /// Only the file itself is read: imports are kept as written, not followed.
    public static func format(path: String, bytes: [UInt8], to target: SurfaceSyntax? = nil) -> Outcome {
        var sources = SourceMap()
        let id = sources.add(path: path, bytes: bytes)
        let file = sources[id]
        var diagnostics = DiagnosticBag()
        let surface = SceneLoader.surface(forPath: path)
        let tree = SceneLoader.parse(file, as: surface, diagnostics: &diagnostics)
        // An unknown YAML key is only a warning, but formatting would drop it.
        let blocking = diagnostics.sorted.filter { $0.severity == .error || $0.code.id == "W0002" }
        guard blocking.isEmpty else { return .rejected(sources: sources, diagnostics: blocking) }
        let model = FormatModel(tree: tree, file: file)
        switch target ?? surface {
        case .shot:
            do {
                return .formatted(try ShotPrinter.print(model, path: path))
            } catch {
                return .cannotConvert(error)
            }
        case .yaml:
            return .formatted(YAMLPrinter.print(model))
        }
    }

    /// The number of comments the front end finds in `bytes` read as the syntax of `path`
    /// (for checking that formatting keeps them all).
    public static func commentTexts(path: String, bytes: [UInt8]) -> [String] {
        var sources = SourceMap()
        let id = sources.add(path: path, bytes: bytes)
        var diagnostics = DiagnosticBag()
        let tree = SceneLoader.parse(sources[id], as: SceneLoader.surface(forPath: path), diagnostics: &diagnostics)
        return tree.comments.map { comment in
            var text = Substring(comment.text)
            while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
            return String(text)
        }
    }
}
