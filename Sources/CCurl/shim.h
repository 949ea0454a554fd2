#ifndef SHOTC_CCURL_SHIM_H
#define SHOTC_CCURL_SHIM_H
#include <curl/curl.h>

/* libcurl's setopt/getinfo functions are variadic, which Swift cannot call.
   These non-variadic wrappers fix the argument type per call site. */

/** Write and header callbacks share libcurl's signature. */
typedef size_t (*shotc_curl_data_callback)(char *data, size_t size, size_t count, void *user);

/** Progress callback (CURLOPT_XFERINFOFUNCTION). */
typedef int (*shotc_curl_xferinfo_callback)(void *user, curl_off_t dltotal, curl_off_t dlnow,
                                           curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode shotc_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shotc_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shotc_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shotc_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shotc_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shotc_curl_easy_setopt_data_callback(CURL *handle, CURLoption option,
                                                           shotc_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode shotc_curl_easy_setopt_xferinfo_callback(CURL *handle,
                                                               shotc_curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}

static inline CURLcode shotc_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode shotc_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode shotc_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode shotc_curl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

/** CURLMsg's `data` is a union; Swift cannot read the CURLcode member directly. */
static inline CURLcode shotc_curl_msg_result(const CURLMsg *message) {
    return message->data.result;
}

#endif
