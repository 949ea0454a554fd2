/// The result of compiling a scene: the files read, what was found, and the scene when it
/// has no errors.
public struct Compilation: Sendable {
    /// Every file read, for rendering spans.
    public var sources: SourceMap
    /// Everything reported, errors and warnings.
    public var diagnostics: DiagnosticBag
    /// The syntax tree of every file read.
    public var trees: [FileID: SceneSyntax]
    /// The root file, if it could be read.
    public var root: FileID?
    /// The checked scene; nil when there were errors.
    public var scene: CompiledScene?
    /// What analysis found, errors or not: what tools query (declarations, mentions and their
    /// tokens, shots, imports, what is at an offset, where a name is used).
    public var model: SemanticModel
}

/// The compiler's front door: load, parse, analyze.
public enum Compiler {
    /// Compiles the scene file at `path` (and what it imports).
    public static func compile(
        path: String, fileSystem: any FileSystem = LocalFileSystem()
    ) -> Compilation {
        var sources = SourceMap()
        var diagnostics = DiagnosticBag()
        var loader = SceneLoader(fileSystem: fileSystem)
        let loaded = loader.load(path: path, sources: &sources, diagnostics: &diagnostics)
        return analyze(loaded, sources: sources, diagnostics: &diagnostics, fileSystem: fileSystem)
    }

    /// Compiles a scene whose root text is given (an editor's buffer); imports and images are
    /// read through `fileSystem`, relative to `path`.
    public static func compile(
        path: String, text: [UInt8], fileSystem: any FileSystem = LocalFileSystem()
    ) -> Compilation {
        var sources = SourceMap()
        var diagnostics = DiagnosticBag()
        var loader = SceneLoader(fileSystem: fileSystem)
        let loaded = loader.load(path: path, text: text, sources: &sources, diagnostics: &diagnostics)
        return analyze(loaded, sources: sources, diagnostics: &diagnostics, fileSystem: fileSystem)
    }

    /// Compiles the scene file at `path` again, reusing what `cache` kept from earlier
    /// compiles that did not change (imported files parsed, image headers read) and keeping
    /// what this one reads.
    public static func compile(path: String, cache: inout AnalysisCache) -> Compilation {
        var sources = SourceMap()
        var diagnostics = DiagnosticBag()
        var loader = SceneLoader(cache: cache)
        let loaded = loader.load(path: path, sources: &sources, diagnostics: &diagnostics)
        return analyze(loaded, sources: sources, diagnostics: &diagnostics, loader: loader, cache: &cache)
    }

    /// Compiles an editor's buffer `text` for the scene file at `path` again (after an
    /// edit), reusing what `cache` kept: only the buffer is parsed when no import changed, and
    /// no image is read again.
    public static func compile(path: String, text: [UInt8], cache: inout AnalysisCache) -> Compilation {
        var sources = SourceMap()
        var diagnostics = DiagnosticBag()
        var loader = SceneLoader(cache: cache)
        let loaded = loader.load(path: path, text: text, sources: &sources, diagnostics: &diagnostics)
        return analyze(loaded, sources: sources, diagnostics: &diagnostics, loader: loader, cache: &cache)
    }

    private static func analyze(
        _ loaded: SceneLoader.Result, sources: SourceMap, diagnostics: inout DiagnosticBag,
        loader: SceneLoader, cache: inout AnalysisCache
    ) -> Compilation {
        if let kept = loader.cache { cache = kept }
        var images = cache.images
        images.beginAnalysis()
        // The loader's copy is dropped: the cache is held once while the analyzer works on it.
        let compilation = analyze(loaded, sources: sources, diagnostics: &diagnostics, images: &images)
        cache.images = images
        return compilation
    }

    private static func analyze(
        _ loaded: SceneLoader.Result, sources: SourceMap, diagnostics: inout DiagnosticBag,
        fileSystem: any FileSystem
    ) -> Compilation {
        var images = ImageCache(fileSystem: fileSystem)
        return analyze(loaded, sources: sources, diagnostics: &diagnostics, images: &images)
    }

    private static func analyze(
        _ loaded: SceneLoader.Result, sources: SourceMap, diagnostics: inout DiagnosticBag,
        images: inout ImageCache
    ) -> Compilation {
        var analyzer = Analyzer(sources: sources, loaded: loaded, images: images)
        let scene = analyzer.analyze(diagnostics: &diagnostics)
        images = analyzer.images
        return Compilation(
            sources: sources, diagnostics: diagnostics, trees: loaded.trees, root: loaded.root,
            scene: diagnostics.hasErrors ? nil : scene, model: analyzer.model)
    }
}
