import CCurl
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Where a transfer puts the body of a successful (2xx) response. Bodies of other responses
/// always go to memory so that the error text can be read.
enum TransferSink: Sendable {
    /// Collect the body in memory.
    case memory
    /// Write the body to an open file descriptor.
    case file(Int32)
    /// Hand each received chunk to a callback, on the engine thread.
    case chunks(@Sendable ([UInt8]) -> Void)

    /// Whether the body is handed on chunk by chunk (its reader caps what it keeps) rather than
    /// collected, which ``HTTPRequest/maxBodyBytes`` bounds.
    var isStreamed: Bool {
        if case .chunks = self { return true }
        return false
    }
}

/// One libcurl easy handle with everything it points into: the header list, the request body,
/// the error buffer, and the response being collected.
///
/// Created on any thread; after ``CurlEngine/submit(_:)`` only the engine thread touches it,
/// except ``requestCancel()``, which is lock-protected.
final class CurlTransfer: @unchecked Sendable {
    /// The loaded libcurl, which every call goes through.
    private let curl: CurlLibrary
    /// The easy handle, owned here and cleaned up in `deinit`.
    let easy: UnsafeMutableRawPointer
    /// The request as given (for logging).
    let request: HTTPRequest
    /// Called exactly once, on the engine thread, after the handle left the multi handle.
    var completion: (@Sendable (Result<HTTPResponse, Error>) -> Void)?
    /// Called once when finished, with credentials redacted.
    let logger: (@Sendable (HTTPLogEvent) -> Void)?

    private let sink: TransferSink
    private let headerList: CurlStringList
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var bodyBuffer: UnsafeMutableRawPointer?
    private let started = ContinuousClock.now
    private let cancelRequested = Mutex(false)

    // Engine-thread state.
    private var status = 0
    private var headers = HTTPHeaders()
    private var body: [UInt8] = []
    private var bytesReceived = 0
    private var writeFailure: String?
    private var idleFailure: String?
    /// Set when the reply went over one of the ``HTTPLimits``; the transfer fails with it.
    private var limitFailure: FalError?
    /// Set when an error reply's body was cut at ``HTTPLimits/maxErrorBodyBytes``: the transfer
    /// was stopped there and the reply is reported with the prefix kept.
    private var errorBodyCut = false
    private var headerBytes = 0
    private var lastActivity = ContinuousClock.now
    private(set) var isFinished = false

