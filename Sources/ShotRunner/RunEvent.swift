import FalKit

/// What a run reports as it goes, for the progress display, log lines or `--json`.
public enum RunEvent: Sendable {
    /// What will happen to a shot.
    case planned(shot: String, action: ShotAction)
    /// A local image is being uploaded.
    case uploading(file: String, bytes: Int)
    /// A local image has its URL (`cached`: from an earlier run, nothing sent).
    case uploaded(file: String, url: String, cached: Bool)
    /// fal accepted the shot's request (a new, paid request of this run).
    case submitted(shot: String, requestID: String)
    /// The request waits in fal's queue.
    case queued(shot: String, position: Int?)
    /// The request is rendering; `log` is a new log line, if one came.
    case rendering(shot: String, log: String?)
    /// The video is being downloaded.
    case downloading(shot: String, bytes: Int?)
    /// The video is saved at `path`.
    case done(shot: String, path: String)
    /// The shot's video is up to date; nothing was sent.
    case upToDate(shot: String, path: String)
    /// The shot failed: `remote` when fal rejected the input or declared the render failed;
    /// otherwise nothing was accepted by fal for it in this run (an upload or a local file failed).
    case failed(shot: String, message: String, remote: Bool)
    /// fal accepted (or may have accepted) the shot's request, and this run could not follow it to
    /// its end; it is recorded and a re-run picks it up (or, for an unconfirmed submit, says how to
    /// check). Exit status 4.
    case unfinished(shot: String, message: String)
    /// The shot was not submitted: its record is damaged, foreign, or says fal may have accepted
    /// a request already, or new submits were stopped (key refused, fal unreachable, records
    /// unwritable). `message` says why and what to do.
    case held(shot: String, message: String)
    /// A problem of the whole run, said once (a refused key, an unreachable service, a record that
    /// could not be written with the request id to note down).
    case notice(String)
    /// A call failed and is retried.
    case retrying(RetryEvent)
    /// An HTTP exchange, for `--verbose` (the key is already redacted).
    case http(String)
}

/// What a run does with a shot.
public enum ShotAction: Sendable, Equatable {
    /// The video exists and the fingerprint matches: skip.
    case upToDate
    /// The render finished and was paid for, but the video file is gone: download it again.
    case fetchAgain
    /// fal accepted a request for this shot that has not finished: follow it, do not resubmit.
    case resume(requestID: String)
    /// A submit was answered with an error that carried this request id: fal may have accepted it.
    /// Ask fal about it; follow it if fal knows it, submit anew only if fal does not.
    case confirm(requestID: String)
    /// Submit a new request; `reason` says why (new, changed, failed before, forced).
    case submit(reason: String)
    /// Do not submit: `reason` says why and how to go on (usually `--force` or another `-o`).
    case hold(reason: String)

    /// A short description for people.
    public var summary: String {
        switch self {
        case .upToDate: "up to date"
        case .fetchAgain: "fetch the finished video again"
        case .resume(let id): "resume request \(id)"
        case .confirm(let id): "ask fal about request \(id)"
        case .submit(let reason): "submit (\(reason))"
        case .hold(let reason): "held: \(reason)"
        }
    }

    /// Whether this action may send a new, paid request.
    public var submits: Bool {
        switch self {
        case .submit, .confirm: true
        default: false
        }
    }
}

/// How one shot ended.
public enum ShotOutcome: Sendable, Equatable {
    /// Rendered (or fetched) and saved.
    case done(path: String)
    /// Nothing to do.
    case upToDate(path: String)
    /// Failed: `remote` when fal rejected the input or declared the render failed. Nothing of it
    /// is left running on fal.
    case failed(message: String, remote: Bool)
    /// Accepted (or possibly accepted) and not followed to its end; recorded (exit status 4).
    case unfinished(message: String)
    /// Not submitted, for the reason given (exit status 4: the writer must look).
    case held(message: String)
    /// Stopped by Ctrl-C; any accepted request is recorded and still running.
    case interrupted
}

/// What a whole run did: each shot's outcome, and the new requests fal accepted.
public struct RunReport: Sendable {
    /// Each shot's outcome, by name.
    public var outcomes: [String: ShotOutcome]
    /// The shots whose new request fal accepted in this run (each paid), in acceptance order.
    public var submitted: [String]

    /// A report.
    public init(outcomes: [String: ShotOutcome], submitted: [String]) {
        self.outcomes = outcomes
        self.submitted = submitted
    }
}
