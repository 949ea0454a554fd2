// `shotc lsp` driven as a subprocess over pipes: the protocol (framing, errors, lifecycle) and
// the features on a scratch copy of examples/greenhouse.
import Foundation
import ShotKit
import ShotcTestSupport
import Testing

@Suite("shotc lsp", .serialized)
struct LSPTests {
    /// A scratch greenhouse and a server whose folder it is.
    private func start() throws -> (Scratch, LSPClient) {
        let scratch = try Scratch(example: "greenhouse", file: "greenhouse.shot")
        let client = try LSPClient(directory: scratch.folder)
        #expect(client.initialize(root: scratch.folder)?["result"]?["capabilities"] != nil)
        return (scratch, client)
    }

    /// Stops the server and removes the scratch folder, at the end of a test.
    private func finish(_ client: LSPClient, _ scratch: Scratch) {
        client.stop()
        scratch.remove()
    }

    private func text(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    @Test func shutdownAndExitEndWithStatusZero() throws {
        let (scratch, client) = try start()
        defer { scratch.remove() }
        let result = try #require(client.initialize(root: scratch.folder))
        // A second initialize is answered too (the server does not crash on it).
        #expect(result["id"] != nil)
        let shutdown = try #require(client.call("shutdown", .null))
        #expect(shutdown["result"]?.isNull == true)
        // After shutdown, requests are refused but answered.
        let refused = try #require(client.call("textDocument/hover", .at("file:///x.shot", 0, 0)))
        #expect(refused["error"]?["code"]?.intValue == -32600)
        client.notify("exit", .null)
        #expect(client.waitForExit() == 0)
    }

    @Test func closedStdinEndsTheServer() throws {
        let (scratch, client) = try start()
        defer { scratch.remove() }
        client.closeInput()
        #expect(client.waitForExit() == 0)
    }

    @Test func requestBeforeInitializeIsAnError() throws {
        let client = try LSPClient()
        defer { client.stop() }
        let answer = try #require(client.call("textDocument/hover", .at("file:///x.shot", 0, 0)))
        #expect(answer["error"]?["code"]?.intValue == -32002)
    }

    @Test func malformedFramesGetErrorsAndTheServerGoesOn() throws {
        let (scratch, client) = try start()
        defer { finish(client, scratch) }
        // A header without Content-Length, a body that is not JSON, JSON that is not an object,
        // a method that is not a string, and an absurd length.
        client.writeRaw(Array("X-Nonsense: 1\r\n\r\n".utf8))
        client.writeRaw(Array("Content-Length: 5\r\n\r\n{oops".utf8))
        client.writeRaw(Array("Content-Length: 2\r\n\r\n[]".utf8))
        let numericMethod = #"{"jsonrpc":"2.0","id":9,"method":5}"#
        client.writeRaw(Array("Content-Length: \(numericMethod.utf8.count)\r\n\r\n\(numericMethod)".utf8))
        client.writeRaw(Array("Content-Length: nine\r\n\r\n".utf8))
        var errors: [JSONValue] = []
        for _ in 0..<5 {
            guard let error = client.waitFor(timeout: 10, { $0["error"] != nil }) else { break }
            errors.append(error)
        }
        #expect(errors.count == 5, "\(errors.map { $0.rendered(pretty: false) })")
        #expect(errors.compactMap { $0["error"]?["code"]?.intValue }.allSatisfy { $0 == -32700 || $0 == -32600 })
        // Still serving.
        let answer = try #require(
            client.call("textDocument/documentSymbol", .textDocument(DocumentURIForTests.uri(scratch.scene))))
        #expect(answer["result"]?.arrayValue?.count == 5)
        #expect(client.garbage.isEmpty)
    }

