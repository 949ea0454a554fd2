/// Reads a scene file and everything it imports, each with the front end its name calls for.
///
/// Import paths are relative to the importing file. A file imported twice (a diamond) is read
/// once; an import that leads back to a file still being imported is a cycle (E0401).
public struct SceneLoader {
    /// The files of one scene, parsed.
    public struct Result: Sendable {
        /// The scene file the user named; nil if it could not be read.
        public var root: FileID?
        /// The tree of every file read, by file.
        public var trees: [FileID: SceneSyntax]
        /// The file each import resolved to, by the span of the import's path. An import that
        /// could not be read, or closed a cycle, has no entry.
        public var importTargets: [SourceSpan: FileID]
    }

    private let fileSystem: any FileSystem
    private var result = Result(root: nil, trees: [:], importTargets: [:])
    private var loaded: [String: FileID] = [:]
    private var stack: [(path: String, importSpan: SourceSpan?)] = []

    /// A loader reading through `fileSystem`.
    public init(fileSystem: any FileSystem) { self.fileSystem = fileSystem }

    /// The front end for a file name: `.yaml` and `.yml` are YAML, anything else `.shot`.
    public static func surface(forPath path: String) -> SurfaceSyntax {
        let lowered = path.lowercased()
        return lowered.hasSuffix(".yaml") || lowered.hasSuffix(".yml") ? .yaml : .shot
    }

    /// Parses `bytes` as the syntax `surface`.
    public static func parse(
        _ file: SourceFile, as surface: SurfaceSyntax, diagnostics: inout DiagnosticBag
    ) -> SceneSyntax {
        switch surface {
        case .shot: ShotFrontEnd.parse(file, diagnostics: &diagnostics)
        case .yaml: YAMLFrontEnd.parse(file, diagnostics: &diagnostics)
        }
    }

    /// Loads the scene at `path` and its imports into `sources`.
    public mutating func load(
        path: String, sources: inout SourceMap, diagnostics: inout DiagnosticBag
    ) -> Result {
        result.root = loadFile(
            path: path, importSpan: nil, sources: &sources, diagnostics: &diagnostics)
        return result
    }

    /// Loads a scene whose root text is given (an editor's unsaved buffer); imports are read
    /// from the file system.
    public mutating func load(
        path: String, text: [UInt8], sources: inout SourceMap, diagnostics: inout DiagnosticBag
    ) -> Result {
        let id = sources.add(path: path, bytes: text)
        result.root = id
        parseAndFollow(id, path: path, sources: &sources, diagnostics: &diagnostics)
        return result
    }

    private mutating func loadFile(
        path: String, importSpan: SourceSpan?, sources: inout SourceMap,
        diagnostics: inout DiagnosticBag
    ) -> FileID? {
        let key = Path.normalize(path)
        if let index = stack.firstIndex(where: { $0.path == key }) {
            reportCycle(from: index, path: path, importSpan: importSpan, sources: sources,
                diagnostics: &diagnostics)
            return nil
        }
        if let id = loaded[key] { return id }
        let bytes: [UInt8]
        do {
            bytes = try fileSystem.read(path)
        } catch {
            let reason: String
            switch error {
            case .notFound: reason = "no such file"
            case .isDirectory: reason = "it is a directory"
            case .unreadable(let text): reason = text.lowercased()
            }
            let what = importSpan == nil ? "scene file" : "imported file"
            diagnostics.report(
                .fileUnreadable, "cannot read \(what) '\(path)': \(reason)", at: importSpan,
                help: importSpan == nil
                    ? [] : ["import paths are relative to the importing file's folder"])
            return nil
        }
        let id = sources.add(path: path, bytes: bytes)
        loaded[key] = id
        stack.append((key, importSpan))
        parseAndFollow(id, path: path, sources: &sources, diagnostics: &diagnostics)
        stack.removeLast()
        return id
    }

    private mutating func parseAndFollow(
        _ id: FileID, path: String, sources: inout SourceMap, diagnostics: inout DiagnosticBag
    ) {
        let tree = Self.parse(
            sources[id], as: Self.surface(forPath: path), diagnostics: &diagnostics)
        result.trees[id] = tree
        let folder = Path.directory(of: path)
        for item in tree.imports {
            let target = Path.join(folder, item.path.value)
            if let imported = loadFile(
                path: target, importSpan: item.path.span, sources: &sources,
                diagnostics: &diagnostics)
            {
                result.importTargets[item.path.span] = imported
            }
        }
    }

    private func reportCycle(
        from index: Int, path: String, importSpan: SourceSpan?, sources: SourceMap,
        diagnostics: inout DiagnosticBag
    ) {
        let chain = stack[index...].map(\.path) + [Path.normalize(path)]
        var notes: [DiagnosticNote] = []
        for position in (index + 1)..<stack.count {
            if let span = stack[position].importSpan {
                let importer = stack[position - 1].path
                notes.append(
                    DiagnosticNote("'\(importer)' imports '\(stack[position].path)' here", at: span))
            }
        }
        diagnostics.report(
            .importCycle, "import cycle: " + chain.map { "'\($0)'" }.joined(separator: " → "),
            at: importSpan, notes: notes,
            help: ["move what the files share into a file that imports nothing"])
    }
}
