#include "ccurlshim.h"
#include <string.h>

CURLcode sw_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode sw_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode sw_curl_setopt_ptr(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode sw_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list) {
    return curl_easy_setopt(handle, option, list);
}

CURLcode sw_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static size_t sw_curl_read_upload(char *destination, size_t size, size_t count, void *context) {
    sw_curl_upload_buffer *buffer = (sw_curl_upload_buffer *)context;
    size_t wanted = size * count;
    size_t left = buffer->length - buffer->position;
    size_t n = wanted < left ? wanted : left;
    if (n > 0) {
        memcpy(destination, buffer->data + buffer->position, n);
        buffer->position += n;
    }
    return n;
}

CURLcode sw_curl_set_upload_buffer(CURL *handle, sw_curl_upload_buffer *buffer) {
    CURLcode rc = curl_easy_setopt(handle, CURLOPT_READFUNCTION, sw_curl_read_upload);
    if (rc != CURLE_OK) return rc;
    rc = curl_easy_setopt(handle, CURLOPT_READDATA, (void *)buffer);
    if (rc != CURLE_OK) return rc;
    rc = curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, (curl_off_t)buffer->length);
    if (rc != CURLE_OK) return rc;
    return curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
}

CURLcode sw_curl_set_debug_callback(CURL *handle, sw_curl_debug_callback callback, void *context) {
    CURLcode rc = curl_easy_setopt(handle, CURLOPT_DEBUGFUNCTION, callback);
    if (rc != CURLE_OK) return rc;
    rc = curl_easy_setopt(handle, CURLOPT_DEBUGDATA, context);
    if (rc != CURLE_OK) return rc;
    return curl_easy_setopt(handle, CURLOPT_VERBOSE, 1L);
}

CURLcode sw_curl_set_xferinfo_callback(CURL *handle, sw_curl_xferinfo_callback callback, void *context) {
    CURLcode rc = curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
    if (rc != CURLE_OK) return rc;
    rc = curl_easy_setopt(handle, CURLOPT_XFERINFODATA, context);
    if (rc != CURLE_OK) return rc;
    return curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
}

CURLcode sw_curl_set_mail_rcpt_allowfails(CURL *handle, long enabled) {
#if LIBCURL_VERSION_NUM >= 0x080200
    return curl_easy_setopt(handle, CURLOPT_MAIL_RCPT_ALLOWFAILS, enabled);
#elif LIBCURL_VERSION_NUM >= 0x074500
    return curl_easy_setopt(handle, CURLOPT_MAIL_RCPT_ALLLOWFAILS, enabled);
#else
    (void)handle; (void)enabled;
    return CURLE_UNKNOWN_OPTION;
#endif
}
