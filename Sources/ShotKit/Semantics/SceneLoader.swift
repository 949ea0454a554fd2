/// Reads a scene file and everything it imports, each with the front end its name calls for.
///
/// Import paths are relative to the importing file. Files are told apart by the file system's
/// ``FileIdentity`` (device and inode), so a file reached through different path texts or a
/// symlink is one file: imported twice (a diamond) it is read once, and an import that leads
/// back to a file still being imported is a cycle (E0401). Only regular files of at most
/// ``maxFileBytes`` are read.
public struct SceneLoader {
    /// The largest scene file read (64 MB): far above any scene (a 10,000-shot file is a few
    /// MB), low enough that a wrong path cannot exhaust memory.
    public static let maxFileBytes = 64 * 1024 * 1024
    /// How deep imports may nest. Only a file system that cannot identify files (and serves
    /// endlessly many paths) gets there; it is reported as a cycle.
    public static let maxImportDepth = 100

    /// The files of one scene, parsed.
    public struct Result: Sendable {
        /// The scene file the user named; nil if it could not be read.
        public var root: FileID?
        /// The tree of every file read, by file.
        public var trees: [FileID: SceneSyntax]
        /// The file each import resolved to, by the span of the import's path. An import that
        /// could not be read, or closed a cycle, has no entry.
        public var importTargets: [SourceSpan: FileID]
        /// The spans of the import paths that could not be read (their error is reported
        /// once; the mentions they would have resolved are counted on it, not reported again).
        public var failedImports: [SourceSpan] = []
    }

    private let fileSystem: any FileSystem
    /// Files parsed by an earlier compile, reused when unchanged; nil for a one-shot compile.
    public var cache: AnalysisCache?
    private var result = Result(root: nil, trees: [:], importTargets: [:])
    private var loaded: [FileKey: FileID] = [:]
    private var stack: [(path: String, key: FileKey, importSpan: SourceSpan?)] = []
    /// Each import's path as written, by its span.
    private var writtenImports: [SourceSpan: String] = [:]

    /// What makes two imports one file: its identity, or its normalized path when the file
    /// system cannot tell.
    private enum FileKey: Hashable {
        case identity(FileIdentity)
        case path(String)
    }

    private func key(for path: String) -> FileKey {
        fileSystem.identity(of: path).map(FileKey.identity) ?? .path(Path.normalize(path))
    }

    /// A loader reading through `fileSystem`.
    public init(fileSystem: any FileSystem) { self.fileSystem = fileSystem }

    /// A loader reading through `cache`'s file system, reusing the files it parsed before and
    /// keeping those it parses now.
    public init(cache: AnalysisCache) {
        self.fileSystem = cache.fileSystem
        self.cache = cache
    }

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
        let key = key(for: path)
        loaded[key] = id
        stack.append((Path.normalize(path), key, nil))
        parseAndFollow(id, path: path, sources: &sources, diagnostics: &diagnostics)
        stack.removeLast()
        return result
    }

    private mutating func loadFile(
        path: String, importSpan: SourceSpan?, sources: inout SourceMap,
        diagnostics: inout DiagnosticBag
    ) -> FileID? {
        let key = key(for: path)
        if let index = stack.firstIndex(where: { $0.key == key }) {
            reportCycle(
                from: index, path: path, importSpan: importSpan, sources: sources,
                diagnostics: &diagnostics)
            return nil
        }
        if let id = loaded[key] { return id }
        if stack.count >= Self.maxImportDepth {
            diagnostics.report(.importsTooDeep(path, depth: Self.maxImportDepth, at: importSpan))
            return nil
        }
        let cacheKey = Path.normalize(path)
        // Asked before reading: a file changed while it is read is read again next time.
        let modified = cache == nil ? nil : fileSystem.modificationTime(of: path)
        var reused: SceneSyntax? = nil
        let id: FileID
        if let modified, let cached = cache?.files.value(forKey: cacheKey), cached.modified == modified,
            cached.id == FileID(sources.files.count)
        {
            id = sources.add(path: path, bytes: cached.bytes)
            for diagnostic in cached.diagnostics { diagnostics.report(diagnostic) }
            reused = cached.tree
            cache?.reusedFiles += 1
        } else {
            let bytes: [UInt8]
            do {
                bytes = try fileSystem.read(path, limit: Self.maxFileBytes)
            } catch {
                var near: String? = nil
                if let importSpan, case .notFound = error, let written = writtenImports[importSpan] {
                    near = fileSystem.nearFile(to: path, written: written)
                }
                diagnostics.report(
                    .fileUnreadable(
                        path, error, imported: importSpan != nil, at: importSpan,
                        maxFileBytes: Self.maxFileBytes, near: near))
                if let importSpan { result.failedImports.append(importSpan) }
                return nil
            }
            id = sources.add(path: path, bytes: bytes)
        }
        loaded[key] = id
        stack.append((Path.normalize(path), key, importSpan))
        parseAndFollow(
            id, path: path, reusing: reused, modified: modified, sources: &sources,
            diagnostics: &diagnostics)
        stack.removeLast()
        return id
    }

    private mutating func parseAndFollow(
        _ id: FileID, path: String, reusing reused: SceneSyntax? = nil,
        modified: FileModificationTime? = nil, sources: inout SourceMap,
        diagnostics: inout DiagnosticBag
    ) {
        let tree: SceneSyntax
        if let reused {
            tree = reused
        } else if let modified, cache != nil {
            // Parsed into a bag of its own, kept with the tree, then reported as if directly.
            var parsed = DiagnosticBag()
            tree = Self.parse(sources[id], as: Self.surface(forPath: path), diagnostics: &parsed)
            for diagnostic in parsed.diagnostics { diagnostics.report(diagnostic) }
            cache?.files.set(
                AnalysisCache.ParsedFile(
                    modified: modified, id: id, bytes: sources[id].bytes, tree: tree,
                    diagnostics: parsed.diagnostics),
                forKey: Path.normalize(path))
            cache?.parsedFiles += 1
        } else {
            tree = Self.parse(sources[id], as: Self.surface(forPath: path), diagnostics: &diagnostics)
            cache?.parsedFiles += 1
        }
        result.trees[id] = tree
        let folder = Path.directory(of: path)
        for item in tree.imports {
            let target = Path.join(folder, item.path.value)
            writtenImports[item.path.span] = item.path.value
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
        let closing = Path.normalize(path)
        if closing != stack[index].path {
            notes.append(DiagnosticNote("'\(closing)' is the same file as '\(stack[index].path)'"))
        }
        diagnostics.report(.importCycle(chain, at: importSpan, notes: notes))
    }
}
