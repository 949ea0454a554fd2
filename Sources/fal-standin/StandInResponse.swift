import Foundation
import NIOHTTP1

/// A complete HTTP request as the router sees it.
struct StandInRequest: Sendable {
    /// The method.
    var method: HTTPMethod
    /// The path without the query, as sent (not percent-decoded).
    var path: String
    /// The query parameters, percent-decoded; a repeated name keeps its last value.
    var query: [String: String]
    /// The request headers.
    var headers: HTTPHeaders
    /// The whole body.
    var body: [UInt8]
    /// `http://HOST:PORT` of the socket the request arrived on, the prefix of every URL the stand-in hands out.
    var baseURL: String

    /// Splits a request target such as `/a/b?logs=1` into its path and decoded query.
    static func splitTarget(_ target: String) -> (path: String, query: [String: String]) {
        guard let questionMark = target.firstIndex(of: "?") else { return (target, [:]) }
        var query: [String: String] = [:]
        for pair in target[target.index(after: questionMark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decodeQueryComponent(parts[0])
            query[name] = parts.count > 1 ? decodeQueryComponent(parts[1]) : ""
        }
        return (String(target[..<questionMark]), query)
    }

    private static func decodeQueryComponent(_ component: Substring) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

/// A fully buffered HTTP reply.
struct HTTPReply: Sendable {
    /// The status code.
    var status: Int
    /// Headers besides `content-length`, which the handler adds.
    var headers: HTTPHeaders
    /// The body.
    var body: [UInt8]

    /// A JSON reply with `content-type: application/json` and `x-fal-request-id: requestID` (when given).
    static func json(_ status: Int, _ body: JSON, requestID: String?) -> HTTPReply {
        var headers = HTTPHeaders([("content-type", "application/json")])
        if let requestID { headers.add(name: "x-fal-request-id", value: requestID) }
        return HTTPReply(status: status, headers: headers, body: body.serializedBytes)
    }
}

/// What the connection handler should do with a request.
indirect enum StandInResponse: Sendable {
    /// Send this reply.
    case reply(HTTPReply)
    /// Close the connection without a word (`drop` fault).
    case drop
    /// Send the reply's head with the full `content-length`, then only `keptBytes` of its body, then close.
    case truncated(HTTPReply, keptBytes: Int)
    /// Wait, then work out the response (`delay` fault); the answer reflects the state after the wait.
    case delayed(milliseconds: Int, then: @Sendable () -> StandInResponse)
    /// Stream status events until COMPLETED.
    case eventStream(StatusEventStream)
}

/// The source of a `/status/stream` response: each call to `nextEvent()` gives the current status.
struct StatusEventStream: Sendable {
    /// Headers for the stream's head, besides the content type.
    var headers: HTTPHeaders
    /// The current status body and whether it is the final (COMPLETED) one; `nil` once the request is gone
    /// (after `POST /_standin/reset`), which ends the stream.
    var currentStatus: @Sendable () -> (body: JSON, isFinal: Bool)?
}
