/// The routes a test can count and inject faults into (`POST /_standin/faults`, `GET /_standin/counts`).
enum RouteName: String, Sendable, CaseIterable {
    /// `POST /{owner}/{alias}/{path...}`
    case submit
    /// `GET .../requests/{id}/status`
    case status
    /// `GET .../requests/{id}/status/stream`
    case stream
    /// `GET .../requests/{id}`
    case result
    /// `PUT .../requests/{id}/cancel`
    case cancel
    /// `POST /storage/auth/token`
    case token
    /// `POST /files/upload`
    case upload
    /// `POST /storage/upload/initiate`
    case initiate
    /// `PUT /upload/{id}`
    case put
    /// `GET /files/...`
    case file
    /// `GET /media/{name}.mp4`
    case media
}

/// One injected misbehaviour, applied to the next `remaining` requests of `route`.
struct Fault: Sendable, Equatable {
    /// What the fault does to a request.
    enum Kind: Sendable, Equatable {
        /// Answer with this HTTP status instead of handling the request.
        case status(code: Int, retryAfterSeconds: Int?, omitRequestID: Bool, body: JSON?, errorType: String?)
        /// Close the connection without answering.
        case drop
        /// Answer normally after waiting this many milliseconds.
        case delay(milliseconds: Int)
        /// Send the headers with the full `content-length`, then only this many body bytes, then close.
        case truncate(bytes: Int)
        /// Accept the submit, but let the render fail with this message; the result answers `httpStatus`.
        case renderFail(message: String, httpStatus: Int, errorType: String)
    }

    /// The route whose requests this fault applies to.
    var route: RouteName
    /// What it does.
    var kind: Kind
    /// How many more requests it applies to.
    var remaining: Int

    /// Reads one fault from its JSON form, or returns a message saying what is wrong with it.
    static func parse(_ json: JSON) -> Result<Fault, FaultParseError> {
        guard let members = json.objectValue else { return .failure(.init("each fault must be a JSON object")) }
        guard let routeText = members["route"]?.stringValue, let route = RouteName(rawValue: routeText) else {
            let known = RouteName.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(.init("\"route\" must be one of \(known)"))
        }
        let times = members["times"]?.integerValue ?? 1
        guard times >= 1 else { return .failure(.init("\"times\" must be at least 1")) }
        switch members["kind"]?.stringValue {
        case "status":
            // 1xx codes are interim answers: a client would go on waiting for the final one.
            guard let code = members["status"]?.integerValue, (200...599).contains(code) else {
                return .failure(.init("a \"status\" fault needs \"status\": an HTTP status code from 200 to 599"))
            }
            let kind = Kind.status(
                code: code,
                retryAfterSeconds: members["retryAfter"]?.integerValue,
                omitRequestID: members["omitRequestID"]?.boolValue ?? false,
                body: members["body"],
                errorType: members["errorType"]?.stringValue)
            return .success(Fault(route: route, kind: kind, remaining: times))
        case "drop":
            return .success(Fault(route: route, kind: .drop, remaining: times))
        case "delay":
            guard let milliseconds = members["ms"]?.integerValue, milliseconds >= 0 else {
                return .failure(.init("a \"delay\" fault needs \"ms\" >= 0"))
            }
            return .success(Fault(route: route, kind: .delay(milliseconds: milliseconds), remaining: times))
        case "truncate":
            guard let bytes = members["bytes"]?.integerValue, bytes >= 0 else {
                return .failure(.init("a \"truncate\" fault needs \"bytes\" >= 0"))
            }
            return .success(Fault(route: route, kind: .truncate(bytes: bytes), remaining: times))
        case "renderFail":
            guard route == .submit else { return .failure(.init("a \"renderFail\" fault applies to route \"submit\" only")) }
            let status = members["status"]?.integerValue ?? 500
            guard (400...599).contains(status) else {
                return .failure(.init("a \"renderFail\" fault's \"status\" must be from 400 to 599"))
            }
            let kind = Kind.renderFail(
                message: members["message"]?.stringValue ?? "Internal Server Error",
                httpStatus: status,
                errorType: members["errorType"]?.stringValue
                    ?? (status == 422 ? "content_policy_violation" : "internal_error"))
            return .success(Fault(route: route, kind: kind, remaining: times))
        default:
            return .failure(.init("\"kind\" must be one of status, drop, delay, truncate, renderFail"))
        }
    }
}

/// Why a fault in `POST /_standin/faults` was rejected.
struct FaultParseError: Error, Equatable {
    /// A sentence for the 400 reply.
    var message: String

    /// An error saying `message`.
    init(_ message: String) { self.message = message }
}

/// The faults still waiting to be applied, oldest first.
struct FaultList: Sendable {
    private var faults: [Fault] = []

    /// Appends faults after those already waiting.
    mutating func append(contentsOf newFaults: [Fault]) {
        faults.append(contentsOf: newFaults)
    }

    /// Takes one use of the oldest fault for `route` that `matches`, removing it once used up.
    mutating func take(for route: RouteName, where matches: (Fault.Kind) -> Bool) -> Fault.Kind? {
        guard let index = faults.firstIndex(where: { $0.route == route && matches($0.kind) }) else { return nil }
        let kind = faults[index].kind
        faults[index].remaining -= 1
        if faults[index].remaining <= 0 { faults.remove(at: index) }
        return kind
    }

    /// Forgets every fault.
    mutating func removeAll() { faults.removeAll() }
}
