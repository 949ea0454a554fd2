import ShotKit

/// The language server: documents, the dispatch of requests and notifications to the
/// features, and the debounced publishing of diagnostics.
///
/// It is driven from one thread: ``receive(_:)`` with each framed message body and ``tick()``
/// when ``nextDeadline`` passes. What it writes goes to `send` as whole message bodies.
public final class LanguageServer {
    /// Where the server's messages go (JSON bodies, unframed).
    private let send: ([UInt8]) -> Void
    /// How long after the last change diagnostics wait, in seconds.
    public let debounce: Double
    /// The file system the compiler reads through: open buffers over the disk.
    let fileSystem = OverlayFileSystem()
    /// What compiles keep for the next (files parsed, image headers), one cache for each
    /// folder scenes are compiled in (the compiler's paths are relative to it), for at most
    /// ``maxCachedFolders`` folders: each cache is bounded, and so is their number.
    var caches: [String: AnalysisCache] = [:]
    /// The folders of ``caches``, the most recently compiled in last.
    var cachedFolders: [String] = []
    /// How many folders keep a cache: the one compiled in least recently loses its own.
    static let maxCachedFolders = 8
    /// Open documents by URI.
    var documents: [String: Document] = [:]
    /// Bumped on every change to any buffer or file: analyses from older generations are stale.
    var generation = 0
    /// Documents whose diagnostics are due, and when (see LanguageServer+Scheduling.swift).
    var pending: [String: Double] = [:]
    private var initialized = false
    private var shutdownRequested = false
    /// Set when the server should stop, with its exit status.
    public private(set) var exitStatus: Int32?

    /// A server writing its messages to `send`, publishing diagnostics `debounce` seconds
    /// after the last change.
    public init(debounce: Double = 0.1, send: @escaping ([UInt8]) -> Void) {
        self.debounce = debounce
        self.send = send
    }

    // MARK: Messages

    /// Handles one framed message body.
    public func receive(_ body: [UInt8]) {
        switch RPCMessage.decode(body) {
        case .failure(let failure):
            write(RPCOutput.error(id: failure.id, failure.error))
        case .success(.response):
            break
        case .success(.notification(let method, let params)):
            handleNotification(method, params)
        case .success(.request(let id, let method, let params)):
            let result: Result<JSONValue, RPCError>
            if shutdownRequested {
                result = .failure(.shutDown)
            } else if !initialized && method != "initialize" {
                result = .failure(.serverNotInitialized)
            } else {
                do throws(RPCError) {
                    result = .success(try handleRequest(method, params))
                } catch {
                    result = .failure(error)
                }
            }
            switch result {
            case .success(let value): write(RPCOutput.response(id: id, result: value))
            case .failure(let error): write(RPCOutput.error(id: id, error))
            }
        }
    }

    /// Reports a frame that could not be read.
    public func receiveMalformed(_ reason: String) {
        write(RPCOutput.error(id: nil, .parseError("malformed message: \(reason)")))
    }

    /// Writes one message.
    func write(_ message: JSONValue) {
        send(message.bytes(pretty: false))
    }

    private func handleRequest(_ method: String, _ params: JSONValue) throws(RPCError) -> JSONValue {
        switch method {
        case "initialize":
            initialized = true
            return Self.initializeResult
        case "shutdown":
            shutdownRequested = true
            return .null
        case "textDocument/completion": return try completion(params)
        case "textDocument/hover": return try hover(params)
        case "textDocument/definition": return try definition(params)
        case "textDocument/references": return try references(params)
        case "textDocument/prepareRename": return try prepareRename(params)
        case "textDocument/rename": return try rename(params)
        case "textDocument/documentSymbol": return try documentSymbols(params)
        case "textDocument/codeAction": return try codeActions(params)
        case "textDocument/semanticTokens/full": return try semanticTokens(params)
        case "textDocument/formatting": return try formatting(params)
        default: throw .methodNotFound(method)
        }
    }

    private func handleNotification(_ method: String, _ params: JSONValue) {
        switch method {
        case "exit":
            // LSP: 0 after a shutdown request, 1 without one.
            exitStatus = shutdownRequested ? 0 : 1
        case "textDocument/didOpen":
            guard let item = params["textDocument"], let uri = item["uri"]?.stringValue,
                let text = item["text"]?.stringValue
            else { return logError("didOpen without textDocument.uri and text") }
            guard let path = DocumentURI.path(of: uri) else {
                return logError("shotc lsp only opens file: URIs, not '\(uri)'")
            }
            let document = Document(
                uri: uri, path: path, version: item["version"]?.intValue ?? 0, bytes: Array(text.utf8))
            documents[uri] = document
            fileSystem.setBuffer(path, document.bytes)
            generation += 1
            // The first diagnostics of a file come at once; only typing is debounced.
            pending[uri] = Self.now()
            scheduleDiagnostics(after: nil)
            pending[uri] = Self.now()
        case "textDocument/didChange":
            guard let uri = params["textDocument"]?["uri"]?.stringValue, let document = documents[uri] else {
                return logError("didChange for a document that is not open")
            }
            guard let changes = params["contentChanges"]?.arrayValue else {
                return logError("didChange without contentChanges")
            }
            do throws(RPCError) {
                for change in changes { try document.apply(change) }
            } catch {
                logError(error.message)
            }
            if let version = params["textDocument"]?["version"]?.intValue { document.version = version }
            fileSystem.setBuffer(document.path, document.bytes)
            generation += 1
            scheduleDiagnostics(after: document)
        case "textDocument/didClose":
            guard let uri = params["textDocument"]?["uri"]?.stringValue, let document = documents[uri] else {
                return
            }
            documents[uri] = nil
            pending[uri] = nil
            fileSystem.setBuffer(document.path, nil)
            generation += 1
            write(
                RPCOutput.notification(
                    "textDocument/publishDiagnostics",
                    .object([("uri", .string(uri)), ("diagnostics", .array([]))])))
            scheduleDiagnostics(after: nil)
        case "textDocument/didSave", "workspace/didChangeWatchedFiles":
            generation += 1
            scheduleDiagnostics(after: nil)
        default:
            // initialized, $/cancelRequest, $/setTrace, configuration: nothing to do.
            break
        }
    }

    /// Tells the client's log about a problem with a notification (which cannot be answered).
    func logError(_ message: String) {
        write(
            RPCOutput.notification(
                "window/logMessage", .object([("type", .int(1)), ("message", .string("shotc lsp: " + message))])))
    }
}
