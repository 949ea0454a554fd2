import CCurl

/// `curl_global_init`, run once per process the first time it is read (Swift globals are lazy and
/// thread-safe).
let curlGlobalInitResult: Int32 = Int32(curl_global_init(Int(CURL_GLOBAL_SSL) | Int(CURL_GLOBAL_WIN32)).rawValue)

/// Text for a libcurl easy error code, from `curl_easy_strerror`.
func curlErrorText(_ code: CURLcode) -> String {
    guard let text = curl_easy_strerror(code) else { return "libcurl error \(code.rawValue)" }
    return String(cString: text)
}

/// Text for a libcurl multi error code, from `curl_multi_strerror`.
func curlMultiErrorText(_ code: CURLMcode) -> String {
    guard let text = curl_multi_strerror(code) else { return "libcurl multi error \(code.rawValue)" }
    return String(cString: text)
}
