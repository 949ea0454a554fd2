/// The command line of `fal-standin`:
/// `fal-standin [--host 127.0.0.1] [--port 0] [--key KEY] [--queue-ms 150] [--progress-ms 400] [--keepalive-ms 1000]
/// [--state-dir DIR]`.
struct StandInOptions: Sendable, Equatable {
    /// The address to bind; only loopback addresses make sense for a test server.
    var host = "127.0.0.1"
    /// The port to bind; 0 picks a free one, which is printed on the `listening on` line.
    var port = 0
    /// The fal key every queue and REST request must carry as `Authorization: Key <key>`.
    var key = "test-key"
    /// How long a submitted request stays `IN_QUEUE`, in milliseconds.
    var queueMilliseconds = 150
    /// How long a request stays `IN_PROGRESS` after leaving the queue, in milliseconds.
    var progressMilliseconds = 400
    /// The interval between `: keepalive` comments on a status stream, in milliseconds.
    var keepaliveMilliseconds = 1000
    /// Where accepted requests, uploaded files and tokens are kept across restarts; nil keeps them in memory only.
    var stateDirectory: String?

    /// The usage text printed for `--help` and after a bad argument.
    static let usage = """
        usage: fal-standin [--host 127.0.0.1] [--port 0] [--key KEY] [--queue-ms 150] [--progress-ms 400] [--keepalive-ms 1000]
                           [--state-dir DIR]
        A stand-in for fal.ai's queue, storage and CDN on 127.0.0.1, for tests. See docs/standin.md.
        Prints `listening on http://HOST:PORT` first; exits when stdin reaches end of file or on SIGTERM.
        --state-dir DIR keeps accepted requests, uploaded files and tokens in DIR and reloads them on start,
        so a stand-in killed and restarted (with the same --port) forgets nothing fal would remember.
        """

    /// Why the command line could not be read.
    enum ParseError: Error, Equatable {
        /// `--help` was given.
        case helpRequested
        /// An option that does not exist.
        case unknownOption(String)
        /// An option that needs a value came last.
        case missingValue(String)
        /// A value that is not a number in the allowed range.
        case invalidValue(option: String, value: String)
    }

    /// Reads `arguments`, which exclude the program name.
    ///
    /// - Throws: `ParseError`, whose `description` is a one-line message for stderr.
    static func parse(_ arguments: [String]) throws(ParseError) -> StandInOptions {
        var options = StandInOptions()
        var remaining = arguments[...]
        while let option = remaining.popFirst() {
            if option == "--help" || option == "-h" { throw .helpRequested }
            guard let value = remaining.popFirst() else {
                let valued = [
                    "--host", "--port", "--key", "--queue-ms", "--progress-ms", "--keepalive-ms", "--state-dir",
                ]
                if valued.contains(option) {
                    throw .missingValue(option)
                }
                throw .unknownOption(option)
            }
            switch option {
            case "--host": options.host = value
            case "--key": options.key = value
            case "--state-dir": options.stateDirectory = value
            case "--port": options.port = try number(value, for: option, in: 0...65535)
            case "--queue-ms": options.queueMilliseconds = try number(value, for: option, in: 0...3_600_000)
            case "--progress-ms": options.progressMilliseconds = try number(value, for: option, in: 0...3_600_000)
            case "--keepalive-ms": options.keepaliveMilliseconds = try number(value, for: option, in: 1...3_600_000)
            default: throw .unknownOption(option)
            }
        }
        return options
    }

    private static func number(_ text: String, for option: String, in range: ClosedRange<Int>) throws(ParseError) -> Int
    {
        guard let value = Int(text), range.contains(value) else {
            throw .invalidValue(option: option, value: text)
        }
        return value
    }
}

extension StandInOptions.ParseError: CustomStringConvertible {
    /// A one-line message, e.g. `unknown option '--bogus'`.
    var description: String {
        switch self {
        case .helpRequested: "help requested"
        case .unknownOption(let option): "unknown option '\(option)'"
        case .missingValue(let option): "option '\(option)' needs a value"
        case .invalidValue(let option, let value): "invalid value '\(value)' for '\(option)'"
        }
    }
}
