import CCurl
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// HTTP over the system libcurl, many transfers at once on one engine thread.
///
/// Cancelling the Swift task that awaits a transfer removes the transfer from libcurl promptly.
public final class HTTPClient: Sendable {
    private let engine: CurlEngine
    private let log: (@Sendable (HTTPLogEvent) -> Void)?

    /// Starts an engine thread. `log` receives one event per finished transfer, credentials redacted.
    ///
    /// The first client in a process loads libcurl (`dlopen`); when that fails this throws
    /// ``FalError/libraryUnavailable(_:)``, before any request is made.
    public init(log: (@Sendable (HTTPLogEvent) -> Void)? = nil) throws {
        engine = try CurlEngine()
        self.log = log
    }

    deinit {
        engine.shutdown()
    }

    /// Sends a request and collects the whole response in memory. Throws only for transport
    /// failures (as ``FalError/transport(code:message:)``) and cancellation; any HTTP status is returned.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await perform(request, sink: .memory)
    }

    /// Sends a request and writes a 2xx body to the file at `path` (created or truncated, then fsynced).
    /// The body of any other status is returned in memory and the file is left empty.
    public func download(_ request: HTTPRequest, to path: String) async throws -> HTTPResponse {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw FalError.fileSystem("cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let response = try await perform(request, sink: .file(descriptor))
        if response.isSuccess && fsync(descriptor) != 0 {
            throw FalError.fileSystem("cannot flush '\(path)' to disk: \(String(cString: strerror(errno)))")
        }
        return response
    }

    /// Sends a request and delivers a 2xx body chunk by chunk as it arrives. Any other status ends
    /// the stream with the error ``FalError/from(response:)`` makes of it. Ending the iteration early
    /// cancels the transfer.
    public func stream(_ request: HTTPRequest) -> AsyncThrowingStream<[UInt8], Error> {
        AsyncThrowingStream { continuation in
            let transfer: CurlTransfer
            do {
                transfer = try CurlTransfer(
                    request: request, sink: .chunks({ continuation.yield($0) }), logger: log, curl: engine.curl)
            } catch {
                continuation.finish(throwing: error)
                return
            }
            transfer.completion = { outcome in
                switch outcome {
                case .success(let response) where response.isSuccess:
                    continuation.finish()
                case .success(let response):
                    continuation.finish(throwing: FalError.from(response: response))
                case .failure(let error):
                    continuation.finish(throwing: error)
                }
            }
            let engine = self.engine
            continuation.onTermination = { termination in
                if case .cancelled = termination { engine.cancel(transfer) }
            }
            engine.submit(transfer)
        }
    }

    private func perform(_ request: HTTPRequest, sink: TransferSink) async throws -> HTTPResponse {
        let transfer = try CurlTransfer(request: request, sink: sink, logger: log, curl: engine.curl)
        let engine = self.engine
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, Error>) in
                transfer.completion = { continuation.resume(with: $0) }
                engine.submit(transfer)
            }
        } onCancel: {
            engine.cancel(transfer)
        }
    }
}
