import ShotKit

/// What the editor features ask of a compiled scene, answered in one place from ShotKit's
/// ``SemanticModel`` (which exists while the scene has errors) and, for what only a checked
/// scene has (prompts as sent), the ``CompiledScene``.
///
/// It adds to the model only what is the editor's: absolute paths (the compiler's are
/// relative to the root's folder) and a shot's whole header line as a place to hover.
public struct SceneIndex: Sendable {
    /// What stands at a place in a file.
    public enum Item: Sendable {
        /// A mention (index into ``SemanticModel/mentions``).
        case mention(Int)
        /// A declaration's name (index into ``SemanticModel/declarations``).
        case declaration(Int)
        /// A shot's header line (index into ``SemanticModel/shots``).
        case shotHeader(Int)
        /// The path of an import (index into ``SemanticModel/imports``).
        case importPath(Int)
    }

    /// The compilation the index was built from.
    public let compilation: Compilation
    /// The folder the compilation's relative paths are relative to.
    public let baseDirectory: String

    /// The index of `compilation`, whose relative paths are relative to `baseDirectory`.
    public init(_ compilation: Compilation, baseDirectory: String) {
        self.compilation = compilation
        self.baseDirectory = baseDirectory
    }

    /// What analysis found.
    public var model: SemanticModel { compilation.model }
    /// Every declaration (a name declared twice: its first declaration).
    public var declarations: [SemanticModel.Declaration] { compilation.model.declarations }
    /// Every mention, shot after shot, in prose order.
    public var mentions: [SemanticModel.Mention] { compilation.model.mentions }
    /// Every shot, in scene order.
    public var shots: [SemanticModel.Shot] { compilation.model.shots }

    /// The file read from the absolute `path`, if the compilation read it.
    public func file(atPath path: String) -> FileID? {
        guard path.hasPrefix("/") else { return compilation.file(atPath: path) }
        let prefix = baseDirectory == "/" ? "/" : baseDirectory + "/"
        if path.hasPrefix(prefix), let file = compilation.file(atPath: String(path.dropFirst(prefix.count))) {
            return file
        }
        // A file outside the root's folder (`import "../cast.shot"`) is named by a relative
        // path that climbs; compare absolute paths.
        let normalized = Path.normalize(path)
        return compilation.sources.files.first { Path.normalize(Path.join(baseDirectory, $0.path)) == normalized }?.id
    }

    /// The absolute path of `file`.
    public func path(of file: FileID) -> String { Path.join(baseDirectory, compilation.sources[file].path) }

    /// The path of `file` as diagnostics show it (relative to the root file's folder).
    public func displayPath(of file: FileID) -> String { compilation.sources[file].path }

    /// What stands at byte `offset` of `file` (a cursor just after a name still counts):
    /// the model's symbol, or the header line of a shot.
    public func item(in file: FileID, at offset: Int) -> Item? {
        switch model.symbol(at: offset, in: file) {
        case .mention(let index)?: return .mention(index)
        case .declarationName(let index)?: return .declaration(index)
        case .shotName(let index)?: return .shotHeader(index)
        case .importPath(let index)?: return .importPath(index)
        case .picture?, nil: break
        }
        // A shot's header: from the start of the shot to the end of its name's line.
        let source = compilation.sources[file]
        let line = source.lineIndex(of: offset)
        if let index = shots.firstIndex(where: { shot in
            shot.nameSpan.file == file && offset >= shot.span.start
                && source.lineIndex(of: shot.nameSpan.start) == line
        }) {
            return .shotHeader(index)
        }
        return nil
    }

    /// The shot names that mention declaration `index`, in order, each once.
    public func shotsMentioning(_ index: Int) -> [String] {
        var names: [String] = []
        for mention in model.usages(of: index) {
            let name = shots[mentions[mention].shot].name
            if !names.contains(name) { names.append(name) }
        }
        return names
    }
}
