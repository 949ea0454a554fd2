// Test support for `shotc lsp`: the built binary as a child process over pipes, with a reader
// thread that splits its output into messages.
import Foundation
import ShotKit
import ShotcTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `shotc lsp` running as a child, spoken to over its stdin and stdout.
final class LSPClient: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let condition = NSCondition()
    private var messages: [JSONValue] = []
    private var readerDone = false
    private var nextID = 1
    /// The raw bytes read so far that are not yet a whole message.
    private var pendingBytes: [UInt8] = []
    /// Whatever the server wrote that was not a well-framed JSON message.
    private(set) var garbage: [String] = []

    init(arguments: [String] = ["lsp", "--debounce-ms", "20"], directory: String? = nil) throws {
        process.executableURL = try ShotcProcess.executableURL()
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.environment = ShotcProcess.environment([:])
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        try process.run()
        let handle = output.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                condition.lock()
                pendingBytes += data
                splitMessages()
                condition.broadcast()
                condition.unlock()
            }
            condition.lock()
            readerDone = true
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Moves whole messages from `pendingBytes` to `messages` (lock held).
    private func splitMessages() {
        while let headerEnd = pendingBytes.firstRange(of: Array("\r\n\r\n".utf8)) {
            let header = String(decoding: pendingBytes[..<headerEnd.lowerBound], as: UTF8.self)
            guard header.hasPrefix("Content-Length: "), let length = Int(header.dropFirst(16)) else {
                garbage.append(header)
                pendingBytes.removeSubrange(..<headerEnd.upperBound)
                continue
            }
            guard pendingBytes.count - headerEnd.upperBound >= length else { return }
            let body = Array(pendingBytes[headerEnd.upperBound..<(headerEnd.upperBound + length)])
            pendingBytes.removeSubrange(..<(headerEnd.upperBound + length))
            if let value = try? JSONValue.parse(body) {
                messages.append(value)
            } else {
                garbage.append(String(decoding: body, as: UTF8.self))
            }
        }
    }

    /// Writes raw bytes to the server's stdin.
    func writeRaw(_ bytes: [UInt8]) {
        input.fileHandleForWriting.write(Data(bytes))
    }

    /// Writes one framed message.
    func send(_ message: JSONValue) {
        let body = message.bytes(pretty: false)
        writeRaw(Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
    }

    /// Sends a request and returns its id.
    @discardableResult
    func request(_ method: String, _ params: JSONValue) -> Int {
        let id = nextID
        nextID += 1
        send(.object([("jsonrpc", .string("2.0")), ("id", .int(id)), ("method", .string(method)), ("params", params)]))
        return id
    }

    /// Sends a notification.
    func notify(_ method: String, _ params: JSONValue) {
        send(.object([("jsonrpc", .string("2.0")), ("method", .string(method)), ("params", params)]))
    }

    /// The first message (removed from the queue) that satisfies `matches`, waiting up to
    /// `timeout` seconds.
    func waitFor(timeout: TimeInterval = 20, _ matches: (JSONValue) -> Bool) -> JSONValue? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let index = messages.firstIndex(where: matches) { return messages.remove(at: index) }
            if readerDone || !condition.wait(until: deadline) {
                if let index = messages.firstIndex(where: matches) { return messages.remove(at: index) }
                return nil
            }
        }
    }

    /// The response to request `id`.
    func response(_ id: Int, timeout: TimeInterval = 20) -> JSONValue? {
        waitFor(timeout: timeout) { $0["id"]?.intValue == id && $0["method"] == nil }
    }

    /// Sends a request and waits for its response.
    func call(_ method: String, _ params: JSONValue) -> JSONValue? {
        response(request(method, params))
    }

    /// The next diagnostics published for `uri`.
    func diagnostics(for uri: String, timeout: TimeInterval = 20) -> [JSONValue]? {
        waitFor(timeout: timeout) {
            $0["method"]?.stringValue == "textDocument/publishDiagnostics" && $0["params"]?["uri"]?.stringValue == uri
        }?["params"]?["diagnostics"]?.arrayValue
    }

    /// Drops every message received so far.
    func drain() {
        condition.lock()
        messages.removeAll()
        condition.unlock()
    }

    /// `initialize` and `initialized`; returns the initialize result.
    func initialize(root: String) -> JSONValue? {
        let result = call(
            "initialize",
            .object([
                ("processId", .null), ("rootUri", .string(DocumentURIForTests.uri(root))),
                ("capabilities", .object([])),
            ]))
        notify("initialized", .object([]))
        return result
    }

    /// Opens `path` with `text`.
    func open(_ path: String, text: String, language: String = "shot") {
        notify(
            "textDocument/didOpen",
            .object([
                (
                    "textDocument",
                    .object([
                        ("uri", .string(DocumentURIForTests.uri(path))), ("languageId", .string(language)),
                        ("version", .int(1)), ("text", .string(text)),
                    ])
                )
            ]))
    }

    /// Sends `textDocument/didChange` for `uri` at `version` with one change: `text` in place of
    /// `range`, or of the whole document without one.
    func change(_ uri: String, version: Int, text: String, range: JSONValue? = nil) {
        var change: [(String, JSONValue)] = []
        if let range { change.append(("range", range)) }
        change.append(("text", .string(text)))
        notify(
            "textDocument/didChange",
            .object([
                ("textDocument", .object([("uri", .string(uri)), ("version", .int(version))])),
                ("contentChanges", .array([.object(change)])),
            ]))
    }

    /// Closes stdin.
    func closeInput() { try? input.fileHandleForWriting.close() }

    /// Waits for the process to end (killing it after `timeout` seconds) and returns its status.
    func waitForExit(timeout: TimeInterval = 20) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// Stops the server if it still runs.
    func stop() {
        if process.isRunning {
            closeInput()
            _ = waitForExit(timeout: 5)
        }
    }
}

/// `file:` URIs for test paths (plain ASCII paths in tests, encoded the way the server decodes).
enum DocumentURIForTests {
    static func uri(_ path: String) -> String {
        "file://" + (path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path)
    }
}

extension JSONValue {
    /// Shorthand for position objects.
    static func position(_ line: Int, _ character: Int) -> JSONValue {
        .object([("line", .int(line)), ("character", .int(character))])
    }

    /// `{textDocument: {uri}}`.
    static func textDocument(_ uri: String) -> JSONValue {
        .object([("textDocument", .object([("uri", .string(uri))]))])
    }

    /// `{textDocument: {uri}, position, newName}`: the parameters of `textDocument/rename`.
    static func rename(_ uri: String, _ line: Int, _ character: Int, to newName: String) -> JSONValue {
        .object([
            ("textDocument", .object([("uri", .string(uri))])), ("position", .position(line, character)),
            ("newName", .string(newName)),
        ])
    }

    /// `{textDocument: {uri}, position}`.
    static func at(_ uri: String, _ line: Int, _ character: Int) -> JSONValue {
        .object([("textDocument", .object([("uri", .string(uri))])), ("position", .position(line, character))])
    }
}