    @Test func unknownMethodsAndUnopenedDocuments() throws {
        let (scratch, client) = try start()
        defer { finish(client, scratch) }
        let unknown = try #require(client.call("textDocument/frobnicate", .object([])))
        #expect(unknown["error"]?["code"]?.intValue == -32601)
        // An unknown notification is ignored, not answered.
        client.notify("custom/whatever", .object([]))
        // A document never opened is read from disk.
        let hover = try #require(client.call("textDocument/hover", .at(DocumentURIForTests.uri(scratch.scene), 24, 35)))
        #expect(
            hover["result"]?["contents"]?["value"]?.stringValue?.contains("mara") == true,
            "\(hover.rendered(pretty: false))")
        // One that does not exist is an error, not a crash.
        let missing = try #require(client.call("textDocument/hover", .at("file:///nonexistent/x.shot", 0, 0)))
        #expect(missing["error"]?["code"]?.intValue == -32803)
        // Missing params.
        let bad = try #require(client.call("textDocument/definition", .object([])))
        #expect(bad["error"]?["code"]?.intValue == -32602)
        let notFile = try #require(client.call("textDocument/hover", .at("untitled:1", 0, 0)))
        #expect(notFile["error"] != nil)
    }

    @Test func invalidUTF8InAChangeIsRefusedAndTheDocumentKept() throws {
        let (scratch, client) = try start()
        defer { finish(client, scratch) }
        let uri = DocumentURIForTests.uri(scratch.scene)
        client.open(scratch.scene, text: text(scratch.scene))
        #expect(client.diagnostics(for: uri) == [])
        let prefix =
            Array(#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":""#.utf8)
            + Array(uri.utf8) + Array(#"","version":2},"contentChanges":[{"text":"shot a\n  bad "#.utf8)
        let body = prefix + [0xFF, 0xC3, 0x28] + Array(#""}]}}"#.utf8)
        client.writeRaw(Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
        let error = try #require(client.waitFor { $0["error"] != nil })
        #expect(error["error"]?["code"]?.intValue == -32700)
        // A lone surrogate escape is not text either.
        client.change(uri, version: 3, text: "x")
        let escaped =
            Array(#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":""#.utf8)
            + Array(uri.utf8) + Array(#"","version":4},"contentChanges":[{"text":"\udc80"}]}}"#.utf8)
        client.writeRaw(Array("Content-Length: \(escaped.count)\r\n\r\n".utf8) + escaped)
        #expect(client.waitFor { $0["error"] != nil }?["error"]?["code"]?.intValue == -32700)
        // The document is the last text that was valid ("x": an unknown keyword).
        let diagnostics = try #require(client.diagnostics(for: uri))
        #expect(diagnostics.first?["code"]?.stringValue == "E0006", "\(diagnostics)")
    }

    @Test func aThousandRapidChangesEndWithTheCheckOfTheFinalText() throws {
        let (scratch, client) = try start()
        defer { finish(client, scratch) }
        let uri = DocumentURIForTests.uri(scratch.scene)
        let original = text(scratch.scene)
        client.open(scratch.scene, text: original)
        _ = client.diagnostics(for: uri)
        var final = original
        for version in 2...1001 {
            // Alternate between typing errors and fixing them; end on a broken text.
            final = original.replacingOccurrences(
                of: "@mara standing", with: version % 7 == 0 ? "@mara standing" : "@mar\(version) standing")
            if version == 1001 {
                final = original.replacingOccurrences(of: "@ghibli palette", with: "@ghibl palette")
                    .replacingOccurrences(of: "duration 5s", with: "duration 12s")
            }
            client.change(uri, version: version, text: final)
        }
        let published = try #require(
            client.waitFor(timeout: 60) {
                $0["method"]?.stringValue == "textDocument/publishDiagnostics"
                    && $0["params"]?["version"]?.intValue == 1001
            })
        let diagnostics = try #require(published["params"]?["diagnostics"]?.arrayValue)
        // What `shotc check` says of the same text.
        let checked = scratch.folder + "/final.shot"
        try final.write(toFile: checked, atomically: true, encoding: .utf8)
        let check = try scratch.run(
            ["check", checked, "--diagnostics", "json"], environment: ShotcProcess.environment([:]))
        let expected = check.stderr.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(expected.count >= 2)
        #expect(diagnostics.count == expected.count, "\(diagnostics)\n\(check)")
        for (got, want) in zip(diagnostics, expected) {
            #expect(got["code"]?.stringValue == want["code"]?.stringValue)
            #expect(got["range"]?["start"]?["line"]?.intValue == (want["line"]?.intValue ?? 0) - 1)
            #expect(got["range"]?["start"]?["character"]?.intValue == (want["column"]?.intValue ?? 0) - 1)
            #expect(got["range"]?["end"]?["line"]?.intValue == (want["endLine"]?.intValue ?? 0) - 1)
            #expect(got["range"]?["end"]?["character"]?.intValue == (want["endColumn"]?.intValue ?? 0) - 1)
            let message = got["message"]?.stringValue?.split(separator: "\n").first.map(String.init)
            #expect(message == want["message"]?.stringValue)
            #expect(got["source"]?.stringValue == "shotc")
        }
    }

    @Test func diagnosticsUseUTF16ColumnsAndTheCodeActionClearsThem() throws {
        let (scratch, client) = try start()
        defer { finish(client, scratch) }
        let uri = DocumentURIForTests.uri(scratch.scene)
        // Before the typo: 'é' (1 UTF-16 unit, 2 bytes) and '🎬' (2 units, 4 bytes).
        let broken = text(scratch.scene).replacingOccurrences(
            of: "  A slow 180-degree orbit around @mara,", with: "  A slow é🎬 orbit around @mra,")
        client.open(scratch.scene, text: broken)
        let diagnostics = try #require(client.diagnostics(for: uri))
        #expect(diagnostics.count == 1, "\(diagnostics)")
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic["code"]?.stringValue == "E0101")
        #expect(diagnostic["severity"]?.intValue == 1)
        let line = try #require(
            broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("@mra") })
        #expect(diagnostic["range"]?["start"]?["line"]?.intValue == line)
        // "  A slow é🎬 orbit around " is 2+7+1+2+14 = 26 UTF-16 units.
        #expect(diagnostic["range"]?["start"]?["character"]?.intValue == 26)
        #expect(diagnostic["range"]?["end"]?["character"]?.intValue == 30)
        #expect(diagnostic["data"]?["explanation"]?.stringValue?.isEmpty == false)

        let diagnosticRange = try #require(diagnostic["range"])
        let actions = try #require(
            client.call(
                "textDocument/codeAction",
                .object([
                    ("textDocument", .object([("uri", .string(uri))])),
                    ("range", diagnosticRange),
                    ("context", .object([("diagnostics", .array(diagnostics))])),
                ]))?["result"]?.arrayValue)
        let action = try #require(actions.first)
        #expect(action["title"]?.stringValue == "replace with '@mara'")
        let edit = try #require(action["edit"]?["changes"]?[uri]?.arrayValue?.first)
        #expect(edit["newText"]?.stringValue == "@mara")
        #expect(edit["range"] == diagnostic["range"])
        // Apply it as an editor would (an incremental change) and see the diagnostics clear.
        let editRange = try #require(edit["range"])
        client.change(uri, version: 2, text: "@mara", range: editRange)
        #expect(client.diagnostics(for: uri) == [])
    }

    @Test func completionHoverDefinitionReferencesRename() throws {
        let (scratch, client) = try start()
        defer { finish(client, scratch) }
        let uri = DocumentURIForTests.uri(scratch.scene)
        let cast = scratch.folder + "/cast.shot"
        let source = text(scratch.scene)
        client.open(scratch.scene, text: source)
        _ = client.diagnostics(for: uri)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func position(_ needle: String, _ offset: Int = 0) throws -> (Int, Int) {
            let line = try #require(lines.firstIndex { $0.contains(needle) })
            let column = try #require(lines[line].range(of: needle)).lowerBound
            return (line, lines[line].utf16.distance(from: lines[line].startIndex, to: column) + offset)
        }

        // Completion after '@' (names of the scene and of the imported cast).
        let (orbitLine, orbitColumn) = try position("@mara, @ghibli", 1)
        let completion = try #require(
            client.call("textDocument/completion", .at(uri, orbitLine, orbitColumn))?["result"]?["items"]?.arrayValue)
        let labels = completion.compactMap { $0["label"]?.stringValue }
        #expect(Set(labels) == ["mara", "ruin", "ghibli", "stone"], "\(labels)")
        #expect(
            completion.first { $0["label"]?.stringValue == "stone" }?["detail"]?.stringValue == "prop · cast.shot:2")
        // On a shot header: durations and aspects.
        let (headerLine, _) = try position("shot orbit 8s")
        let header = try #require(
            client.call("textDocument/completion", .at(uri, headerLine, 11))?["result"]?["items"]?.arrayValue)
        #expect(header.compactMap { $0["label"]?.stringValue } == (3...10).map { "\($0)s" } + ["16:9", "9:16", "1:1"])

        // Hover on a mention: the declaration and the token in this shot.
        let hover = try #require(
            client.call("textDocument/hover", .at(uri, orbitLine, orbitColumn))?["result"]?["contents"]?["value"]?
                .stringValue)
        #expect(hover.contains("`@mara` → `@Element1` in shot `orbit`"), "\(hover)")
        #expect(hover.contains("A young explorer"))
        #expect(hover.contains("px"))
        // Hover on a shot header: duration, aspect, cost and the prompt as sent.
        let shotHover = try #require(
            client.call("textDocument/hover", .at(uri, headerLine, 6))?["result"]?["contents"]?["value"]?.stringValue)
        #expect(shotHover.contains("8s · 16:9"), "\(shotHover)")
        #expect(shotHover.contains("A slow 180-degree orbit around @Element1, @Image1 palette."))
        #expect(shotHover.contains("$0.67"))

        // Definition of @stone: in cast.shot.
        let (stoneLine, stoneColumn) = try position("@stone", 2)
        let definition = try #require(
            client.call("textDocument/definition", .at(uri, stoneLine, stoneColumn))?["result"])
        #expect(definition["uri"]?.stringValue == DocumentURIForTests.uri(cast))
        #expect(definition["range"]?["start"] == .position(1, 5))

        // References of mara: the declaration and three mentions.
        let (maraLine, maraColumn) = try position("character mara", 11)
        let references = try #require(
            client.call(
                "textDocument/references",
                .object([
                    ("textDocument", .object([("uri", .string(uri))])), ("position", .position(maraLine, maraColumn)),
                    ("context", .object([("includeDeclaration", .bool(true))])),
                ]))?["result"]?.arrayValue)
        #expect(references.count == 3)

        // prepareRename: a name yes, a positional token or an unknown name no.
        let prepared = try #require(
            client.call("textDocument/prepareRename", .at(uri, stoneLine, stoneColumn))?["result"])
        #expect(prepared["placeholder"]?.stringValue == "stone")
        #expect(prepared["range"]?["start"]?["character"]?.intValue == stoneColumn - 1)

        // Rename stone → pebble: cast.shot and greenhouse.shot.
        let rename = try #require(
            client.call("textDocument/rename", .rename(uri, stoneLine, stoneColumn, to: "pebble"))?["result"]?[
                "changes"])
        #expect(rename[uri]?.arrayValue?.count == 1)
        #expect(rename[DocumentURIForTests.uri(cast)]?.arrayValue?.first?["newText"]?.stringValue == "pebble")
        // Collisions and reserved names are refused.
        let collision = try #require(
            client.call("textDocument/rename", .rename(uri, stoneLine, stoneColumn, to: "mara")))
        #expect(collision["error"]?["message"]?.stringValue?.contains("already declared") == true)
        let reserved = try #require(
            client.call("textDocument/rename", .rename(uri, stoneLine, stoneColumn, to: "Element2")))
        #expect(reserved["error"]?["message"]?.stringValue?.contains("reserved") == true)
        let shotName = try #require(
            client.call("textDocument/rename", .rename(uri, stoneLine, stoneColumn, to: "orbit")))
        #expect(shotName["error"] != nil)

        // Symbols and semantic tokens.
        let symbols = try #require(
            client.call("textDocument/documentSymbol", .textDocument(uri))?["result"]?.arrayValue)
        #expect(symbols.compactMap { $0["name"]?.stringValue } == ["mara", "ruin", "ghibli", "opening", "orbit"])
        #expect(symbols.last?["detail"]?.stringValue == "8s 16:9")
        let tokens = try #require(
            client.call("textDocument/semanticTokens/full", .textDocument(uri))?["result"]?["data"]?.arrayValue)
        #expect(tokens.count == 5 * (3 + 6))

        // Formatting: shotc fmt's layout as one edit of the whole text, none once formatted.
        let path = scratch.scene
        let unformatted = text(path).replacingOccurrences(of: "model standard", with: "model    standard")
        client.change(uri, version: 99, text: unformatted)
        let edits = try #require(
            client.call("textDocument/formatting", .textDocument(uri))?["result"]?.arrayValue)
        #expect(edits.count == 1)
        let formatted = try #require(edits.first?["newText"]?.stringValue)
        #expect(formatted.contains("model standard"))
        #expect(!formatted.contains("model    standard"))
        client.change(uri, version: 100, text: formatted)
        let none = client.call("textDocument/formatting", .textDocument(uri))
        #expect(none?["result"]?.arrayValue?.isEmpty == true)
    }

    @Test func positionalTokensCannotBeRenamedAndUnknownMentionsAreMarked() throws {
        let (scratch, client) = try start()
        defer { finish(client, scratch) }
        let uri = DocumentURIForTests.uri(scratch.scene)
        let source = text(scratch.scene).replacingOccurrences(of: "around @mara,", with: "around @Element1, @nobody,")
        client.open(scratch.scene, text: source)
        _ = client.diagnostics(for: uri)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains("@Element1") })
        let column = lines[line].utf16.count - lines[line].drop(while: { $0 != "@" }).utf16.count
        let refused = try #require(client.call("textDocument/prepareRename", .at(uri, line, column + 2)))
        #expect(refused["error"]?["message"]?.stringValue?.contains("positional token") == true)
        // While the scene has errors, hover and completion still work from the syntax trees.
        let hover = try #require(
            client.call("textDocument/hover", .at(uri, line, column + 13))?["result"]?["contents"]?["value"]?
                .stringValue)
        #expect(hover.contains("unknown reference"))
        // Tokens are numbered from the syntax too: @mara is the second mention of shot opening,
        // its first element.
        let maraLine = try #require(lines.firstIndex { $0.contains("revealing @mara") })
        let maraColumn = lines[maraLine].utf16.count - lines[maraLine].drop(while: { $0 != "@" }).utf16.count
        let maraHover = try #require(
            client.call("textDocument/hover", .at(uri, maraLine, maraColumn + 2))?["result"]?["contents"]?["value"]?
                .stringValue)
        #expect(maraHover.contains("`@mara` → `@Element1` in shot `opening`"), "\(maraHover)")
        let items = try #require(
            client.call("textDocument/completion", .at(uri, line, column + 1))?["result"]?["items"]?.arrayValue)
        #expect(items.count == 4)
        // Semantic tokens: the two unknown mentions are `unresolvedReference` (type 1).
        let data = try #require(
            client.call("textDocument/semanticTokens/full", .textDocument(uri))?["result"]?["data"]?.arrayValue)
        let types = stride(from: 3, to: data.count, by: 5).compactMap { data[$0].intValue }
        #expect(types.filter { $0 == 1 }.count == 2)
    }

    @Test func importsComeFromOpenBuffers() throws {
        let (scratch, client) = try start()
        defer { finish(client, scratch) }
        let uri = DocumentURIForTests.uri(scratch.scene)
        let cast = scratch.folder + "/cast.shot"
        let castURI = DocumentURIForTests.uri(cast)
        client.open(scratch.scene, text: text(scratch.scene))
        #expect(client.diagnostics(for: uri) == [])
        // Renaming the prop in the open (unsaved) cast breaks the scene's @stone.
        client.open(cast, text: text(cast).replacingOccurrences(of: "prop stone", with: "prop rock"))
        _ = client.diagnostics(for: castURI)
        let broken = try #require(client.diagnostics(for: uri))
        #expect(broken.first?["code"]?.stringValue == "E0101", "\(broken)")
        // Closing the buffer goes back to the disk.
        client.notify("textDocument/didClose", .textDocument(castURI))
        #expect(client.diagnostics(for: uri) == [])
    }

    @Test func anEditToAnOpenImportOfTheSameSizeIsSeen() throws {
        // The server keeps parsed imports between compiles (AnalysisCache): an open buffer
        // is a new file at each edit, even when its size does not change.
        let (scratch, client) = try start()
        defer { finish(client, scratch) }
        let uri = DocumentURIForTests.uri(scratch.scene)
        let cast = scratch.folder + "/cast.shot"
        let castURI = DocumentURIForTests.uri(cast)
        client.open(scratch.scene, text: text(scratch.scene))
        #expect(client.diagnostics(for: uri) == [])
        let original = text(cast)
        client.open(cast, text: original.replacingOccurrences(of: "prop stone", with: "prop stonx"))
        _ = client.diagnostics(for: castURI)
        #expect(client.diagnostics(for: uri)?.first?["code"]?.stringValue == "E0101")
        client.change(castURI, version: 2, text: original)
        _ = client.diagnostics(for: castURI)
        #expect(client.diagnostics(for: uri) == [])
    }

    @Test func renamingInTheCastReachesTheScenesThatImportIt() throws {
        let (scratch, client) = try start()
        defer { finish(client, scratch) }
        let cast = scratch.folder + "/cast.shot"
        let castURI = DocumentURIForTests.uri(cast)
        client.open(cast, text: text(cast))
        _ = client.diagnostics(for: castURI)
        // Only the cast is open: greenhouse.shot is found in its folder.
        let answer = try #require(
            client.call("textDocument/rename", .rename(castURI, 1, 6, to: "rock")))
        let changes = try #require(answer["result"]?["changes"], "\(answer)")
        #expect(changes[castURI]?.arrayValue?.count == 1)
        #expect(changes[DocumentURIForTests.uri(scratch.scene)]?.arrayValue?.count == 1)
        // greenhouse.yaml imports cast.yaml, not cast.shot: untouched.
        #expect(changes[DocumentURIForTests.uri(scratch.folder + "/greenhouse.yaml")] == nil)
    }

    @Test func yamlScenesWorkToo() throws {
        let (scratch, client) = try start()
        defer { finish(client, scratch) }
        let scene = scratch.folder + "/greenhouse.yaml"
        let uri = DocumentURIForTests.uri(scene)
        let source = text(scene)
        client.open(scene, text: source, language: "yaml")
        #expect(client.diagnostics(for: uri) == [])
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let line = try #require(lines.firstIndex { $0.contains("glowing @stone") })
        let column = lines[line].utf16.count - lines[line].drop(while: { $0 != "@" }).utf16.count
        // Definition into the YAML cast, hover and completion in a folded prompt.
        let definition = try #require(client.call("textDocument/definition", .at(uri, line, column + 2))?["result"])
        #expect(definition["uri"]?.stringValue == DocumentURIForTests.uri(scratch.folder + "/cast.yaml"))
        let hover = try #require(
            client.call("textDocument/hover", .at(uri, line, column + 2))?["result"]?["contents"]?["value"]?.stringValue
        )
        #expect(hover.contains("`@stone` → `@Element2` in shot `opening`"), "\(hover)")
        let items = try #require(
            client.call("textDocument/completion", .at(uri, line, column + 1))?["result"]?["items"]?.arrayValue)
        #expect(items.count == 4)
        // A typo in YAML prose is reported where it is.
        client.change(uri, version: 2, text: "stine", range: LineTableRange.make(line, column + 1, line, column + 6))
        let diagnostics = try #require(client.diagnostics(for: uri))
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?["range"]?["start"] == .position(line, column))
    }
}

/// An LSP range as JSON.
enum LineTableRange {
    static func make(_ startLine: Int, _ startCharacter: Int, _ endLine: Int, _ endCharacter: Int) -> JSONValue {
        .object([("start", .position(startLine, startCharacter)), ("end", .position(endLine, endCharacter))])
    }
}
