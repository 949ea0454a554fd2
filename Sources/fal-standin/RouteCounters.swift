/// What the stand-in has seen since it started or was reset, as reported by `GET /_standin/counts`.
struct RouteCounters: Sendable {
    /// Requests per route, counted as they arrive: faulted and unauthorized requests count too.
    private var requestsPerRoute: [RouteName: Int] = [:]
    /// Requests answered 401 on any route.
    private var unauthorized = 0
    /// The body of every submit, parsed when it was JSON and as a string otherwise.
    private var submitBodies: [JSON] = []
    /// Each distinct `Authorization` value, in the order first seen.
    private var authorizations: [String] = []

    /// Counts one request on `route`.
    mutating func count(_ route: RouteName) {
        requestsPerRoute[route, default: 0] += 1
    }

    /// Counts one request answered 401.
    mutating func countUnauthorized() {
        unauthorized += 1
    }

    /// Records the body of a submit as it arrived.
    mutating func recordSubmitBody(_ bytes: [UInt8]) {
        submitBodies.append(JSON.parse(bytes) ?? .string(String(decoding: bytes, as: UTF8.self)))
    }

    /// Records an `Authorization` header value unless it was seen before.
    mutating func recordAuthorization(_ value: String) {
        if !authorizations.contains(value) { authorizations.append(value) }
    }

    /// The JSON body of `GET /_standin/counts`.
    var json: JSON {
        var members: [String: JSON] = [:]
        for route in RouteName.allCases {
            members[route.rawValue] = .integer(requestsPerRoute[route, default: 0])
        }
        members["unauthorized"] = .integer(unauthorized)
        members["bodies"] = .array(submitBodies)
        members["authorizations"] = .array(authorizations.map(JSON.string))
        return .object(members)
    }
}
