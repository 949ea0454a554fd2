import CCurl

#if canImport(Glibc)
    import Glibc
#endif

/// The system libcurl, loaded with `dlopen` the first time a transfer needs it, never linked.
///
/// Linking libcurl would make every start of `shotc` map about thirty shared libraries, although
/// only `shotc run` and `shotc cancel` talk to the network. The library is loaded once per process
/// (thread-safely, as a lazy static), `curl_global_init` runs right after, and the handle is never
/// closed. Variadic functions (`curl_easy_setopt`, `curl_easy_getinfo`, `curl_multi_setopt`) are kept
/// as raw pointers and called through the `shotc_curl_*` wrappers in `shim.h`, which cast them to their
/// variadic C prototypes.
///
/// Immutable after loading, hence `@unchecked Sendable`.
final class CurlLibrary: @unchecked Sendable {
    /// The names tried in order when `SHOTC_LIBCURL` is not set: the runtime package's soname, then
    /// the development symlink.
    static let defaultNames = ["libcurl.so.4", "libcurl.so"]

    /// The environment variable that names the one library file to load instead (for tests).
    static let overrideVariable = "SHOTC_LIBCURL"

    /// `curl_easy_init`.
    let easyInit: shotc_curl_easy_init_fn
    /// `curl_easy_cleanup`.
    let easyCleanup: shotc_curl_easy_cleanup_fn
    /// `curl_easy_strerror`.
    let easyStrerror: shotc_curl_easy_strerror_fn
    /// `curl_easy_setopt`, variadic: pass it to a `shotc_curl_easy_setopt_*` wrapper.
    let easySetopt: UnsafeMutableRawPointer
    /// `curl_easy_getinfo`, variadic: pass it to a `shotc_curl_easy_getinfo_*` wrapper.
    let easyGetinfo: UnsafeMutableRawPointer
    /// `curl_multi_init`.
    let multiInit: shotc_curl_multi_init_fn
    /// `curl_multi_cleanup`.
    let multiCleanup: shotc_curl_multi_cleanup_fn
    /// `curl_multi_add_handle`.
    let multiAddHandle: shotc_curl_multi_add_handle_fn
    /// `curl_multi_remove_handle`.
    let multiRemoveHandle: shotc_curl_multi_remove_handle_fn
    /// `curl_multi_perform`.
    let multiPerform: shotc_curl_multi_perform_fn
    /// `curl_multi_poll`.
    let multiPoll: shotc_curl_multi_poll_fn
    /// `curl_multi_info_read`.
    let multiInfoRead: shotc_curl_multi_info_read_fn
    /// `curl_multi_wakeup`.
    let multiWakeup: shotc_curl_multi_wakeup_fn
    /// `curl_multi_strerror`.
    let multiStrerror: shotc_curl_multi_strerror_fn
    /// `curl_multi_setopt`, variadic: pass it to `shotc_curl_multi_setopt_long`.
    let multiSetopt: UnsafeMutableRawPointer
    /// `curl_slist_append`.
    let slistAppend: shotc_curl_slist_append_fn
    /// `curl_slist_free_all`.
    let slistFreeAll: shotc_curl_slist_free_all_fn

    /// The process's libcurl, loaded and globally initialised on first use.
    ///
    /// Throws ``FalError/libraryUnavailable(_:)`` when no library can be loaded or a function is
    /// missing, and ``FalError/transport(code:message:)`` when `curl_global_init` fails; every call
    /// after a failure throws the same error again.
    static func shared() throws(FalError) -> CurlLibrary {
        try loaded.get()
    }

    /// Swift runs a static's initialiser once, on first access, under a lock.
    private static let loaded: Result<CurlLibrary, FalError> = {
        let override = getenv(overrideVariable).map { String(cString: $0) } ?? ""
        let names = override.isEmpty ? defaultNames : [override]
        return Result { () throws(FalError) in try load(names: names) }
    }()

