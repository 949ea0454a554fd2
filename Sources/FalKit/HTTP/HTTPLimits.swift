/// Every size limit on what a server may send, in one place.
///
/// A reply held in memory, one status-stream event, and a downloaded video each have a cap;
/// going over it aborts the transfer with ``FalError/replyTooLarge(what:limit:)``, so a hostile
/// or broken server can never make the client grow without bound.
public enum HTTPLimits {
    /// The largest successful reply body kept in memory (fal's JSON replies are a few KB): 8 MiB.
    public static let maxReplyBytes = 8 * 1024 * 1024
    /// How much of an error reply's body is kept (it only feeds the error text): 64 KiB. The
    /// transfer stops there and the reply is reported with what was kept.
    public static let maxErrorBodyBytes = 64 * 1024
    /// The largest response header block (all header lines of one response): 256 KiB.
    public static let maxHeaderBytes = 256 * 1024
    /// The largest status-stream event (its unfinished line and `data:` lines together): 512 KiB.
    public static let maxEventBytes = 512 * 1024
    /// The largest download written to disk when no size was announced: 2 GiB. When fal
    /// announces a size, more bytes than announced abort the download at once.
    public static let maxDownloadBytes = 2 * 1024 * 1024 * 1024
}
