/// The YAML front end (spec section 5): libyaml's events become nodes, and nodes become the
/// same ``SceneSyntax`` the `.shot` front end produces.
public enum YAMLFrontEnd {
    /// The keys of a scene, in the order the spec lists them.
    static let sceneKeys = [
        "import", "model", "duration", "aspect", "characters", "props", "images", "styles", "shots",
    ]
    /// The keys of a character or prop.
    static let elementKeys = ["front", "refs", "note"]
    /// The keys of a shot.
    static let shotKeys = ["duration", "aspect", "prompt"]

    /// Parses `file` as a YAML scene. Syntax errors (E0020, E0001, E0011), a document too large
    /// (E0025) or an undefined alias give an empty tree; duplicate keys (E0021), values of the
    /// wrong kind (E0022), a second document (E0023), missing values (E0024) and unknown keys
    /// (W0002) are reported and the rest of the file is kept. Every scalar keeps its text: `5` is `"5"`, `16:9` is `"16:9"`.
    /// Comments (which libyaml skips) are recovered from the bytes between scalars.
    public static func parse(_ file: SourceFile, diagnostics: inout DiagnosticBag) -> SceneSyntax {
        var scene = SceneSyntax(file: file.id, surface: .yaml)
        guard let document = YAMLComposer.compose(file, diagnostics: &diagnostics) else {
            return scene
        }
        scene.comments = YAMLCommentScanner.comments(in: file, document: document)
        guard let root = document.root else { return scene }
        var builder = SceneBuilder(file: file, document: document)
        builder.build(root, diagnostics: &diagnostics)
        scene.items = builder.items
        return scene
    }

    /// The YAML document of `file`, with spans, for tools that need the YAML structure itself
    /// (a formatter); nil after a syntax error. Reports the problems of the YAML itself
    /// (E0001, E0020, E0021, E0023, E0025), none about the scene.
    public static func document(
        of file: SourceFile, diagnostics: inout DiagnosticBag
    ) -> YAMLDocument? {
        YAMLComposer.compose(file, diagnostics: &diagnostics)
    }
}
