#ifndef CCURLSHIM_H
#define CCURLSHIM_H

/*
 * Small, non-variadic wrappers around libcurl for Swift.
 *
 * Swift cannot call C variadic functions such as curl_easy_setopt and curl_easy_getinfo, so each
 * argument type gets one typed wrapper here. The upload reader also lives here: it copies from a
 * caller-owned buffer that must stay valid until curl_easy_perform returns.
 */

#include <curl/curl.h>
#include <stddef.h>

/// Sets a `long` option (CURLOPTTYPE_LONG).
CURLcode sw_curl_setopt_long(CURL *handle, CURLoption option, long value);

/// Sets a string option; libcurl copies the string (except the few documented exceptions).
CURLcode sw_curl_setopt_string(CURL *handle, CURLoption option, const char *value);

/// Sets an opaque pointer option (CURLOPTTYPE_CBPOINT / OBJECTPOINT data pointers).
CURLcode sw_curl_setopt_ptr(CURL *handle, CURLoption option, void *value);

/// Sets a string-list option such as CURLOPT_MAIL_RCPT; the list must outlive the transfer.
CURLcode sw_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list);

/// Reads a `long` information value (CURLINFO_RESPONSE_CODE, …).
CURLcode sw_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);

/// An upload source: `data[0..<length]`, read from `position` on.
typedef struct sw_curl_upload_buffer {
    const char *data;
    size_t length;
    size_t position;
} sw_curl_upload_buffer;

/// Installs the read callback that serves `buffer` as the upload (SMTP DATA) and turns on
/// CURLOPT_UPLOAD with the right size. `buffer` and its data must outlive the transfer.
CURLcode sw_curl_set_upload_buffer(CURL *handle, sw_curl_upload_buffer *buffer);

/// Debug callback type (CURLOPT_DEBUGFUNCTION).
typedef int (*sw_curl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *context);

/// Installs a debug callback with its context and turns on CURLOPT_VERBOSE, so that the callback
/// sees the protocol lines. Nothing is written to stderr while a debug callback is set.
CURLcode sw_curl_set_debug_callback(CURL *handle, sw_curl_debug_callback callback, void *context);

/// Progress callback type (CURLOPT_XFERINFOFUNCTION); returning non-zero aborts the transfer.
typedef int (*sw_curl_xferinfo_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow,
                                         curl_off_t ultotal, curl_off_t ulnow);

/// Installs a progress callback with its context and turns progress reporting on.
CURLcode sw_curl_set_xferinfo_callback(CURL *handle, sw_curl_xferinfo_callback callback, void *context);

/// Lets an SMTP transfer continue when some (not all) RCPT TO commands are refused, as Python's
/// smtplib does. The option changed its name in libcurl 8.2; this hides the spelling.
CURLcode sw_curl_set_mail_rcpt_allowfails(CURL *handle, long enabled);

#endif
