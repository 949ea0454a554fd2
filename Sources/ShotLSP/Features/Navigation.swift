import ShotKit

#if canImport(Glibc)
    import Glibc
#endif

extension LanguageServer {
    /// `textDocument/definition`: a mention's declaration (in any file, either syntax), or the
    /// file an import names.
    func definition(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let document = try document(params)
        let offset = try offset(params, in: document)
        let index = index(document)
        guard let root = index.compilation.root, let item = index.item(in: root, at: offset) else { return .null }
        switch item {
        case .mention(let mentionIndex):
            guard let declaration = index.mentions[mentionIndex].declaration else { return .null }
            return location(index.declarations[declaration].nameSpan, in: index)
        case .declaration(let declaration):
            return location(index.declarations[declaration].nameSpan, in: index)
        case .importPath(let item):
            guard let file = index.model.imports[item].target else { return .null }
            return .object([
                ("uri", .string(uri(ofPath: index.path(of: file)))),
                ("range", LineTable.range(.init(line: 0, character: 0), .init(line: 0, character: 0))),
            ])
        case .shotHeader(let shot):
            return location(index.shots[shot].nameSpan, in: index)
        }
    }

    /// `textDocument/references`: every mention of the declaration at the position (and the
    /// declaration itself when asked), in every file that can see it.
    func references(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let document = try document(params)
        let offset = try offset(params, in: document)
        let includeDeclaration = params["context"]?["includeDeclaration"]?.boolValue ?? true
        guard let target = try target(document, offset) else { return .null }
        var locations: [JSONValue] = []
        for site in sites(of: target, includeDeclaration: includeDeclaration) {
            locations.append(
                .object([
                    ("uri", .string(uri(ofPath: site.path))),
                    ("range", LineTable(site.bytes).range(site.start, site.end)),
                ]))
        }
        return .array(locations)
    }

    /// `textDocument/prepareRename`: the name at the position, or an error saying why it
    /// cannot be renamed.
    func prepareRename(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let document = try document(params)
        let offset = try offset(params, in: document)
        guard let target = try target(document, offset) else {
            throw .requestFailed("only a declared name or an @mention can be renamed")
        }
        return .object([
            ("range", document.lines.range(target.nameStart, target.nameEnd)), ("placeholder", .string(target.name)),
        ])
    }

    /// `textDocument/rename`: the declaration and every mention, in every file that can see it.
    func rename(_ params: JSONValue) throws(RPCError) -> JSONValue {
        let document = try document(params)
        let offset = try offset(params, in: document)
        guard let newName = params["newName"]?.stringValue else { throw .invalidParams("rename needs 'newName'") }
        guard let target = try target(document, offset) else {
            throw .requestFailed("only a declared name or an @mention can be renamed")
        }
        if newName == target.name { return .object([("changes", .object([]))]) }
        guard NameRule.isValid(newName) else {
            throw .requestFailed(
                "'\(newName)' is not a valid name: a name starts with a letter or '_' and goes on with letters, digits, '_' and '-'"
            )
        }
        if Self.looksLikePositionalToken(newName) {
            throw .requestFailed("'\(newName)' is reserved: it looks like a positional token such as @Element1")
        }
        let indexes = indexesSeeing(target)
        for index in indexes {
            let sources = index.compilation.sources
            if let existing = index.model.declaration(named: newName) {
                let span = index.declarations[existing].nameSpan
                throw .requestFailed(
                    "'\(newName)' is already declared at \(sources.describe(span)); choose another name")
            }
            if let shot = index.shots.first(where: { $0.name == newName }) {
                throw .requestFailed(
                    "'\(newName)' is already the name of a shot at \(sources.describe(shot.nameSpan)); names are unique across references and shots"
                )
            }
        }
        var changes: [String: [JSONValue]] = [:]
        var order: [String] = []
        for site in sites(of: target, includeDeclaration: true) {
            let uri = uri(ofPath: site.path)
            if changes[uri] == nil { order.append(uri) }
            // A mention's site starts at `@`: keep it.
            let start = site.isMention ? site.start + 1 : site.start
            changes[uri, default: []].append(
                .object([
                    ("range", LineTable(site.bytes).range(start, site.end)), ("newText", .string(newName)),
                ]))
        }
        return .object([("changes", .object(order.map { ($0, .array(changes[$0] ?? [])) }))])
    }

