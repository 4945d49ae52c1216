#ifndef SW_ZLIB_H
#define SW_ZLIB_H

#include <stddef.h>
#include <stdint.h>

/// Window-bits values for sw_zlib_inflate / sw_zlib_deflate.
#define SW_ZLIB_FORMAT_ZLIB 15
#define SW_ZLIB_FORMAT_GZIP 31
#define SW_ZLIB_FORMAT_AUTO 47
#define SW_ZLIB_FORMAT_RAW (-15)

/// Result codes.
#define SW_ZLIB_OK 0
#define SW_ZLIB_ERR_DATA (-1)
#define SW_ZLIB_ERR_TRUNCATED (-2)
#define SW_ZLIB_ERR_TOO_LARGE (-3)
#define SW_ZLIB_ERR_MEMORY (-4)

/// Inflates `in` completely. On success `*out` is a malloc'd buffer of `*out_len` bytes that the
/// caller releases with sw_zlib_free. Output larger than `max_out` bytes fails with
/// SW_ZLIB_ERR_TOO_LARGE (decompression-bomb guard).
int sw_zlib_inflate(const uint8_t *in, size_t in_len, int window_bits, size_t max_out,
                    uint8_t **out, size_t *out_len);

/// Deflates `in` at `level` (0-9, -1 default) in the format chosen by `window_bits`.
int sw_zlib_deflate(const uint8_t *in, size_t in_len, int level, int window_bits,
                    uint8_t **out, size_t *out_len);

/// Computes the zlib CRC-32 of a buffer, continuing from `crc` (start with 0).
uint32_t sw_zlib_crc32(uint32_t crc, const uint8_t *in, size_t in_len);

/// Releases a buffer returned by this shim.
void sw_zlib_free(uint8_t *buffer);

#endif
