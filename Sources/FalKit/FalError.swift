import Foundation
import ShotJSON

/// One entry of a 422 reply's `detail` list: which input field was rejected and why.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
    /// The path to the field, e.g. `["body", "elements", "0", "frontal_image_url"]`.
    public var loc: [String]
    /// fal's human-readable message (`msg`).
    public var message: String
    /// fal's machine-readable type, e.g. `content_policy_violation`.
    public var type: String

    /// Creates an issue.
    public init(loc: [String], message: String, type: String) {
        self.loc = loc
        self.message = message
        self.type = type
    }

    /// The field path without the leading `body`, dotted: `elements.0.frontal_image_url`.
    public var fieldPath: String {
        let path = loc.first == "body" ? Array(loc.dropFirst()) : loc
        return path.joined(separator: ".")
    }

    /// `elements.0.frontal_image_url: field required (missing)`.
    public var description: String {
        let field = fieldPath
        let kind = type.isEmpty ? "" : " (\(type))"
        return field.isEmpty ? "\(message)\(kind)" : "\(field): \(message)\(kind)"
    }
}

/// Everything that can go wrong talking to fal. The texts never contain the key.
public enum FalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `FAL_KEY` is missing or empty.
    case missingKey
    /// A base URL from the environment is not a full http(s) URL.
    case invalidConfiguration(String)
    /// libcurl could not be loaded (`dlopen` or `dlsym` failed); the dynamic linker's text.
    case libraryUnavailable(String)
    /// The network failed: libcurl's error code and text (connection refused, timeout, TLS, ...).
    case transport(code: Int, message: String)
    /// fal answered with an error status.
    case http(status: Int, detail: String, errorType: String?, requestID: String?)
    /// fal rejected the input (422 with a `detail` list, or a string detail).
    case validation([ValidationIssue])
    /// fal answered something this client cannot understand.
    case protocolViolation(String)
    /// The render itself failed on fal's side; the service's error text.
    case renderFailed(String)
    /// A download's byte count differs from what was announced.
    case sizeMismatch(expected: Int, got: Int)
    /// A local file could not be written, flushed or renamed.
    case fileSystem(String)
    /// A request that would carry the fal key (or the CDN token) names a host that may not
    /// receive it (see ``HostPolicy``); nothing was sent. `url` is the URL as it was given.
    case untrustedHost(url: String)
    /// A reply went over one of the ``HTTPLimits``; the transfer was abandoned. `what` names the
    /// reply, `limit` is the cap in bytes.
    case replyTooLarge(what: String, limit: Int)

    /// A sentence a person can act on.
    public var description: String {
        switch self {
        case .missingKey:
            return "FAL_KEY is not set or empty; create a key at https://fal.ai/dashboard/keys and export FAL_KEY"
        case .invalidConfiguration(let text):
            return text
        case .libraryUnavailable(let text):
            return "cannot load libcurl, which talking to fal needs: \(text); install libcurl: apt-get install libcurl4"
        case .transport(let code, let message):
            return "network error talking to fal: \(message) (libcurl code \(code))"
        case .http(let status, let detail, let errorType, let requestID):
            var text = "fal answered HTTP \(status)"
            if !detail.isEmpty { text += ": \(detail)" }
            if let errorType { text += " [\(errorType)]" }
            if let requestID { text += " (request \(requestID))" }
            switch status {
            case 401, 403: text += "; check that FAL_KEY holds a valid key"
            case 429: text += "; too many requests, try again later or lower -j"
            default: break
            }
            return text
        case .validation(let issues):
            if issues.count == 1, let issue = issues.first { return "fal rejected the input: \(issue)" }
            return "fal rejected the input:\n" + issues.map { "  - \($0)" }.joined(separator: "\n")
        case .protocolViolation(let text):
            return "unexpected reply from fal: \(text)"
        case .renderFailed(let text):
            return "the render failed on fal: \(text)"
        case .sizeMismatch(let expected, let got):
            return "download incomplete: expected \(expected) bytes, got \(got); it was discarded, run again to retry"
        case .fileSystem(let text):
            return text
        case .untrustedHost(let url):
            let shown = Self.printable(url)
            guard let origin = URLOrigin(url) else {
                return "the fal key was not sent: the URL '\(shown)' (from fal's reply or a run record) does not name "
                    + "its host unambiguously; only the hosts of FAL_QUEUE_URL and FAL_REST_URL receive the key"
            }
            return "the fal key was not sent to \(origin.hostAndPort): the key goes only to the hosts of FAL_QUEUE_URL "
                + "and FAL_REST_URL (and fal's own domains when those are the defaults), and '\(shown)' (from fal's "
                + "reply or a run record) names another host; nothing was sent to it"
        case .replyTooLarge(let what, let limit):
            return "\(what) went over its limit of \(Self.byteCount(limit)); the transfer was abandoned"
        }
    }

    /// Whether fal may have accepted a submit that ended in this error: a 5xx that is not the
    /// ingress's (a 500, or any 5xx with `x-fal-request-id`), or a connection lost once the request
    /// may have been sent. Such a submit is never repeated by shotc on its own.
    public var submitMayHaveBeenAccepted: Bool {
        switch self {
        case .http(let status, _, _, let requestID):
            return status >= 500 && (status == 500 || requestID != nil || ![502, 503, 504].contains(status))
        case .transport(let code, _):
            return TransportFailure(curlCode: code) != .notSent
        case .protocolViolation:
            // fal answered 2xx with something unreadable: it accepted something.
            return true
        default:
            return false
        }
    }

    /// Whether fal refused the key (401 or 403).
    public var isKeyRefused: Bool {
        if case .http(let status, _, _, _) = self { return status == 401 || status == 403 }
        return false
    }

    /// Whether the service could not be reached at all (no connection could be made).
    public var isUnreachable: Bool {
        if case .transport(let code, _) = self { return TransportFailure(curlCode: code) == .notSent }
        return false
    }

    /// `text` with control, non-ASCII and invisible characters escaped as `\u{…}`, for messages.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7f {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }

    /// `8 MiB`, `512 KiB`, or `1234 bytes` when not a whole number of KiB.
    static func byteCount(_ bytes: Int) -> String {
        if bytes >= 1024 * 1024, bytes % (1024 * 1024) == 0 { return "\(bytes / (1024 * 1024)) MiB" }
        if bytes >= 1024, bytes % 1024 == 0 { return "\(bytes / 1024) KiB" }
        return "\(bytes) bytes"
    }

    /// Builds the error for a non-2xx response from fal's body (`detail`, `error_type`) and headers
    /// (`X-Fal-Error-Type`, `x-fal-request-id`). A 422 becomes ``validation(_:)``.
    public static func from(response: HTTPResponse) -> FalError {
        let object = (try? JSONValue.parse(response.body)).flatMap { $0.objectFields != nil ? $0 : nil }
        let errorType = object?["error_type"]?.stringValue ?? response.headers["X-Fal-Error-Type"]
        let requestID = response.headers["x-fal-request-id"]
        if let list = object?["detail"]?.arrayValue {
            let issues = list.map(Self.issue(from:))
            if response.status == 422 || response.status == 400 { return .validation(issues) }
            return .http(
                status: response.status, detail: issues.map(\.description).joined(separator: "; "),
                errorType: errorType, requestID: requestID)
        }
        let detail: String
        if let text = object?["detail"]?.stringValue {
            detail = text
        } else if let text = object?["message"]?.stringValue {
            detail = text
        } else if let text = object?["status"]?.stringValue {
            detail = text
        } else {
            detail = String(response.bodyText.prefix(300)).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if response.status == 422 {
            return .validation([ValidationIssue(loc: [], message: detail, type: errorType ?? "")])
        }
        return .http(status: response.status, detail: detail, errorType: errorType, requestID: requestID)
    }

    private static func issue(from item: JSONValue) -> ValidationIssue {
        guard item.objectFields != nil else {
            return ValidationIssue(loc: [], message: item.textValue ?? item.rendered(pretty: false), type: "")
        }
        let loc = (item["loc"]?.arrayValue ?? []).map { $0.textValue ?? $0.rendered(pretty: false) }
        let message = item["msg"]?.stringValue ?? item["message"]?.stringValue ?? ""
        return ValidationIssue(loc: loc, message: message, type: item["type"]?.stringValue ?? "")
    }
}
