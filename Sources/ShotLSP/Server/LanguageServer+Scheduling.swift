import ShotKit

#if canImport(Glibc)
    import Glibc
#endif

/// The clock and the debounced schedule of diagnostics: a change makes a document due
/// ``debounce`` seconds later, and ``tick()`` publishes what is due.
extension LanguageServer {
    /// Seconds on a monotonic clock.
    public static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// When ``tick()`` should next run, if anything is pending.
    public var nextDeadline: Double? { pending.values.min() }

    /// Publishes the diagnostics that are due.
    public func tick() {
        let now = Self.now()
        let due = pending.filter { $0.value <= now }.map(\.key).sorted()
        for uri in due {
            pending[uri] = nil
            if let document = documents[uri] { publishDiagnostics(document) }
        }
    }

    /// Publishes every pending diagnostic now (at the end of input).
    public func flush() {
        let due = pending.keys.sorted()
        pending.removeAll()
        for uri in due {
            if let document = documents[uri] { publishDiagnostics(document) }
        }
    }

    /// Schedules diagnostics for `document` and for every open document that read it.
    func scheduleDiagnostics(after document: Document?) {
        let deadline = Self.now() + debounce
        if let document { pending[document.uri] = deadline }
        for other in documents.values where other !== document {
            let reads =
                document == nil
                || other.index?.file(atPath: document?.path ?? "") != nil
            if reads { pending[other.uri] = deadline }
        }
    }
}
