import ShotKit

/// The documents requests name and their analyses, and the LSP positions of the
/// compiler's spans.
extension LanguageServer {
    /// The document a request names (`textDocument.uri`): an open one, or the file on disk.
    func document(_ params: JSONValue) throws(RPCError) -> Document {
        guard let uri = params["textDocument"]?["uri"]?.stringValue else {
            throw .invalidParams("the request needs textDocument.uri")
        }
        if let document = documents[uri] { return document }
        guard let path = DocumentURI.path(of: uri) else {
            throw .invalidParams("shotc lsp reads only file: URIs, not '\(uri)'")
        }
        do {
            let bytes = try fileSystem.read(path, limit: SceneLoader.maxFileBytes)
            return Document(uri: uri, path: path, version: 0, bytes: bytes)
        } catch {
            throw .requestFailed("'\(path)' is not open in the editor and could not be read: \(error)")
        }
    }

    /// The analysis of `document`'s current text.
    func index(_ document: Document) -> SceneIndex {
        if let index = document.index, document.indexGeneration == generation { return index }
        let index = compile(path: document.path, text: document.bytes)
        document.index = index
        document.indexGeneration = generation
        return index
    }

    /// Compiles the scene at the absolute `path` (with `text` as its root's text, if given)
    /// as `shotc check` would in the scene's folder, so messages show the same paths.
    func compile(path: String, text: [UInt8]?) -> SceneIndex {
        let directory = Path.directory(of: path)
        let name = String(path.dropFirst(directory == "/" ? 1 : directory.count + 1))
        var cache =
            caches.removeValue(forKey: directory)
            ?? AnalysisCache(fileSystem: RootedFileSystem(base: directory, inner: fileSystem))
        let compilation =
            text.map { Compiler.compile(path: name, text: $0, cache: &cache) }
            ?? Compiler.compile(path: name, cache: &cache)
        caches[directory] = cache
        cachedFolders.removeAll { $0 == directory }
        cachedFolders.append(directory)
        if cachedFolders.count > Self.maxCachedFolders {
            caches.removeValue(forKey: cachedFolders.removeFirst())
        }
        return SceneIndex(compilation, baseDirectory: directory)
    }

    /// The position a request names (`position`), as a byte offset in `document`.
    func offset(_ params: JSONValue, in document: Document) throws(RPCError) -> Int {
        guard let position = LSPPosition(params["position"]) else {
            throw .invalidParams("the request needs a position {line, character}")
        }
        return document.lines.offset(of: position)
    }

    /// The URI of the file at `path`: an open document's own URI, or a `file:` URI.
    func uri(ofPath path: String) -> String {
        let normalized = Path.normalize(path)
        if let open = documents.values.first(where: { Path.normalize($0.path) == normalized }) {
            return open.uri
        }
        return DocumentURI.uri(of: normalized)
    }

    /// An LSP location of `span` in `index`'s sources.
    func location(_ span: SourceSpan, in index: SceneIndex) -> JSONValue {
        let file = index.compilation.sources[span.file]
        return .object([
            ("uri", .string(uri(ofPath: index.path(of: span.file)))),
            ("range", LineTable(file.bytes).range(span.start, span.end)),
        ])
    }

    /// An LSP range of `span` (in the file it points into).
    func range(_ span: SourceSpan, in index: SceneIndex) -> JSONValue {
        LineTable(index.compilation.sources[span.file].bytes).range(span.start, span.end)
    }
}
