import FalKit

/// What a run reports as it goes, for the progress display, log lines or `--json`.
public enum RunEvent: Sendable {
    /// What will happen to a shot: `"up to date"`, `"resume"`, `"submit"`, `"fetch again"`.
    case planned(shot: String, action: ShotAction)
    /// A local image is being uploaded.
    case uploading(file: String, bytes: Int)
    /// A local image has its URL (`cached`: from an earlier run, nothing sent).
    case uploaded(file: String, url: String, cached: Bool)
    /// fal accepted the shot's request.
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
    /// The shot failed; `remote` when fal rejected or failed the render.
    case failed(shot: String, message: String, remote: Bool)
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
    /// Submit a new request; `reason` says why (new, changed, failed before, forced).
    case submit(reason: String)

    /// A short description for people.
    public var summary: String {
        switch self {
        case .upToDate: "up to date"
        case .fetchAgain: "fetch the finished video again"
        case .resume(let id): "resume request \(id)"
        case .submit(let reason): "submit (\(reason))"
        }
    }
}
