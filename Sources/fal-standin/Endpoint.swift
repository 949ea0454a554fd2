import NIOHTTP1

/// A request matched to one of fal's routes.
enum Endpoint: Equatable {
    /// `POST /{owner}/{alias}/{path...}`.
    case submit(ownerAndAlias: String)
    /// `GET /{owner}/{alias}/requests/{id}/status[/]`.
    case status(requestID: String)
    /// `GET /{owner}/{alias}/requests/{id}/status/stream`.
    case stream(requestID: String)
    /// `GET /{owner}/{alias}/requests/{id}`.
    case result(requestID: String)
    /// `PUT /{owner}/{alias}/requests/{id}/cancel`.
    case cancel(requestID: String)
    /// `POST /storage/auth/token`.
    case token
    /// `POST /files/upload`.
    case upload
    /// `POST /storage/upload/initiate`.
    case initiate
    /// `PUT /upload/{id}`.
    case put(uploadID: String)
    /// `GET /files/...`.
    case file(path: String)
    /// `GET /media/{name}`.
    case media(fileName: String)

    /// The name counts and faults use.
    var routeName: RouteName {
        switch self {
        case .submit: .submit
        case .status: .status
        case .stream: .stream
        case .result: .result
        case .cancel: .cancel
        case .token: .token
        case .upload: .upload
        case .initiate: .initiate
        case .put: .put
        case .file: .file
        case .media: .media
        }
    }

    /// The request id in the path of a queue route.
    var requestID: String? {
        switch self {
        case .status(let id), .stream(let id), .result(let id), .cancel(let id): id
        default: nil
        }
    }

    /// Matches `method` and `path`; an empty segment (a trailing slash, say) is ignored.
    static func match(method: HTTPMethod, path: String) -> Endpoint? {
        let segments = path.split(separator: "/").map(String.init)
        switch (method, segments.first) {
        case (.POST, "storage"):
            if segments == ["storage", "auth", "token"] { return .token }
            if segments == ["storage", "upload", "initiate"] { return .initiate }
            return nil
        case (.POST, "files"):
            return segments == ["files", "upload"] ? .upload : nil
        case (.PUT, "upload"):
            return segments.count == 2 ? .put(uploadID: segments[1]) : nil
        case (.GET, "files"), (.HEAD, "files"):
            return segments.count >= 2 ? .file(path: "/" + segments.joined(separator: "/")) : nil
        case (.GET, "media"), (.HEAD, "media"):
            return segments.count == 2 ? .media(fileName: segments[1]) : nil
        case (_, "storage"), (_, "files"), (_, "upload"), (_, "media"), (_, "_standin"):
            return nil
        default:
            break
        }
        if segments.count >= 4, segments[2] == "requests" {
            let id = segments[3]
            switch (method, Array(segments.dropFirst(4))) {
            case (.GET, []): return .result(requestID: id)
            case (.GET, ["status"]): return .status(requestID: id)
            case (.GET, ["status", "stream"]): return .stream(requestID: id)
            case (.PUT, ["cancel"]): return .cancel(requestID: id)
            default: return nil
            }
        }
        if method == .POST, segments.count >= 2 {
            return .submit(ownerAndAlias: segments[0] + "/" + segments[1])
        }
        return nil
    }
}
