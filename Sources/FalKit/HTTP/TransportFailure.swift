import CCurl

/// What kind of transport failure a libcurl result code is: the one place that reads raw libcurl
/// codes, so callers decide on kinds (retry, "may fal have it?") rather than on numbers.
public enum TransportFailure: Sendable, Equatable {
    /// No byte of the request can have reached the server: name resolution, connection or TLS
    /// handshake failed. Safe to send again, even a paid submit.
    case notSent
    /// Another attempt cannot help: a bad URL or protocol, a certificate problem, a local write
    /// or memory failure.
    case permanent
    /// Anything else (timeouts, a connection lost mid-way, an empty reply): the request may have
    /// reached the server.
    case interrupted

    /// The kind of libcurl result `code`.
    public init(curlCode code: Int) {
        switch code {
        case Int(CURLE_COULDNT_RESOLVE_PROXY.rawValue), Int(CURLE_COULDNT_RESOLVE_HOST.rawValue),
            Int(CURLE_COULDNT_CONNECT.rawValue), Int(CURLE_SSL_CONNECT_ERROR.rawValue):
            self = .notSent
        case Int(CURLE_UNSUPPORTED_PROTOCOL.rawValue), Int(CURLE_URL_MALFORMAT.rawValue),
            Int(CURLE_PEER_FAILED_VERIFICATION.rawValue), Int(CURLE_SSL_CACERT_BADFILE.rawValue),
            Int(CURLE_WRITE_ERROR.rawValue), Int(CURLE_OUT_OF_MEMORY.rawValue),
            Int(CURLE_SSL_CERTPROBLEM.rawValue), Int(CURLE_FAILED_INIT.rawValue):
            self = .permanent
        default:
            self = .interrupted
        }
    }
}
