import CCurl

/// Owns a libcurl `curl_slist` (header list) and frees it in `deinit`.
///
/// libcurl keeps pointing into the list while a transfer runs, so the transfer keeps this object alive.
final class CurlStringList {
    /// The list head, nil while empty.
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?
    private let curl: CurlLibrary

    /// Builds a list of `Name: value` lines with the loaded libcurl.
    init(_ lines: [String], curl: CurlLibrary) throws {
        self.curl = curl
        for line in lines {
            guard let appended = curl.slistAppend(pointer, line) else {
                throw FalError.transport(
                    code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "cannot build the header list")
            }
            pointer = appended
        }
    }

    deinit {
        if let pointer { curl.slistFreeAll(pointer) }
    }
}
