import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension FalClient {
    /// Downloads `url` to `finalPath`, never leaving a partial file under that name.
    ///
    /// The bytes go to `finalPath + ".part"`, are checked against `expectedSize` (fal's `file_size`)
    /// and the `Content-Length`, flushed to disk, then renamed into place. Redirects are followed; no
    /// credentials are sent. Transient failures are retried; on failure the partial file is removed.
    public func download(url: String, to finalPath: String, expectedSize: Int?) async throws {
        let partPath = finalPath + ".part"
        try hostPolicy.checkDownload(url)
        // Never more than announced, and never more than the cap when nothing was announced.
        let limit = min(expectedSize ?? HTTPLimits.maxDownloadBytes, HTTPLimits.maxDownloadBytes)
        let request = HTTPRequest(
            url: url, headers: ["User-Agent": Self.userAgent], timeout: nil, idleTimeout: 60, followRedirects: true,
            maxBodyBytes: limit)
        do {
            try await retrying("download", mode: .idempotent) {
                let response = try await http.download(request, to: partPath)
                guard response.isSuccess else { throw UnacceptedResponse(response: response) }
                if let announced = response.headers["Content-Length"].flatMap({ Int($0) }),
                    announced != response.bytesReceived
                {
                    throw FalError.sizeMismatch(expected: announced, got: response.bytesReceived)
                }
                if let expectedSize, expectedSize != response.bytesReceived {
                    throw FalError.sizeMismatch(expected: expectedSize, got: response.bytesReceived)
                }
            }
        } catch {
            unlink(partPath)
            if let unaccepted = error as? UnacceptedResponse { throw FalError.from(response: unaccepted.response) }
            if case FalError.replyTooLarge(_, let limit) = error {
                let announced = expectedSize.map { "fal announced \($0) bytes" } ?? "no size was announced"
                throw FalError.replyTooLarge(what: "the video at \(url) (\(announced))", limit: limit)
            }
            throw error
        }
        guard rename(partPath, finalPath) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(partPath)
            throw FalError.fileSystem("cannot move the download into place at '\(finalPath)': \(reason)")
        }
        Self.syncDirectory(of: finalPath)
    }

    /// Makes a rename durable by flushing the containing directory; best effort.
    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
