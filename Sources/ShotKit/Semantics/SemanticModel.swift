/// What analysis knows about a scene, for every tool to query instead of re-deriving it:
/// the declarations, every mention and the token it becomes, the shots, and the import graph.
///
/// It exists whether or not the scene has errors (an editor needs it most then): a mention of
/// an unknown name has no declaration, a shot whose duration is invalid has no duration. Spans
/// point into the ``Compilation``'s ``SourceMap``.
///
/// Declarations are indexed as ``CompiledScene/references``: declaration `i` is reference `i`.
/// A name declared twice (E0101) is declared once, by its first declaration. Shots are in the
/// order the scene lists them (an import's shots where the import stands), as
/// ``CompiledScene/shots`` when the scene compiles.
public struct SemanticModel: Sendable {
    /// The role of a picture in its declaration.
    public enum PictureRole: String, Sendable {
        /// A character's or prop's `front`.
        case front
        /// One of a character's or prop's `refs`.
        case reference
        /// The picture of an image or a style.
        case image
    }

    /// One picture a declaration names.
    public struct Picture: Sendable {
        /// Its role.
        public var role: PictureRole
        /// The value as written (a path, URL or `data:` URI) and where.
        public var written: Located<String>
        /// The checked image; nil when the value was reported (not found, not an image, ...).
        public var image: ImageValue?

        /// The local file it reads, as resolved (joined to the declaring file's folder, as
        /// ``ImageSource/localFile(path:written:)`` holds it); nil for a URL, a `data:`
        /// URI or a value that was reported.
        public var localPath: String? {
            if case .localFile(let path, _)? = image?.source { return path }
            return nil
        }
    }

    /// A declared character, prop, image or style.
    public struct Declaration: Sendable {
        /// Its kind.
        public var kind: DeclarationKind
        /// Its name.
        public var name: String
        /// Where its name is written.
        public var nameSpan: SourceSpan
        /// The whole declaration.
        public var span: SourceSpan
        /// The file that declares it.
        public var file: FileID
        /// Its pictures in the order written: front, then refs; or the image.
        public var pictures: [Picture]
        /// Its note, never sent.
        public var note: Located<String>?
    }

    /// One `@name` in a shot's prose.
    public struct Mention: Sendable {
        /// The name mentioned, without `@`.
        public var name: String
        /// Where `@name` is written.
        public var span: SourceSpan
        /// The index of the declaration it names in ``SemanticModel/declarations``; nil for
        /// an unknown name or a positional token written by hand.
        public var declaration: Int?
        /// The positional token it becomes in its shot (`@Element1`, `@Image2`); nil when it
        /// names no declaration.
        public var token: String?
        /// The index of its shot in ``SemanticModel/shots``.
        public var shot: Int
    }

    /// A shot.
    public struct Shot: Sendable {
        /// Its name.
        public var name: String
        /// Where its name is written (the header of the shot).
        public var nameSpan: SourceSpan
        /// The whole shot, prose included.
        public var span: SourceSpan
        /// Its prose, with the map from the joined text to the source.
        public var prose: ProseSyntax
        /// The duration that applies (its own or the scene's); nil when its own is invalid.
        public var duration: Int?
        /// Where that duration is written; nil for the default.
        public var durationSpan: SourceSpan?
        /// The aspect ratio that applies; nil when its own is invalid.
        public var aspect: AspectRatio?
        /// Where that aspect ratio is written; nil for the default.
        public var aspectSpan: SourceSpan?
        /// Its mentions: indices into ``SemanticModel/mentions``, in prose order.
        public var mentions: Range<Int>

        /// Where the prose is.
        public var proseSpan: SourceSpan { prose.span }

        /// The runs of source the prose is made of, in order (the prose without its line
        /// breaks, indentation and YAML quoting).
        public var proseSpans: [SourceSpan] {
            prose.pieces.map {
                SourceSpan(file: prose.span.file, start: $0.sourceOffset, end: $0.sourceOffset + $0.length)
            }
        }
    }

    /// One `import` of one file.
    public struct Import: Sendable {
        /// The file that imports.
        public var importer: FileID
        /// The path as written, and where.
        public var path: Located<String>
        /// The whole import item.
        public var span: SourceSpan
        /// The file it resolved to; nil when it could not be read or closed a cycle.
        public var target: FileID?
    }

    /// What stands at a place in a file.
    public enum Symbol: Hashable, Sendable {
        /// A mention: an index into ``SemanticModel/mentions``.
        case mention(Int)
        /// The name of a declaration, where it is declared.
        case declarationName(Int)
        /// The name of a shot, in its header.
        case shotName(Int)
        /// A picture of a declaration: indices into ``SemanticModel/declarations`` and its
        /// ``Declaration/pictures``.
        case picture(declaration: Int, picture: Int)
        /// The path of an import: an index into ``SemanticModel/imports``.
        case importPath(Int)
    }

    /// The scene file the user named; nil if it could not be read.
    public var root: FileID?
    /// Every declaration, imports included, in declaration order.
    public var declarations: [Declaration] = []
    /// Every mention of every shot, shot after shot, each in prose order.
    public var mentions: [Mention] = []
    /// Every shot, in scene order.
    public var shots: [Shot] = []
    /// Every import of every file read, by importing file, each file's in file order.
    public var imports: [Import] = []
    /// The scene's settings as its root file sets them (model tier, duration, aspect ratio),
    /// each with where it is written; the default, without a span, for a setting not written
    /// or written wrong. A shot that sets no duration or aspect ratio gets these.
    public var settings = SceneSettings()

