import ShotKit

/// What the editor features ask of a compiled scene, answered in one place.
///
/// Built from the syntax trees of a ``Compilation`` (so it works while the scene has errors),
/// enriched with the ``CompiledScene`` when there is one (positional tokens, prompts as sent,
/// image sizes). When ShotKit's semantic model lands, this type is the one to switch over.
public struct SceneIndex: Sendable {
    /// A declared reference, in any file of the scene.
    public struct Declaration: Sendable {
        /// Its name.
        public var name: String
        /// Its kind.
        public var kind: DeclarationKind
        /// Where the name is written.
        public var nameSpan: SourceSpan
        /// The declaration's syntax.
        public var syntax: DeclarationSyntax
        /// The checked reference, when the scene has no errors.
        public var reference: Reference?
    }

    /// One `@name` in a shot's prose.
    public struct MentionSite: Sendable {
        /// The name, without `@`.
        public var name: String
        /// Where `@name` is written.
        public var span: SourceSpan
        /// The shot it is in (index into ``SceneIndex/shots``).
        public var shot: Int
        /// The declaration it names, if any.
        public var declaration: Int?
        /// The positional token it becomes in its shot (`@Element1`): the compiler's when the scene
        /// is checked, numbered from the syntax while it has errors.
        public var token: String?
    }

    /// A shot of any file of the scene.
    public struct ShotSite: Sendable {
        /// Its syntax.
        public var syntax: ShotSyntax
        /// The checked shot, when the scene has no errors.
        public var compiled: CompiledShot?
    }

    /// What stands at a place in a file.
    public enum Item: Sendable {
        /// A mention (index into ``SceneIndex/mentions``).
        case mention(Int)
        /// A declaration's name (index into ``SceneIndex/declarations``).
        case declaration(Int)
        /// A shot's header line (index into ``SceneIndex/shots``).
        case shotHeader(Int)
        /// The path of an import, and the file it names when it was read.
        case importPath(ImportSyntax, FileID?)
    }

    /// The compilation the index was built from.
    public let compilation: Compilation
    /// The folder the compilation's relative paths are relative to.
    public let baseDirectory: String
    /// Every declaration, file by file in the order the files were read.
    public private(set) var declarations: [Declaration] = []
    /// Every mention, in file and prose order.
    public private(set) var mentions: [MentionSite] = []
    /// Every shot.
    public private(set) var shots: [ShotSite] = []
    /// The first declaration of each name.
    public private(set) var declarationByName: [String: Int] = [:]
    private var fileByPath: [String: FileID] = [:]

    /// The index of `compilation`, whose relative paths are relative to `baseDirectory`.
    public init(_ compilation: Compilation, baseDirectory: String) {
        self.compilation = compilation
        self.baseDirectory = baseDirectory
        for file in compilation.sources.files {
            fileByPath[Path.join(baseDirectory, file.path)] = file.id
        }
        let references = compilation.scene?.references ?? []
        var referenceBySpan: [SourceSpan: Reference] = [:]
        for reference in references { referenceBySpan[reference.nameSpan] = reference }
        var compiledBySpan: [SourceSpan: CompiledShot] = [:]
        for shot in compilation.scene?.shots ?? [] { compiledBySpan[shot.nameSpan] = shot }

        let files = compilation.trees.keys.sorted()
        for file in files {
            guard let tree = compilation.trees[file] else { continue }
            for declaration in tree.declarations {
                let index = declarations.count
                declarations.append(
                    Declaration(
                        name: declaration.name.value, kind: declaration.kind,
                        nameSpan: declaration.name.span, syntax: declaration,
                        reference: referenceBySpan[declaration.name.span]))
                if declarationByName[declaration.name.value] == nil {
                    declarationByName[declaration.name.value] = index
                }
            }
        }
        for file in files {
            guard let tree = compilation.trees[file] else { continue }
            for shot in tree.shots {
                let shotIndex = shots.count
                let compiled = compiledBySpan[shot.name.span]
                shots.append(ShotSite(syntax: shot, compiled: compiled))
                var tokenBySpan: [SourceSpan: String] = [:]
                for mention in compiled?.mentions ?? [] { tokenBySpan[mention.span] = mention.token }
                // Without a checked scene, number the shot's references the way the compiler
                // does (spec section 2: elements and images apart, by first mention).
                var numbered: [Int: String] = [:]
                var elementCount = 0
                var imageCount = 0
                for found in MentionScanner.scan(shot.prose.text).mentions {
                    let span = shot.prose.sourceSpan(ofTextRange: found.range)
                    let declaration = declarationByName[found.name]
                    var token = tokenBySpan[span]
                    if compiled == nil, let declaration {
                        if numbered[declaration] == nil {
                            if declarations[declaration].kind.isElement {
                                elementCount += 1
                                numbered[declaration] = "@Element\(elementCount)"
                            } else {
                                imageCount += 1
                                numbered[declaration] = "@Image\(imageCount)"
                            }
                        }
                        token = numbered[declaration]
                    }
                    mentions.append(
                        MentionSite(
                            name: found.name, span: span, shot: shotIndex, declaration: declaration, token: token))
                }
            }
        }
    }

    /// The file read from `path`, if the compilation read it.
    public func file(atPath path: String) -> FileID? { fileByPath[Path.join(baseDirectory, path)] }

    /// The absolute path of `file`.
    public func path(of file: FileID) -> String { Path.join(baseDirectory, compilation.sources[file].path) }

    /// The path of `file` as diagnostics show it (relative to the root file's folder).
    public func displayPath(of file: FileID) -> String { compilation.sources[file].path }

    /// What stands at byte `offset` of `file` (a cursor just after a name still counts).
    public func item(in file: FileID, at offset: Int) -> Item? {
        func covers(_ span: SourceSpan) -> Bool {
            span.file == file && span.start <= offset && offset <= span.end
        }
        if let index = mentions.firstIndex(where: { covers($0.span) }) { return .mention(index) }
        if let index = declarations.firstIndex(where: { covers($0.nameSpan) }) {
            return .declaration(index)
        }
        guard let tree = compilation.trees[file] else { return nil }
        for item in tree.imports where covers(item.span) {
            let directory = Path.directory(of: path(of: file))
            return .importPath(item, self.file(atPath: Path.join(directory, item.path.value)))
        }
        // A shot's header: from the start of the shot to the end of its name's line.
        let source = compilation.sources[file]
        let line = source.lineIndex(of: offset)
        if let index = shots.firstIndex(where: { shot in
            shot.syntax.name.span.file == file && offset >= shot.syntax.span.start
                && source.lineIndex(of: shot.syntax.name.span.start) == line
        }) {
            return .shotHeader(index)
        }
        return nil
    }

    /// The mentions of declaration `index`.
    public func mentions(of index: Int) -> [Int] {
        mentions.indices.filter { mentions[$0].declaration == index }
    }

    /// The declarations named `name`.
    public func declarations(named name: String) -> [Int] {
        declarations.indices.filter { declarations[$0].name == name }
    }

    /// The shot names that mention declaration `index`, in order, each once.
    public func shotsMentioning(_ index: Int) -> [String] {
        var names: [String] = []
        for mention in mentions where mention.declaration == index {
            let name = shots[mention.shot].syntax.name.value
            if !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The absolute path the image value `written` of a declaration in `file` reads, or nil
    /// for URLs and data URIs.
    public func imagePath(_ written: String, in file: FileID) -> String? {
        if written.hasPrefix("http://") || written.hasPrefix("https://") || written.hasPrefix("data:") {
            return nil
        }
        return Path.join(Path.directory(of: path(of: file)), written)
    }
}
