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
        /// Accept the submit, but let the render fail with this message; the result answers `httpStatus`
        /// (with a 422, a detail list whose `loc` is `location`).
        case renderFail(message: String, httpStatus: Int, errorType: String, location: [JSON])
        /// Accept the submit (the request exists and renders), then answer with this HTTP status instead of
        /// the 200, `x-fal-request-id` naming the new request unless `omitRequestID`.
        case acceptThenStatus(code: Int, omitRequestID: Bool, body: JSON?)
        /// Accept the submit (the request exists and renders), then close the connection without answering.
        case acceptThenDrop

        /// Whether the fault is taken only by a submit that passes validation (when the request is accepted).
        var appliesOnAcceptance: Bool {
            switch self {
            case .renderFail, .acceptThenStatus, .acceptThenDrop: true
            case .status, .drop, .delay, .truncate: false
            }
        }
    }

    /// The route whose requests this fault applies to.
    var route: RouteName
    /// What it does.
    var kind: Kind
    /// How many more requests it applies to.
    var remaining: Int

    /// Reads one fault from its JSON form, or returns a message saying what is wrong with it.
    static func parse(_ json: JSON) -> Result<FaultSpecification, FaultParseError> {
        guard let members = json.objectValue else { return .failure(.init("each fault must be a JSON object")) }
        if members["kind"]?.stringValue == "outage" {
            return Outage.parse(members).map(FaultSpecification.outage)
        }
        return parseCounted(members).map(FaultSpecification.counted)
    }

    private static func parseCounted(_ members: [String: JSON]) -> Result<Fault, FaultParseError> {
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
            guard route == .submit else {
                return .failure(.init("a \"renderFail\" fault applies to route \"submit\" only"))
            }
            let status = members["status"]?.integerValue ?? 500
            guard (400...599).contains(status) else {
                return .failure(.init("a \"renderFail\" fault's \"status\" must be from 400 to 599"))
            }
            var location: [JSON] = ["body"]
            if let given = members["loc"] {
                guard let elements = given.arrayValue, !elements.isEmpty,
                    elements.allSatisfy({ $0.stringValue != nil || $0.integerValue != nil })
                else {
                    return .failure(
                        .init("a \"renderFail\" fault's \"loc\" must be a non-empty list of strings and integers"))
                }
                location = elements
            }
            let kind = Kind.renderFail(
                message: members["message"]?.stringValue ?? "Internal Server Error",
                httpStatus: status,
                errorType: members["errorType"]?.stringValue
                    ?? (status == 422 ? "content_policy_violation" : "internal_error"),
                location: location)
            return .success(Fault(route: route, kind: kind, remaining: times))
        case "acceptThenStatus":
            guard route == .submit else {
                return .failure(.init("an \"acceptThenStatus\" fault applies to route \"submit\" only"))
            }
            let code = members["status"]?.integerValue ?? 500
            guard (400...599).contains(code) else {
                return .failure(.init("an \"acceptThenStatus\" fault's \"status\" must be from 400 to 599"))
            }
            let kind = Kind.acceptThenStatus(
                code: code, omitRequestID: members["omitRequestID"]?.boolValue ?? false, body: members["body"])
            return .success(Fault(route: route, kind: kind, remaining: times))
        case "acceptThenDrop":
            guard route == .submit else {
                return .failure(.init("an \"acceptThenDrop\" fault applies to route \"submit\" only"))
            }
            return .success(Fault(route: route, kind: .acceptThenDrop, remaining: times))
        default:
            return .failure(
                .init(
                    "\"kind\" must be one of status, drop, delay, truncate, renderFail, acceptThenStatus, "
                        + "acceptThenDrop, outage"))
        }
    }
}

/// One entry of `POST /_standin/faults`: a fault counted per request, or an outage that lasts a while.
enum FaultSpecification: Sendable, Equatable {
    /// Applies to the next `times` requests of one route.
    case counted(Fault)
    /// Applies to every request of its routes until its time has passed.
    case outage(Outage)
}

/// Every request on `routes` fails (503, or a dropped connection) until `milliseconds` after the outage was added:
/// an outage longer than any client's retries.
struct Outage: Sendable, Equatable {
    /// The routes it covers; every fal route when none was given.
    var routes: Set<RouteName>
    /// How long it lasts from the moment it is added.
    var milliseconds: Int
    /// Close connections without answering instead of answering `status`.
    var drops: Bool
    /// The HTTP status of each answer (default 503).
    var status: Int
    /// The `Retry-After` header of each answer, in seconds, when given.
    var retryAfterSeconds: Int?

    /// Reads `{"kind":"outage","ms":N[,"route":R][,"drop":true][,"status":503][,"retryAfter":S]}`.
    static func parse(_ members: [String: JSON]) -> Result<Outage, FaultParseError> {
        guard let milliseconds = members["ms"]?.integerValue, milliseconds >= 0 else {
            return .failure(.init("an \"outage\" fault needs \"ms\" >= 0"))
        }
        var routes = Set(RouteName.allCases)
        if let routeValue = members["route"] {
            guard let text = routeValue.stringValue, let route = RouteName(rawValue: text) else {
                let known = RouteName.allCases.map(\.rawValue).joined(separator: ", ")
                return .failure(.init("\"route\" must be one of \(known)"))
            }
            routes = [route]
        }
        let status = members["status"]?.integerValue ?? 503
        guard (400...599).contains(status) else {
            return .failure(.init("an \"outage\" fault's \"status\" must be from 400 to 599"))
        }
        return .success(
            Outage(
                routes: routes, milliseconds: milliseconds, drops: members["drop"]?.boolValue ?? false,
                status: status, retryAfterSeconds: members["retryAfter"]?.integerValue))
    }
}

/// An outage in force until `deadline`.
struct ActiveOutage: Sendable {
    /// What it does.
    var outage: Outage
    /// When it ends, on the monotonic clock.
    var deadline: ContinuousClock.Instant
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

    /// Forgets every fault and outage.
    mutating func removeAll() {
        faults.removeAll()
        outages.removeAll()
    }

    private var outages: [ActiveOutage] = []

    /// Starts `outage` now.
    mutating func start(_ outage: Outage, at now: ContinuousClock.Instant = .now) {
        outages.append(ActiveOutage(outage: outage, deadline: now + .milliseconds(outage.milliseconds)))
    }

    /// The outage covering `route` at `now`, if any; outages that have ended are forgotten.
    mutating func outage(for route: RouteName, at now: ContinuousClock.Instant = .now) -> Outage? {
        outages.removeAll { $0.deadline <= now }
        return outages.first { $0.outage.routes.contains(route) }?.outage
    }
}
