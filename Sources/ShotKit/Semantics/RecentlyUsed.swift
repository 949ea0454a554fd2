/// A dictionary by path that keeps at most ``limit`` entries: adding one more drops the entry
/// used least recently (read or written). What bounds an ``AnalysisCache`` kept for a whole
/// editing session.
///
/// Each entry carries the tick of its last use; a read stamps it in place (one hash lookup, as
/// a plain dictionary read). Dropping scans every entry for the oldest tick, O(``limit``), and
/// happens only when a new entry is added to a full dictionary, which also means a file was
/// read and parsed or an image header read: the scan costs less than that.
struct RecentlyUsed<Value: Sendable>: Sendable {
    private struct Slot: Sendable {
        var value: Value
        var used: UInt64
    }

    /// The most entries kept (at least 1).
    let limit: Int
    private var slots: [String: Slot] = [:]
    /// Counts every use; an entry's stamp is the tick of its last use.
    private var tick: UInt64 = 0

    /// An empty dictionary of at most `limit` entries (1 if `limit` is less).
    init(limit: Int) { self.limit = max(1, limit) }

    /// How many entries it holds.
    var count: Int { slots.count }

    /// The value kept for `key`, marked as used now; nil if there is none.
    mutating func value(forKey key: String) -> Value? {
        guard let index = slots.index(forKey: key) else { return nil }
        tick &+= 1
        slots.values[index].used = tick
        return slots.values[index].value
    }

    /// Keeps `value` for `key`, marked as used now; if that adds an entry past ``limit``, the
    /// least recently used one goes.
    mutating func set(_ value: Value, forKey key: String) {
        tick &+= 1
        let added = slots.updateValue(Slot(value: value, used: tick), forKey: key) == nil
        guard added, slots.count > limit else { return }
        // The entry just set has the newest tick, so it is never the one dropped.
        if let oldest = slots.min(by: { $0.value.used < $1.value.used })?.key {
            slots.removeValue(forKey: oldest)
        }
    }
}
