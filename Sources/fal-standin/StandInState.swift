/// A file held by the stand-in's storage, served by `GET /files/...`.
struct StoredFile: Sendable, Equatable {
    /// The bytes as uploaded.
    var bytes: [UInt8]
    /// The `Content-Type` given at upload.
    var contentType: String
}

/// A legacy upload between `POST /storage/upload/initiate` and `PUT /upload/{id}`.
struct PendingUpload: Sendable, Equatable {
    /// Where the bytes will be served, e.g. `/files/u3/photo.png`.
    var filePath: String
    /// The content type announced at initiate; the PUT's own `Content-Type` wins.
    var contentType: String
}

/// Everything the stand-in remembers, guarded by one lock in `StandInRouter`.
struct StandInState: Sendable {
    /// Submitted requests by id.
    var jobs: [String: RenderJob] = [:]
    /// Uploaded files by path (`/files/...`).
    var files: [String: StoredFile] = [:]
    /// Legacy uploads waiting for their PUT, by upload id.
    var pendingUploads: [String: PendingUpload] = [:]
    /// CDN tokens handed out by `POST /storage/auth/token`.
    var cdnTokens: Set<String> = []
    /// What has been seen, for `GET /_standin/counts`.
    var counters = RouteCounters()
    /// Faults waiting to be applied.
    var faults = FaultList()
    /// The number in the next upload's path.
    var nextUploadNumber = 1

    /// `POST /_standin/reset`: forgets counts, faults and submitted requests. Uploaded files and CDN tokens
    /// stay, so a client that cached a token or a file URL before the reset keeps working.
    mutating func reset() {
        jobs.removeAll()
        counters = RouteCounters()
        faults.removeAll()
    }

    /// Takes the next upload number.
    mutating func takeUploadNumber() -> Int {
        defer { nextUploadNumber += 1 }
        return nextUploadNumber
    }
}
