/// The YAML front end's builder: maps a scene's root node to top-level items, section by
/// section (SceneBuilder+Declarations.swift, SceneBuilder+Shots.swift), reading nodes through
/// the helpers of SceneBuilder+Nodes.swift.
struct SceneBuilder {
    /// The file the scene is read from.
    let file: SourceFile
    /// The file's YAML document.
    let document: YAMLDocument
    /// The items made so far, in the order of the file.
    var items: [TopLevelSyntax] = []

    /// A builder of the items of `document`, the YAML document of `file`.
    init(file: SourceFile, document: YAMLDocument) {
        self.file = file
        self.document = document
    }

    /// Appends to ``items`` what the scene's `root` mapping holds, section by section.
    mutating func build(_ root: YAMLNodeID, diagnostics: inout DiagnosticBag) {
        guard document.kind(of: root) == .mapping else {
            if !document.isNull(root) {
                diagnostics.report(
                    .rootNotMapping(found: document.kindDescription(of: root), at: document.span(of: root)))
            }
            return
        }
        let count = document.pairCount(of: root)
        // Roughly one item per entry of each section: reserved once, never regrown.
        var expected = 0
        for index in 0..<count {
            expected += 1 + document.pairCount(of: document.pair(index, of: root).value)
        }
        items.reserveCapacity(expected)
        for index in 0..<count {
            let pair = document.pair(index, of: root)
            guard let key = keyScalar(pair, diagnostics: &diagnostics) else { continue }
            switch key.value {
            case "import": imports(pair, diagnostics: &diagnostics)
            case "model": setting(.model, pair, key, diagnostics: &diagnostics)
            case "duration": setting(.duration, pair, key, diagnostics: &diagnostics)
            case "aspect": setting(.aspect, pair, key, diagnostics: &diagnostics)
            case "characters": elements(.character, pair, key, diagnostics: &diagnostics)
            case "props": elements(.prop, pair, key, diagnostics: &diagnostics)
            case "images": images(.image, pair, key, diagnostics: &diagnostics)
            case "styles": images(.style, pair, key, diagnostics: &diagnostics)
            case "shots": shots(pair, key, diagnostics: &diagnostics)
            default: unknownKey(key, among: YAMLFrontEnd.sceneKeys, in: nil, diagnostics: &diagnostics)
            }
        }
    }
}
