import Foundation

/// When and how often failed calls are tried again. Clock, sleep and randomness are injectable so
/// that tests run fast and deterministically.
public struct RetryPolicy: Sendable {
    /// How the computed delay is randomised.
    public enum Jitter: Sendable, Equatable {
        /// The exact exponential delay.
        case none
        /// Uniform in 0...delay ("full jitter").
        case full
        /// Uniform in delay × (1 ± fraction); 0.5 gives ±50 %.
        case proportional(Double)
    }

    /// Attempts in total, the first included (1 means never retry).
    public var maxAttempts: Int
    /// Delay before the first retry, in seconds, before jitter.
    public var baseDelay: Double
    /// Upper bound of any delay, in seconds (a `Retry-After` may go up to ``maxRetryAfter``).
    public var maxDelay: Double
    /// The longest `Retry-After` honoured, in seconds.
    public var maxRetryAfter: Double
    /// Randomisation of the delay.
    public var jitter: Jitter
    /// Waits the given seconds; throws `CancellationError` when the task is cancelled.
    public var sleep: @Sendable (Double) async throws -> Void
    /// A uniform random number in 0..<1.
    public var random: @Sendable () -> Double
    /// The current time, for `Retry-After` dates and token expiry.
    public var now: @Sendable () -> Date

    /// Creates a policy; the defaults are 6 attempts, 0.5 s base, 30 s cap, ±50 % jitter, real time.
    public init(
        maxAttempts: Int = 6, baseDelay: Double = 0.5, maxDelay: Double = 30, maxRetryAfter: Double = 120,
        jitter: Jitter = .proportional(0.5),
        sleep: @escaping @Sendable (Double) async throws -> Void = RetryPolicy.taskSleep,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.jitter = jitter
        self.sleep = sleep
        self.random = random
        self.now = now
    }

    /// The default policy.
    public static let standard = RetryPolicy()

    /// `Task.sleep` for the given seconds.
    public static let taskSleep: @Sendable (Double) async throws -> Void = { seconds in
        guard seconds > 0 else { return try Task.checkCancellation() }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }

    /// The delay before retry number `retry` (1 for the first retry), honouring a `Retry-After`
    /// value (seconds or an HTTP date) when one is given.
    public func delay(beforeRetry retry: Int, retryAfter: String? = nil) -> Double {
        if let retryAfter, let seconds = Self.parseRetryAfter(retryAfter, now: now()) {
            return min(max(0, seconds), maxRetryAfter)
        }
        let exponential = min(maxDelay, baseDelay * pow(2, Double(max(0, retry - 1))))
        switch jitter {
        case .none:
            return exponential
        case .full:
            return exponential * random()
        case .proportional(let fraction):
            return min(maxDelay, exponential * (1 - fraction + 2 * fraction * random()))
        }
    }

    /// Parses `Retry-After`: delta seconds (`120`) or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`).
    public static func parseRetryAfter(_ value: String, now: Date) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed) { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return date.timeIntervalSince(now) }
        }
        return nil
    }
}

/// Polling cadence used when the status stream is unavailable: grows by ``factor`` up to ``maxInterval``.
public struct PollingPolicy: Sendable, Equatable {
    /// The first wait, seconds.
    public var initialInterval: Double
    /// Growth per poll.
    public var factor: Double
    /// The longest wait, seconds.
    public var maxInterval: Double
    /// Seconds without any byte on the status stream (keep-alives count) before falling back to polling.
    public var streamIdleTimeout: Double
    /// Seconds the status stream may send bytes (keep-alives) without a single event before it is
    /// abandoned for polling.
    public var streamEventTimeout: Double

    /// Creates a policy; defaults 0.5 s, ×1.5, 5 s, 20 s stream idle timeout, 60 s without an event.
    public init(
        initialInterval: Double = 0.5, factor: Double = 1.5, maxInterval: Double = 5, streamIdleTimeout: Double = 20,
        streamEventTimeout: Double = 60
    ) {
        self.initialInterval = initialInterval
        self.factor = factor
        self.maxInterval = maxInterval
        self.streamIdleTimeout = streamIdleTimeout
        self.streamEventTimeout = streamEventTimeout
    }

    /// The defaults.
    public static let standard = PollingPolicy()
}

/// Something the progress display may show: a call failed transiently and will be tried again.
public struct RetryEvent: Sendable, CustomStringConvertible {
    /// The fal operation, e.g. `submit`, `status`, `upload`.
    public var operation: String
    /// The attempt that failed, 1-based.
    public var attempt: Int
    /// The attempts allowed in total.
    public var maxAttempts: Int
    /// Seconds until the next attempt.
    public var delay: Double
    /// Why, e.g. `HTTP 429` or `connection refused`.
    public var reason: String

    /// Creates an event.
    public init(operation: String, attempt: Int, maxAttempts: Int, delay: Double, reason: String) {
        self.operation = operation
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.delay = delay
        self.reason = reason
    }

    /// `submit: retrying in 2s (HTTP 429), attempt 2 of 6`.
    public var description: String {
        let seconds = delay < 10 ? String(format: "%.1fs", delay) : String(format: "%.0fs", delay)
        return "\(operation): retrying in \(seconds) (\(reason)), attempt \(attempt + 1) of \(maxAttempts)"
    }
}
