#include "sw_zlib.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int grow(uint8_t **buf, size_t *cap, size_t need) {
    if (need <= *cap) return 1;
    size_t next = *cap ? *cap : 4096;
    while (next < need) next *= 2;
    uint8_t *p = realloc(*buf, next);
    if (!p) return 0;
    *buf = p;
    *cap = next;
    return 1;
}

int sw_zlib_inflate(const uint8_t *in, size_t in_len, int window_bits, size_t max_out,
                    uint8_t **out, size_t *out_len) {
    z_stream s;
    memset(&s, 0, sizeof(s));
    if (inflateInit2(&s, window_bits) != Z_OK) return SW_ZLIB_ERR_MEMORY;
    uint8_t *buf = NULL;
    size_t cap = 0, len = 0;
    s.next_in = (Bytef *)in;
    s.avail_in = (uInt)in_len;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (!grow(&buf, &cap, len + 65536)) { inflateEnd(&s); free(buf); return SW_ZLIB_ERR_MEMORY; }
        s.next_out = buf + len;
        s.avail_out = (uInt)(cap - len);
        rc = inflate(&s, Z_NO_FLUSH);
        len = cap - s.avail_out;
        if (len > max_out) { inflateEnd(&s); free(buf); return SW_ZLIB_ERR_TOO_LARGE; }
        if (rc == Z_STREAM_END) break;
        if (rc == Z_BUF_ERROR && s.avail_in == 0) { inflateEnd(&s); free(buf); return SW_ZLIB_ERR_TRUNCATED; }
        if (rc != Z_OK && rc != Z_BUF_ERROR) { inflateEnd(&s); free(buf); return SW_ZLIB_ERR_DATA; }
    }
    inflateEnd(&s);
    *out = buf;
    *out_len = len;
    return SW_ZLIB_OK;
}

int sw_zlib_deflate(const uint8_t *in, size_t in_len, int level, int window_bits,
                    uint8_t **out, size_t *out_len) {
    z_stream s;
    memset(&s, 0, sizeof(s));
    if (deflateInit2(&s, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK) return SW_ZLIB_ERR_MEMORY;
    size_t cap = deflateBound(&s, (uLong)in_len) + 64;
    uint8_t *buf = malloc(cap);
    if (!buf) { deflateEnd(&s); return SW_ZLIB_ERR_MEMORY; }
    s.next_in = (Bytef *)in;
    s.avail_in = (uInt)in_len;
    s.next_out = buf;
    s.avail_out = (uInt)cap;
    int rc = deflate(&s, Z_FINISH);
    if (rc != Z_STREAM_END) { deflateEnd(&s); free(buf); return SW_ZLIB_ERR_DATA; }
    *out_len = cap - s.avail_out;
    *out = buf;
    deflateEnd(&s);
    return SW_ZLIB_OK;
}

uint32_t sw_zlib_crc32(uint32_t crc, const uint8_t *in, size_t in_len) {
    return (uint32_t)crc32((uLong)crc, in, (uInt)in_len);
}

void sw_zlib_free(uint8_t *buffer) { free(buffer); }
