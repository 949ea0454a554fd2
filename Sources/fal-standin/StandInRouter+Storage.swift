import Foundation
import NIOHTTP1

/// fal's storage and media routes: the CDN token, uploads (direct, or initiated then put), the
/// stored files and the sample video.
extension StandInRouter {
    /// `POST /storage/auth/token`: a new CDN token, good for an hour.
    func token(_ request: StandInRequest, requestID: String) -> HTTPReply {
        let token = "standin-cdn-" + Self.newID()
        state.withLock { state in
            state.cdnTokens.insert(token)
            store?.saveCounters(of: state)
        }
        let expiry = Date().addingTimeInterval(3600)
        return .json(
            200,
            [
                "token": .string(token),
                "token_type": "Bearer",
                "base_url": .string(request.baseURL),
                "expires_at": .string(expiry.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))),
            ],
            requestID: requestID)
    }

    /// `POST /files/upload`: keeps the body as a file and answers its URL.
    func upload(_ request: StandInRequest, requestID: String) -> HTTPReply {
        let contentType = request.headers.first(name: "content-type") ?? "application/octet-stream"
        let fileName = Self.safeFileName(request.headers.first(name: "x-fal-file-name"))
        let path = state.withLock { state -> String in
            let path = "/files/\(state.takeUploadNumber())/\(fileName)"
            let file = StoredFile(bytes: request.body, contentType: contentType)
            state.files[path] = file
            store?.save(file: file, at: path)
            store?.saveCounters(of: state)
            return path
        }
        return .json(
            200, ["access_url": .string(request.baseURL + path), "content_type": .string(contentType)],
            requestID: requestID)
    }

    /// `POST /storage/upload/initiate`: a URL to `PUT` the file to, and the file's URL.
    func initiate(_ request: StandInRequest, requestID: String) -> HTTPReply {
        guard let body = JSON.parse(request.body), body.objectValue != nil else {
            let problem = SubmitBodyValidator.problem(["body"], "Invalid JSON: expected an object", "json_invalid")
            return .json(422, ["detail": [problem]], requestID: requestID)
        }
        let fileName = Self.safeFileName(body["file_name"]?.stringValue)
        let contentType = body["content_type"]?.stringValue ?? "application/octet-stream"
        let (uploadID, filePath) = state.withLock { state -> (String, String) in
            let uploadID = "u\(state.takeUploadNumber())"
            let filePath = "/files/\(uploadID)/\(fileName)"
            state.pendingUploads[uploadID] = PendingUpload(filePath: filePath, contentType: contentType)
            store?.saveCounters(of: state)
            return (uploadID, filePath)
        }
        return .json(
            200,
            [
                "upload_url": .string("\(request.baseURL)/upload/\(uploadID)"),
                "file_url": .string(request.baseURL + filePath),
            ],
            requestID: requestID)
    }

    /// `PUT /upload/{id}`: keeps the body as the file of an initiated upload.
    func put(_ request: StandInRequest, uploadID: String, requestID: String) -> HTTPReply {
        let stored = state.withLock { state -> Bool in
            guard let pending = state.pendingUploads[uploadID] else { return false }
            let contentType = request.headers.first(name: "content-type") ?? pending.contentType
            let file = StoredFile(bytes: request.body, contentType: contentType)
            state.files[pending.filePath] = file
            store?.save(file: file, at: pending.filePath)
            return true
        }
        guard stored else { return .json(404, ["detail": "Upload not found"], requestID: requestID) }
        return HTTPReply(status: 200, headers: HTTPHeaders([("x-fal-request-id", requestID)]), body: [])
    }

    /// `GET /files/...`: a stored file.
    func file(_ request: StandInRequest, path: String, requestID: String) -> HTTPReply {
        guard let stored = state.withLock({ $0.files[path] }) else {
            return .json(404, ["detail": "File not found"], requestID: requestID)
        }
        return Self.bytesReply(
            stored.bytes, contentType: stored.contentType, method: request.method, requestID: requestID)
    }

    /// `GET /media/{name}`: the sample video, as `sample.mp4` or as a known request's video.
    func media(_ request: StandInRequest, fileName: String, requestID: String) -> HTTPReply {
        let known =
            fileName == "sample.mp4"
            || (fileName.hasSuffix(".mp4")
                && state.withLock { $0.jobs[String(fileName.dropLast(".mp4".count))] != nil })
        guard known else { return .json(404, ["detail": "File not found"], requestID: requestID) }
        return Self.bytesReply(
            SampleVideo.bytes, contentType: SampleVideo.contentType, method: request.method, requestID: requestID)
    }

    /// A file reply; `HEAD` gets the headers only (the handler keeps `content-length` from `body`).
    static func bytesReply(_ bytes: [UInt8], contentType: String, method: HTTPMethod, requestID: String) -> HTTPReply {
        HTTPReply(
            status: 200, headers: HTTPHeaders([("content-type", contentType), ("x-fal-request-id", requestID)]),
            body: bytes)
    }

    /// The last path component of `name` with anything but letters, digits, `.`, `-` and `_` replaced by `_`;
    /// `upload.bin` when nothing is left.
    static func safeFileName(_ name: String?) -> String {
        let lastComponent = name?.split(separator: "/").last.map(String.init) ?? ""
        let safe = String(
            lastComponent.unicodeScalars.map { scalar -> Character in
                let allowed =
                    scalar.isASCII
                    && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                        || ".-_".unicodeScalars.contains(scalar))
                return allowed ? Character(scalar) : "_"
            })
        return safe.isEmpty || safe.allSatisfy({ $0 == "." }) ? "upload.bin" : safe
    }
}
