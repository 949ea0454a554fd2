import ShotKit

/// A JSON-RPC 2.0 request id: a number or a string.
public enum RequestID: Hashable, Sendable {
    /// A numeric id.
    case int(Int)
    /// A string id.
    case string(String)

    /// The id as JSON.
    public var json: JSONValue {
        switch self {
        case .int(let value): .int(value)
        case .string(let value): .string(value)
        }
    }

    /// The id in `value`, if it is a number or a string.
    public init?(_ value: JSONValue) {
        if let number = value.intValue, case .int = value {
            self = .int(number)
        } else if let text = value.stringValue {
            self = .string(text)
        } else {
            return nil
        }
    }
}

/// A JSON-RPC error: a code from the JSON-RPC and LSP ranges and a message.
public struct RPCError: Error, Sendable {
    /// The numeric code.
    public var code: Int
    /// What went wrong, for the client's log.
    public var message: String

    /// An error with `code` and `message`.
    public init(_ code: Int, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The bytes were not JSON.
    public static func parseError(_ message: String) -> RPCError { RPCError(-32700, message) }
    /// The JSON was not a request, notification or response.
    public static func invalidRequest(_ message: String) -> RPCError { RPCError(-32600, message) }
    /// No such method.
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(-32601, "method '\(method)' is not supported by shotc lsp")
    }
    /// The params are missing something or have the wrong type.
    public static func invalidParams(_ message: String) -> RPCError { RPCError(-32602, message) }
    /// A request before `initialize`.
    public static let serverNotInitialized = RPCError(-32002, "the server has not been initialized")
    /// A request the server could not carry out (LSP's RequestFailed).
    public static func requestFailed(_ message: String) -> RPCError { RPCError(-32803, message) }
    /// A request after `shutdown`.
    public static let shutDown = RPCError(-32600, "the server is shutting down")
}

/// One decoded JSON-RPC message.
public enum RPCMessage: Sendable {
    /// A request: it gets exactly one response.
    case request(id: RequestID, method: String, params: JSONValue)
    /// A notification: never answered.
    case notification(method: String, params: JSONValue)
    /// A response to a request the server sent (ignored: the server sends none it waits for).
    case response(id: RequestID?)

    /// Decodes `body`, or says why it is not a message; the id is given when one could be read,
    /// so the error can be answered to it.
    public static func decode(_ body: [UInt8]) -> Result<RPCMessage, RPCFailure> {
        let value: JSONValue
        do {
            value = try JSONValue.parse(body)
        } catch {
            return .failure(RPCFailure(id: nil, error: .parseError("the message is not JSON: \(error)")))
        }
        guard case .object = value else {
            return .failure(RPCFailure(id: nil, error: .invalidRequest("a message must be a JSON object")))
        }
        let id = value["id"].flatMap(RequestID.init)
        // A null id (allowed by JSON-RPC, not by LSP) still asks for an answer: an error to null.
        if value["id"] != nil, id == nil, value["method"] != nil {
            return .failure(RPCFailure(id: nil, error: .invalidRequest("'id' must be a number or a string")))
        }
        guard let methodValue = value["method"] else {
            if value["result"] != nil || value["error"] != nil { return .success(.response(id: id)) }
            return .failure(
                RPCFailure(id: id, error: .invalidRequest("a message needs 'method' (or 'result'/'error')")))
        }
        guard let method = methodValue.stringValue else {
            return .failure(RPCFailure(id: id, error: .invalidRequest("'method' must be a string")))
        }
        let params = value["params"] ?? .null
        if let id { return .success(.request(id: id, method: method, params: params)) }
        return .success(.notification(method: method, params: params))
    }
}

/// A message that could not be decoded: the error to answer, to `id` when it could be read.
public struct RPCFailure: Error, Sendable {
    /// The request's id, if one could be read.
    public var id: RequestID?
    /// What to answer.
    public var error: RPCError
}

/// Builders for the messages the server writes.
public enum RPCOutput {
    /// A successful response.
    public static func response(id: RequestID, result: JSONValue) -> JSONValue {
        .object([("jsonrpc", .string("2.0")), ("id", id.json), ("result", result)])
    }

    /// An error response (`id` null when the request's id could not be read).
    public static func error(id: RequestID?, _ error: RPCError) -> JSONValue {
        .object([
            ("jsonrpc", .string("2.0")), ("id", id?.json ?? .null),
            ("error", .object([("code", .int(error.code)), ("message", .string(error.message))])),
        ])
    }

    /// A notification from the server.
    public static func notification(_ method: String, _ params: JSONValue) -> JSONValue {
        .object([("jsonrpc", .string("2.0")), ("method", .string(method)), ("params", params)])
    }
}
