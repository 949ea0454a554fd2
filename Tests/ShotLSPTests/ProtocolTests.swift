import ShotKit
import Testing

@testable import ShotLSP

@Suite struct MessageFramerTests {
    private func frames(_ chunks: [String]) -> [MessageFramer.Frame] {
        var framer = MessageFramer()
        var out: [MessageFramer.Frame] = []
        for chunk in chunks {
            framer.append(Array(chunk.utf8))
            while let frame = framer.next() { out.append(frame) }
        }
        return out
    }

    @Test func splitsMessagesAcrossAndWithinChunks() {
        let two = "Content-Length: 2\r\n\r\n{}Content-Length: 4\r\nContent-Type: x\r\n\r\n[1,2]"
        #expect(frames([two]) == [.message(Array("{}".utf8)), .message(Array("[1,2".utf8))])
        #expect(frames(["Content-Len", "gth: 2\r", "\n\r\n{", "}"]) == [.message(Array("{}".utf8))])
    }

    @Test func malformedHeadersAreReportedAndSkipped() {
        let result = frames(["Nope: 1\r\n\r\nContent-Length: x\r\n\r\nContent-Length: 2\r\n\r\n{}"])
        #expect(result.count == 3)
        #expect(result.last == .message(Array("{}".utf8)))
    }

    @Test func anOversizedBodyIsSkippedAndTheNextMessageKept() {
        var framer = MessageFramer()
        let length = MessageFramer.maxContentLength + 1
        framer.append(Array("Content-Length: \(length)\r\n\r\n".utf8))
        framer.append([UInt8](repeating: 0x20, count: length))
        framer.append(Array("Content-Length: 2\r\n\r\n{}".utf8))
        guard case .malformed = framer.next() else {
            Issue.record("expected a malformed frame")
            return
        }
        #expect(framer.next() == .message(Array("{}".utf8)))
        #expect(framer.next() == nil)
    }
}

@Suite struct LineTableTests {
    @Test func utf16PositionsOfNonASCIIText() {
        // 'é' is 2 bytes and 1 unit; '🎬' 4 bytes and 2 units; CRLF and a lone CR end lines.
        let text = Array("aé🎬b\r\nx\ry\n".utf8)
        let table = LineTable(text)
        #expect(table.position(of: 0) == LSPPosition(line: 0, character: 0))
        #expect(table.position(of: 3) == LSPPosition(line: 0, character: 2))
        #expect(table.position(of: 7) == LSPPosition(line: 0, character: 4))
        #expect(table.position(of: 8) == LSPPosition(line: 0, character: 5))
        #expect(table.position(of: 10) == LSPPosition(line: 1, character: 0))
        #expect(table.position(of: 12) == LSPPosition(line: 2, character: 0))
        #expect(table.offset(of: LSPPosition(line: 0, character: 4)) == 7)
        // Inside a surrogate pair: rounded down to the scalar's start.
        #expect(table.offset(of: LSPPosition(line: 0, character: 3)) == 3)
        // Past the end of a line: the line's end; past the last line: the text's end.
        #expect(table.offset(of: LSPPosition(line: 0, character: 99)) == 8)
        #expect(table.offset(of: LSPPosition(line: 9, character: 0)) == text.count)
        for offset in [0, 1, 3, 7, 8, 10, 12] {
            #expect(table.offset(of: table.position(of: offset)) == offset)
        }
    }

    @Test func invalidUTF8BytesCountOneUnitEach() {
        let table = LineTable([0x61, 0xFF, 0xC3, 0x62])
        #expect(table.position(of: 4) == LSPPosition(line: 0, character: 4))
    }

    @Test func fileURIsRoundTrip() {
        let path = "/tmp/a b/é#?.shot"
        let uri = DocumentURI.uri(of: path)
        #expect(uri == "file:///tmp/a%20b/%C3%A9%23%3F.shot")
        #expect(DocumentURI.path(of: uri) == path)
        #expect(DocumentURI.path(of: "file://localhost/x.shot") == "/x.shot")
        #expect(DocumentURI.path(of: "untitled:1") == nil)
    }
}

@Suite struct RPCMessageTests {
    private func decode(_ text: String) -> Result<RPCMessage, RPCFailure> { RPCMessage.decode(Array(text.utf8)) }

    @Test func requestsNotificationsAndResponses() {
        guard case .success(.request(.int(3), "shutdown", _)) = decode(#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#)
        else {
            Issue.record("not a request")
            return
        }
        guard case .success(.request(.string("a"), _, _)) = decode(#"{"id":"a","method":"m"}"#)
        else {
            Issue.record("not a request with a string id")
            return
        }
        guard case .success(.notification("exit", _)) = decode(#"{"jsonrpc":"2.0","method":"exit"}"#)
        else {
            Issue.record("not a notification")
            return
        }
        guard case .success(.response) = decode(#"{"jsonrpc":"2.0","id":1,"result":null}"#)
        else {
            Issue.record("not a response")
            return
        }
    }

    @Test func aRequestWithANullOrObjectIdIsAnsweredWithAnError() {
        for text in [
            #"{"id":null,"method":"textDocument/hover"}"#, #"{"id":{},"method":"m"}"#, #"{"id":1.5,"method":"m"}"#,
        ] {
            guard case .failure(let failure) = decode(text) else {
                Issue.record("accepted \(text)")
                continue
            }
            #expect(failure.error.code == -32600)
        }
    }
}

/// The server keeps a compile cache for a bounded number of folders.
@Suite struct CacheBoundTests {
    @Test func theFolderCompiledInLeastRecentlyLosesItsCache() {
        let server = LanguageServer(send: { _ in })
        let limit = LanguageServer.maxCachedFolders
        let text = Array("shot a\n  waits.\n".utf8)
        func compile(_ folder: Int) { _ = server.compile(path: "/nowhere/f\(folder)/scene.shot", text: text) }
        for folder in 0..<limit { compile(folder) }
        #expect(server.caches.count == limit)
        // Folder 0 compiled in again, then one folder more (limit + 1): folder 1 goes.
        compile(0)
        compile(limit)
        #expect(server.caches.count == limit)
        #expect(server.caches["/nowhere/f1"] == nil)
        #expect(server.caches["/nowhere/f0"] != nil && server.caches["/nowhere/f\(limit)"] != nil)
        #expect(server.cachedFolders.count == limit)
    }
}