    /// Whether `name` is `element` or `image` (any case) followed by digits.
    static func looksLikePositionalToken(_ name: String) -> Bool {
        let lower = name.lowercased()
        for prefix in ["element", "image"] where lower.hasPrefix(prefix) && lower.count > prefix.count {
            if lower.dropFirst(prefix.count).allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        }
        return false
    }

    /// A declaration to navigate from: its file and where its name is.
    struct RenameTarget {
        var name: String
        var declarationPath: String
        var declarationStart: Int
        /// The name at the cursor in the document (without `@`).
        var nameStart: Int
        var nameEnd: Int
    }

    /// One place a declaration's name is written.
    struct Site: Hashable {
        var path: String
        var start: Int
        var end: Int
        var isMention: Bool
        var bytes: [UInt8]
    }

    /// The declaration at `offset` of `document` (on its name or on a mention of it); nil
    /// when nothing is there; an error for positional tokens and unknown names.
    func target(_ document: Document, _ offset: Int) throws(RPCError) -> RenameTarget? {
        let index = index(document)
        guard let root = index.compilation.root, let item = index.item(in: root, at: offset) else { return nil }
        let declarationIndex: Int
        var nameStart: Int
        var nameEnd: Int
        switch item {
        case .mention(let mentionIndex):
            let mention = index.mentions[mentionIndex]
            guard let declared = mention.declaration else {
                if Self.looksLikePositionalToken(mention.name) {
                    throw .requestFailed(
                        "'@\(mention.name)' is a positional token: shotc writes those itself; there is nothing to rename"
                    )
                }
                throw .requestFailed(
                    "'@\(mention.name)' is not declared anywhere in the scene; declare it or fix its spelling first")
            }
            declarationIndex = declared
            nameStart = mention.span.start + 1
            nameEnd = mention.span.end
        case .declaration(let declared):
            declarationIndex = declared
            nameStart = index.declarations[declared].nameSpan.start
            nameEnd = index.declarations[declared].nameSpan.end
        default:
            return nil
        }
        let declaration = index.declarations[declarationIndex]
        return RenameTarget(
            name: declaration.name, declarationPath: Path.normalize(index.path(of: declaration.nameSpan.file)),
            declarationStart: declaration.nameSpan.start, nameStart: nameStart, nameEnd: nameEnd)
    }

    /// Analyses of every scene that reads the declaring file: open documents and scene files
    /// in the declaring file's folder.
    func indexesSeeing(_ target: RenameTarget) -> [SceneIndex] {
        var result: [SceneIndex] = []
        var roots = Set<String>()
        for document in documents.values.sorted(by: { $0.uri < $1.uri }) {
            let index = index(document)
            if index.file(atPath: target.declarationPath) != nil {
                result.append(index)
                roots.insert(Path.normalize(document.path))
            }
        }
        for path in Self.sceneFiles(in: Path.directory(of: target.declarationPath)) where !roots.contains(path) {
            let index = compile(path: path, text: nil)
            if index.file(atPath: target.declarationPath) != nil { result.append(index) }
        }
        return result
    }

    /// Every place the target's name is written, each once, across the scenes that see it.
    func sites(of target: RenameTarget, includeDeclaration: Bool) -> [Site] {
        var sites: [Site] = []
        var seen = Set<String>()
        for index in indexesSeeing(target) {
            let sources = index.compilation.sources
            guard
                let declarationIndex = index.declarations.firstIndex(where: {
                    $0.nameSpan.start == target.declarationStart
                        && Path.normalize(index.path(of: $0.nameSpan.file)) == target.declarationPath
                })
            else { continue }
            var spans: [(SourceSpan, Bool)] = []
            if includeDeclaration { spans.append((index.declarations[declarationIndex].nameSpan, false)) }
            for mention in index.model.usages(of: declarationIndex) {
                spans.append((index.mentions[mention].span, true))
            }
            for (span, isMention) in spans {
                let file = sources[span.file]
                let path = index.path(of: span.file)
                guard seen.insert("\(path)\u{0}\(span.start)").inserted else { continue }
                sites.append(
                    Site(path: path, start: span.start, end: span.end, isMention: isMention, bytes: file.bytes))
            }
        }
        return sites
    }

    /// The `.shot`, `.yaml` and `.yml` files directly in `directory`.
    static func sceneFiles(in directory: String) -> [String] {
        guard let handle = opendir(directory.isEmpty ? "." : directory) else { return [] }
        defer { closedir(handle) }
        var paths: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(".shot") || name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                paths.append(Path.join(directory, name))
            }
            if paths.count >= 200 { break }
        }
        return paths.sorted()
    }
}