    /// Builds and configures the easy handle for a request with the loaded libcurl.
    init(
        request: HTTPRequest, sink: TransferSink, logger: (@Sendable (HTTPLogEvent) -> Void)?, curl: CurlLibrary
    ) throws {
        guard let easy = curl.easyInit() else {
            throw FalError.transport(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
        }
        self.curl = curl
        self.easy = easy
        self.request = request
        self.sink = sink
        self.logger = logger
        errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        var lines = request.headers.map { "\($0.name): \($0.value)" }
        // No "Expect: 100-continue" round trip for larger bodies.
        lines.append("Expect:")
        if request.body != nil || request.method == .post || request.method == .put,
            request.headers["Content-Type"] == nil
        {
            // Otherwise libcurl labels the body application/x-www-form-urlencoded.
            lines.append("Content-Type:")
        }
        headerList = try CurlStringList(lines, curl: curl)
        try configure()
    }

    deinit {
        curl.easyCleanup(easy)
        errorBuffer.deallocate()
        bodyBuffer?.deallocate()
    }

    private func check(_ code: CURLcode, _ what: String) throws {
        guard code == CURLE_OK else {
            throw FalError.transport(code: Int(code.rawValue), message: "\(what): \(curl.errorText(code))")
        }
    }

    private func setLong(_ option: CURLoption, _ value: Int, _ what: String) throws {
        try check(shotc_curl_easy_setopt_long(curl.easySetopt, easy, option, value), what)
    }

    private func setString(_ option: CURLoption, _ value: String, _ what: String) throws {
        try check(value.withCString { shotc_curl_easy_setopt_string(curl.easySetopt, easy, option, $0) }, what)
    }

    private func configure() throws {
        try setString(CURLOPT_URL, request.url, "setting the URL")
        try setLong(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        try setString(CURLOPT_PROTOCOLS_STR, "http,https", "CURLOPT_PROTOCOLS_STR")
        try setString(CURLOPT_REDIR_PROTOCOLS_STR, "http,https", "CURLOPT_REDIR_PROTOCOLS_STR")
        // TLS verification stays on, always.
        try setLong(CURLOPT_SSL_VERIFYPEER, 1, "CURLOPT_SSL_VERIFYPEER")
        try setLong(CURLOPT_SSL_VERIFYHOST, 2, "CURLOPT_SSL_VERIFYHOST")
        try setLong(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout), "CURLOPT_CONNECTTIMEOUT_MS")
        if let timeout = request.timeout {
            try setLong(CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout), "CURLOPT_TIMEOUT_MS")
        }
        // The idle deadline is checked in the progress callback, which libcurl calls about once a
        // second even when nothing arrives (CURLOPT_LOW_SPEED_TIME averages over a window and reacts late).
        try setLong(CURLOPT_NOPROGRESS, 0, "CURLOPT_NOPROGRESS")
        try setLong(CURLOPT_TCP_KEEPALIVE, 1, "CURLOPT_TCP_KEEPALIVE")
        if request.freshConnection {
            try setLong(CURLOPT_FRESH_CONNECT, 1, "CURLOPT_FRESH_CONNECT")
            try setLong(CURLOPT_FORBID_REUSE, 1, "CURLOPT_FORBID_REUSE")
        }
        if request.followRedirects {
            try setLong(CURLOPT_FOLLOWLOCATION, 1, "CURLOPT_FOLLOWLOCATION")
            try setLong(CURLOPT_MAXREDIRS, 10, "CURLOPT_MAXREDIRS")
        }
        try check(
            shotc_curl_easy_setopt_slist(curl.easySetopt, easy, CURLOPT_HTTPHEADER, headerList.pointer),
            "CURLOPT_HTTPHEADER")
        try check(
            shotc_curl_easy_setopt_pointer(curl.easySetopt, easy, CURLOPT_ERRORBUFFER, errorBuffer),
            "CURLOPT_ERRORBUFFER")

        let this = Unmanaged.passUnretained(self).toOpaque()
        try check(
            shotc_curl_easy_setopt_data_callback(curl.easySetopt, easy, CURLOPT_WRITEFUNCTION, curlWriteCallback),
            "CURLOPT_WRITEFUNCTION")
        try check(shotc_curl_easy_setopt_pointer(curl.easySetopt, easy, CURLOPT_WRITEDATA, this), "CURLOPT_WRITEDATA")
        try check(
            shotc_curl_easy_setopt_data_callback(curl.easySetopt, easy, CURLOPT_HEADERFUNCTION, curlHeaderCallback),
            "CURLOPT_HEADERFUNCTION")
        try check(shotc_curl_easy_setopt_pointer(curl.easySetopt, easy, CURLOPT_HEADERDATA, this), "CURLOPT_HEADERDATA")
        try check(
            shotc_curl_easy_setopt_xferinfo_callback(curl.easySetopt, easy, curlProgressCallback),
            "CURLOPT_XFERINFOFUNCTION")
        try check(
            shotc_curl_easy_setopt_pointer(curl.easySetopt, easy, CURLOPT_XFERINFODATA, this), "CURLOPT_XFERINFODATA")

        switch request.method {
        case .get where request.body == nil:
            try setLong(CURLOPT_HTTPGET, 1, "CURLOPT_HTTPGET")
        case .head:
            // NOBODY makes a HEAD that does not wait for the body its Content-Length announces.
            try setLong(CURLOPT_NOBODY, 1, "CURLOPT_NOBODY")
        case .post:
            try setLong(CURLOPT_POST, 1, "CURLOPT_POST")
            try setBody(request.body ?? [])
        default:
            if request.method != .post {
                try setString(CURLOPT_CUSTOMREQUEST, request.method.rawValue, "CURLOPT_CUSTOMREQUEST")
            }
            if let body = request.body {
                try setBody(body)
            } else if request.method == .put {
                try setBody([])
            }
        }
    }