    /// Opens the first of `names` that loads, resolves every function and runs `curl_global_init`.
    static func load(names: [String]) throws(FalError) -> CurlLibrary {
        var failures: [String] = []
        for name in names {
            // RTLD_LOCAL: libcurl's symbols stay out of the global namespace; only dlsym reaches them.
            if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) {
                let library = try CurlLibrary(handle: handle)
                let code = library.globalInit(Int(CURL_GLOBAL_SSL) | Int(CURL_GLOBAL_WIN32))
                guard code == CURLE_OK else {
                    throw FalError.transport(code: Int(code.rawValue), message: "curl_global_init failed")
                }
                return library
            }
            failures.append(dlErrorText(or: "cannot load \(name)"))
        }
        throw FalError.libraryUnavailable(failures.joined(separator: "; "))
    }

    /// `curl_global_init`, used once by ``load(names:)``.
    private let globalInit: shotc_curl_global_init_fn

    private init(handle: UnsafeMutableRawPointer) throws(FalError) {
        func symbol(_ name: String) throws(FalError) -> UnsafeMutableRawPointer {
            guard let address = dlsym(handle, name) else {
                throw FalError.libraryUnavailable(dlErrorText(or: "libcurl has no function \(name)"))
            }
            return address
        }
        func function<Function>(_ name: String, as type: Function.Type) throws(FalError) -> Function {
            unsafeBitCast(try symbol(name), to: type)
        }
        globalInit = try function("curl_global_init", as: shotc_curl_global_init_fn.self)
        easyInit = try function("curl_easy_init", as: shotc_curl_easy_init_fn.self)
        easyCleanup = try function("curl_easy_cleanup", as: shotc_curl_easy_cleanup_fn.self)
        easyStrerror = try function("curl_easy_strerror", as: shotc_curl_easy_strerror_fn.self)
        easySetopt = try symbol("curl_easy_setopt")
        easyGetinfo = try symbol("curl_easy_getinfo")
        multiInit = try function("curl_multi_init", as: shotc_curl_multi_init_fn.self)
        multiCleanup = try function("curl_multi_cleanup", as: shotc_curl_multi_cleanup_fn.self)
        multiAddHandle = try function("curl_multi_add_handle", as: shotc_curl_multi_add_handle_fn.self)
        multiRemoveHandle = try function("curl_multi_remove_handle", as: shotc_curl_multi_remove_handle_fn.self)
        multiPerform = try function("curl_multi_perform", as: shotc_curl_multi_perform_fn.self)
        multiPoll = try function("curl_multi_poll", as: shotc_curl_multi_poll_fn.self)
        multiInfoRead = try function("curl_multi_info_read", as: shotc_curl_multi_info_read_fn.self)
        multiWakeup = try function("curl_multi_wakeup", as: shotc_curl_multi_wakeup_fn.self)
        multiStrerror = try function("curl_multi_strerror", as: shotc_curl_multi_strerror_fn.self)
        multiSetopt = try symbol("curl_multi_setopt")
        slistAppend = try function("curl_slist_append", as: shotc_curl_slist_append_fn.self)
        slistFreeAll = try function("curl_slist_free_all", as: shotc_curl_slist_free_all_fn.self)
    }

    /// Text for a libcurl easy error code, from `curl_easy_strerror`.
    func errorText(_ code: CURLcode) -> String {
        guard let text = easyStrerror(code) else { return "libcurl error \(code.rawValue)" }
        return String(cString: text)
    }

    /// Text for a libcurl multi error code, from `curl_multi_strerror`.
    func multiErrorText(_ code: CURLMcode) -> String {
        guard let text = multiStrerror(code) else { return "libcurl multi error \(code.rawValue)" }
        return String(cString: text)
    }
}

/// The dynamic linker's last error text, or `fallback` when it has none.
private func dlErrorText(or fallback: String) -> String {
    guard let text = dlerror() else { return fallback }
    return String(cString: text)
}