    /// An empty model of the scene rooted at `root`.
    public init(root: FileID?) { self.root = root }

    /// The declaration called `name`.
    public func declaration(named name: String) -> Int? {
        declarations.firstIndex { $0.name == name }
    }

    /// The shot called `name` (the first, if the name is used twice).
    public func shot(named name: String) -> Int? { shots.firstIndex { $0.name == name } }

    /// The mentions of shot `shot`.
    public func mentions(inShot shot: Int) -> ArraySlice<Mention> { mentions[shots[shot].mentions] }

    /// The pictures that read the local file at `resolvedPath` (as ``Picture/localPath``
    /// gives it), in declaration order: indices into ``declarations`` and its
    /// ``Declaration/pictures``. A file can be a picture of more than one declaration.
    public func pictures(readingFile resolvedPath: String) -> [(declaration: Int, picture: Int)] {
        var found: [(declaration: Int, picture: Int)] = []
        for (index, declaration) in declarations.enumerated() {
            for (picture, value) in declaration.pictures.enumerated() where value.localPath == resolvedPath {
                found.append((index, picture))
            }
        }
        return found
    }

    /// Where declaration `declaration` is used: indices into ``mentions``, in scene order,
    /// across every shot and file.
    public func usages(of declaration: Int) -> [Int] {
        mentions.indices.filter { mentions[$0].declaration == declaration }
    }

    /// The declaration a symbol refers to: a mention's, a declaration name's or a picture's.
    public func declaration(of symbol: Symbol) -> Int? {
        switch symbol {
        case .mention(let index): mentions[index].declaration
        case .declarationName(let index), .picture(let index, _): index
        case .shotName, .importPath: nil
        }
    }

    /// What stands at byte `offset` of `file`: a mention, a declaration's name, a shot's name,
    /// a picture or an import's path. A span covers its first byte up to and including its
    /// end, so a cursor just after a name is still on it; when one span ends where another
    /// begins, the one that begins wins.
    public func symbol(at offset: Int, in file: FileID) -> Symbol? {
        var atEnd: Symbol? = nil
        func check(_ span: SourceSpan, _ symbol: Symbol) -> Bool {
            guard span.file == file else { return false }
            if span.start <= offset, offset < span.end { return true }
            if offset == span.end, atEnd == nil { atEnd = symbol }
            return false
        }
        for (index, shot) in shots.enumerated() where shot.span.file == file {
            if check(shot.nameSpan, .shotName(index)) { return .shotName(index) }
            guard shot.span.start <= offset, offset <= shot.span.end else { continue }
            for index in shot.mentions where check(mentions[index].span, .mention(index)) {
                return .mention(index)
            }
        }
        for (index, declaration) in declarations.enumerated() where declaration.file == file {
            if check(declaration.nameSpan, .declarationName(index)) {
                return .declarationName(index)
            }
            for (picture, value) in declaration.pictures.enumerated()
            where check(value.written.span, .picture(declaration: index, picture: picture)) {
                return .picture(declaration: index, picture: picture)
            }
        }
        for (index, item) in imports.enumerated() where check(item.path.span, .importPath(index)) {
            return .importPath(index)
        }
        return atEnd
    }

    /// The files `file` imports, in the order written (those that could be read).
    public func imports(of file: FileID) -> [FileID] {
        imports.filter { $0.importer == file }.compactMap(\.target)
    }

    /// The imports that lead to `file`: indices into ``imports``.
    public func importers(of file: FileID) -> [Int] {
        imports.indices.filter { imports[$0].target == file }
    }
}

extension SemanticModel {
    /// The import graph of the files `loaded` read.
    static func imports(of loaded: SceneLoader.Result) -> [Import] {
        var imports: [Import] = []
        for file in loaded.trees.keys.sorted() {
            guard let tree = loaded.trees[file] else { continue }
            for case .importFile(let item) in tree.items {
                imports.append(
                    Import(
                        importer: file, path: item.path, span: item.span,
                        target: loaded.importTargets[item.path.span]))
            }
        }
        return imports
    }
}

extension Compilation {
    /// The compiled form of shot `shot` of ``model``; nil when the scene has errors.
    public func compiledShot(_ shot: Int) -> CompiledShot? {
        guard let scene, scene.shots.indices.contains(shot) else { return nil }
        return scene.shots[shot]
    }

    /// The request body shot `shot` of ``model`` compiles to; nil when the scene has errors.
    public func body(
        ofShot shot: Int, images form: LocalImageForm, fileSystem: any FileSystem = LocalFileSystem()
    )
        throws(RequestBuildError) -> JSONValue?
    {
        guard let scene, let compiled = compiledShot(shot) else { return nil }
        var builder = RequestBuilder(scene: scene, fileSystem: fileSystem)
        return try builder.body(for: compiled, images: form)
    }

    /// The file read from `path` (as it was given to the compiler or written in an import,
    /// joined to the importing file's folder).
    public func file(atPath path: String) -> FileID? {
        let normalized = Path.normalize(path)
        return sources.files.indices.first { Path.normalize(sources.files[$0].path) == normalized }
            .map(FileID.init)
    }
}