    /// libcurl does not copy CURLOPT_POSTFIELDS, so the bytes live in a buffer this object owns.
    private func setBody(_ bytes: [UInt8]) throws {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { buffer.copyMemory(from: base, byteCount: source.count) }
        }
        bodyBuffer = buffer
        try check(
            shotc_curl_easy_setopt_off_t(curl.easySetopt, easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)),
            "CURLOPT_POSTFIELDSIZE_LARGE")
        try check(
            shotc_curl_easy_setopt_pointer(curl.easySetopt, easy, CURLOPT_POSTFIELDS, buffer), "CURLOPT_POSTFIELDS")
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        max(1, Int((seconds * 1000).rounded(.up)))
    }

    // MARK: Cancellation (any thread)

    /// Marks the transfer as cancelled; the engine removes it at its next turn.
    func requestCancel() { cancelRequested.withLock { $0 = true } }

    /// Whether cancellation was asked for.
    var isCancelRequested: Bool { cancelRequested.withLock { $0 } }

    // MARK: Callbacks (engine thread)

    /// Handles one header line; a status line starts a new response (redirects, 100 Continue).
    /// Progress: returns false to abort when cancelled or when nothing arrived for the idle timeout.
    fileprivate func checkProgress() -> Bool {
        if isCancelRequested { return false }
        if ContinuousClock.now - lastActivity > .milliseconds(Self.milliseconds(request.idleTimeout)) {
            idleFailure = "no data received for \(Int(request.idleTimeout.rounded())) s"
            return false
        }
        return true
    }

    /// Returns false to abort when the response's header block is over ``HTTPLimits/maxHeaderBytes``.
    fileprivate func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        lastActivity = ContinuousClock.now
        headerBytes += bytes.count
        guard headerBytes <= HTTPLimits.maxHeaderBytes else {
            limitFailure = .replyTooLarge(
                what: "the header of the reply to \(request.method) \(request.url)", limit: HTTPLimits.maxHeaderBytes)
            return false
        }
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = HTTPHeaders()
            headerBytes = bytes.count
            body.removeAll(keepingCapacity: true)
            return true
        }
        guard let colon = line.firstIndex(of: ":") else { return true }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers.add(name, value)
        return true
    }

    /// Handles body bytes; returns false to make libcurl abort with CURLE_WRITE_ERROR.
    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        lastActivity = ContinuousClock.now
        guard (200..<300).contains(status) else {
            // Only the start of an error body is kept: it feeds the error text, nothing more.
            let room = HTTPLimits.maxErrorBodyBytes - body.count
            body.append(contentsOf: bytes.prefix(max(0, room)))
            if bytes.count > room {
                errorBodyCut = true
                return false
            }
            return true
        }
        if !sink.isStreamed {
            let announced = headers["Content-Length"].flatMap { Int($0) } ?? 0
            if bytesReceived + bytes.count > request.maxBodyBytes || announced > request.maxBodyBytes {
                limitFailure = .replyTooLarge(
                    what: "the reply to \(request.method) \(request.url)", limit: request.maxBodyBytes)
                return false
            }
        }
        bytesReceived += bytes.count
        switch sink {
        case .memory:
            body.append(contentsOf: bytes)
        case .chunks(let deliver):
            deliver(Array(bytes))
        case .file(let descriptor):
            var offset = 0
            while offset < bytes.count {
                guard let base = bytes.baseAddress else { break }
                let written = write(descriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    writeFailure = "cannot write the downloaded file: \(String(cString: strerror(errno)))"
                    return false
                }
                offset += written
            }
        }
        return true
    }

    // MARK: Completion (engine thread)

    /// How a transfer ends; every ending goes through ``finish(_:)``.
    enum Ending {
        /// Cancelled (by its task, or because the engine is stopping).
        case cancelled
        /// libcurl finished it with this result code.
        case completed(CURLcode)
        /// The engine could not start it.
        case notStarted(Error)
    }

    /// Builds the outcome of `ending` and hands it to ``completion``, once: the only way a
    /// transfer ends, whichever path of the engine ends it.
    func finish(_ ending: Ending) {
        guard !isFinished else { return }
        isFinished = true
        let outcome: Result<HTTPResponse, Error>
        var errorText: String?
        var code: CURLcode?
        if case .completed(let result) = ending { code = result }
        if case .notStarted(let error) = ending {
            outcome = .failure(error)
            errorText = "\(error)"
        } else if code == nil || isCancelRequested {
            outcome = .failure(CancellationError())
            errorText = "cancelled"
        } else if let idleFailure {
            outcome = .failure(FalError.transport(code: Int(CURLE_OPERATION_TIMEDOUT.rawValue), message: idleFailure))
            errorText = idleFailure
        } else if let limitFailure {
            outcome = .failure(limitFailure)
            errorText = limitFailure.description
        } else if let writeFailure {
            outcome = .failure(FalError.transport(code: Int(CURLE_WRITE_ERROR.rawValue), message: writeFailure))
            errorText = writeFailure
        } else if let code, code != CURLE_OK, !(errorBodyCut && code == CURLE_WRITE_ERROR) {
            let detail = String(cString: errorBuffer)
            var message = curl.errorText(code)
            if !detail.isEmpty && detail != message { message += ": " + detail }
            outcome = .failure(FalError.transport(code: Int(code.rawValue), message: message))
            errorText = message
        } else {
            var effective: UnsafeMutableRawPointer?
            var url = request.url
            if shotc_curl_easy_getinfo_pointer(curl.easyGetinfo, easy, CURLINFO_EFFECTIVE_URL, &effective) == CURLE_OK,
                let effective
            {
                url = String(cString: effective.assumingMemoryBound(to: CChar.self))
            }
            var code = 0
            if status == 0,
                shotc_curl_easy_getinfo_long(curl.easyGetinfo, easy, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK
            {
                status = code
            }
            let received = (200..<300).contains(status) ? bytesReceived : body.count
            outcome = .success(
                HTTPResponse(status: status, headers: headers, body: body, effectiveURL: url, bytesReceived: received))
        }
        if let logger {
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            logger(
                HTTPLogEvent(
                    method: request.method, url: request.url, requestHeaders: request.headers,
                    status: status == 0 ? nil : status, elapsed: seconds, bytesSent: request.body?.count ?? 0,
                    bytesReceived: (200..<300).contains(status) ? bytesReceived : body.count, error: errorText))
        }
        let completion = self.completion
        self.completion = nil
        completion?(outcome)
    }
}

/// CURLOPT_WRITEFUNCTION: forwards to the transfer passed as user data.
private let curlWriteCallback: shotc_curl_data_callback = { data, size, count, user in
    guard let user else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    let length = size * count
    guard length > 0 else { return 0 }
    let accepted = transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length))
    return accepted ? length : 0
}

/// CURLOPT_HEADERFUNCTION: forwards to the transfer passed as user data.
private let curlHeaderCallback: shotc_curl_data_callback = { data, size, count, user in
    guard let user else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    let length = size * count
    let accepted = transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return accepted ? length : 0
}

/// CURLOPT_XFERINFOFUNCTION: non-zero aborts the transfer (CURLE_ABORTED_BY_CALLBACK).
private let curlProgressCallback: shotc_curl_xferinfo_callback = { user, _, _, _, _ in
    guard let user else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    return transfer.checkProgress() ? 0 : 1
}
