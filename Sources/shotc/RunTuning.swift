import FalKit

/// Settings of `shotc run` read from the environment: `SHOTC_FOLLOW_PATIENCE` (seconds that
/// following a request may keep failing before the run leaves it recorded, default 600) and
/// `SHOTC_RETRY_BASE_DELAY` (the first retry's pause in seconds, default 0.5; tests shorten it).
struct RunTuning {
    var followPatience: Double = 600
    var retryPolicy = RetryPolicy.standard

    init(environment: [String: String]) {
        if let text = environment["SHOTC_FOLLOW_PATIENCE"], let seconds = Double(text), seconds >= 0 {
            followPatience = seconds
        }
        if let text = environment["SHOTC_RETRY_BASE_DELAY"], let seconds = Double(text), seconds >= 0 {
            retryPolicy = RetryPolicy(baseDelay: seconds, maxDelay: max(seconds, min(30, seconds * 60)))
        }
    }
}
