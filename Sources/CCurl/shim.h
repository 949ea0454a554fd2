#ifndef SHOTC_CCURL_SHIM_H
#define SHOTC_CCURL_SHIM_H
#include <curl/curl.h>

/* shotc does not link libcurl: FalKit loads it with dlopen on first use (CurlLibrary.swift) and
   calls every function through a pointer from dlsym. This header supplies libcurl's types and
   constants, the function pointer types, and wrappers for the variadic functions. */

/* Function pointer types, taken from libcurl's own prototypes so that they cannot drift. */
typedef __typeof__(curl_global_init) *shotc_curl_global_init_fn;
typedef __typeof__(curl_easy_init) *shotc_curl_easy_init_fn;
typedef __typeof__(curl_easy_cleanup) *shotc_curl_easy_cleanup_fn;
typedef __typeof__(curl_easy_strerror) *shotc_curl_easy_strerror_fn;
typedef __typeof__(curl_multi_init) *shotc_curl_multi_init_fn;
typedef __typeof__(curl_multi_cleanup) *shotc_curl_multi_cleanup_fn;
typedef __typeof__(curl_multi_add_handle) *shotc_curl_multi_add_handle_fn;
typedef __typeof__(curl_multi_remove_handle) *shotc_curl_multi_remove_handle_fn;
typedef __typeof__(curl_multi_perform) *shotc_curl_multi_perform_fn;
typedef __typeof__(curl_multi_poll) *shotc_curl_multi_poll_fn;
typedef __typeof__(curl_multi_info_read) *shotc_curl_multi_info_read_fn;
typedef __typeof__(curl_multi_wakeup) *shotc_curl_multi_wakeup_fn;
typedef __typeof__(curl_multi_strerror) *shotc_curl_multi_strerror_fn;
typedef __typeof__(curl_slist_append) *shotc_curl_slist_append_fn;
typedef __typeof__(curl_slist_free_all) *shotc_curl_slist_free_all_fn;

/* libcurl's setopt/getinfo functions are variadic, which Swift cannot call. These non-variadic
   wrappers fix the argument type per call site and call the loaded function, passed as the first
   argument (dlsym's pointer), through its variadic prototype, as the C calling convention needs. */

/** The variadic prototype of curl_easy_setopt. */
typedef CURLcode (*shotc_curl_easy_setopt_variadic)(CURL *handle, CURLoption option, ...);
/** The variadic prototype of curl_easy_getinfo. */
typedef CURLcode (*shotc_curl_easy_getinfo_variadic)(CURL *handle, CURLINFO info, ...);
/** The variadic prototype of curl_multi_setopt. */
typedef CURLMcode (*shotc_curl_multi_setopt_variadic)(CURLM *handle, CURLMoption option, ...);

/** Write and header callbacks share libcurl's signature. */
typedef size_t (*shotc_curl_data_callback)(char *data, size_t size, size_t count, void *user);

/** Progress callback (CURLOPT_XFERINFOFUNCTION). */
typedef int (*shotc_curl_xferinfo_callback)(void *user, curl_off_t dltotal, curl_off_t dlnow,
                                           curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode shotc_curl_easy_setopt_long(void *setopt, CURL *handle, CURLoption option, long value) {
    return ((shotc_curl_easy_setopt_variadic)setopt)(handle, option, value);
}

static inline CURLcode shotc_curl_easy_setopt_string(void *setopt, CURL *handle, CURLoption option,
                                                     const char *value) {
    return ((shotc_curl_easy_setopt_variadic)setopt)(handle, option, value);
}

static inline CURLcode shotc_curl_easy_setopt_pointer(void *setopt, CURL *handle, CURLoption option, void *value) {
    return ((shotc_curl_easy_setopt_variadic)setopt)(handle, option, value);
}

static inline CURLcode shotc_curl_easy_setopt_off_t(void *setopt, CURL *handle, CURLoption option,
                                                    curl_off_t value) {
    return ((shotc_curl_easy_setopt_variadic)setopt)(handle, option, value);
}

static inline CURLcode shotc_curl_easy_setopt_slist(void *setopt, CURL *handle, CURLoption option,
                                                    struct curl_slist *value) {
    return ((shotc_curl_easy_setopt_variadic)setopt)(handle, option, value);
}

static inline CURLcode shotc_curl_easy_setopt_data_callback(void *setopt, CURL *handle, CURLoption option,
                                                           shotc_curl_data_callback value) {
    return ((shotc_curl_easy_setopt_variadic)setopt)(handle, option, value);
}

static inline CURLcode shotc_curl_easy_setopt_xferinfo_callback(void *setopt, CURL *handle,
                                                               shotc_curl_xferinfo_callback value) {
    return ((shotc_curl_easy_setopt_variadic)setopt)(handle, CURLOPT_XFERINFOFUNCTION, value);
}

static inline CURLcode shotc_curl_easy_getinfo_long(void *getinfo, CURL *handle, CURLINFO info, long *value) {
    return ((shotc_curl_easy_getinfo_variadic)getinfo)(handle, info, value);
}

static inline CURLcode shotc_curl_easy_getinfo_off_t(void *getinfo, CURL *handle, CURLINFO info,
                                                     curl_off_t *value) {
    return ((shotc_curl_easy_getinfo_variadic)getinfo)(handle, info, value);
}

static inline CURLcode shotc_curl_easy_getinfo_pointer(void *getinfo, CURL *handle, CURLINFO info, void **value) {
    return ((shotc_curl_easy_getinfo_variadic)getinfo)(handle, info, value);
}

static inline CURLMcode shotc_curl_multi_setopt_long(void *setopt, CURLM *handle, CURLMoption option, long value) {
    return ((shotc_curl_multi_setopt_variadic)setopt)(handle, option, value);
}

/** CURLMsg's `data` is a union; Swift cannot read the CURLcode member directly. */
static inline CURLcode shotc_curl_msg_result(const CURLMsg *message) {
    return message->data.result;
}

#endif
