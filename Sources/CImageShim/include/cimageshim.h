#ifndef CIMAGESHIM_H
#define CIMAGESHIM_H

#include <stddef.h>
#include <stdint.h>

/// Result codes shared by every sw_img_* function.
#define SW_IMG_OK 0
#define SW_IMG_ERR_DECODE (-1)
#define SW_IMG_ERR_ENCODE (-2)
#define SW_IMG_ERR_UNSUPPORTED (-3)
#define SW_IMG_ERR_MEMORY (-4)

/// Bytes allocated after every pixel buffer, so vector loads may overrun the last pixel.
#define SW_IMG_PADDING 32

/// Colour models of decoded pixels (interleaved, 8 bits per sample).
#define SW_IMG_GRAY 1      /* 1 sample  */
#define SW_IMG_GRAY_ALPHA 2 /* 2 samples */
#define SW_IMG_RGB 3       /* 3 samples */
#define SW_IMG_RGBA 4      /* 4 samples */
#define SW_IMG_CMYK 5      /* 4 samples, Adobe-inverted as libjpeg returns them */

/// A decoded image. `pixels` is malloc'd; release it with sw_img_free.
typedef struct {
    uint8_t *pixels;
    int width;
    int height;
    int model;       /* SW_IMG_* */
    int channels;    /* samples per pixel */
    int orientation; /* EXIF orientation 1-8 (1 when absent) */
    int was_palette; /* PNG only: the source was a palette image */
} sw_img_image;

/// Reason text filled on failure (always NUL-terminated).
typedef struct {
    char message[256];
} sw_img_error;

/// Reads a JPEG header: size, colour model and EXIF orientation, without decoding pixels.
int sw_jpeg_read_info(const uint8_t *data, size_t len, sw_img_image *info, sw_img_error *err);

/// Decodes a JPEG, scaled in the DCT domain by scale_num/8 (1...16; 8 = full size).
/// `fast_idct` selects the faster, slightly less exact integer IDCT.
int sw_jpeg_decode(const uint8_t *data, size_t len, int scale_num, int fast_idct,
                   sw_img_image *out, sw_img_error *err);

/// Decodes a JPEG scaled by scale_num/8 in the DCT domain, then resizes it with Lanczos-3
/// (Pillow's coefficients) to exactly width × height while decoding, one row at a time.
/// RGB sources yield 3 samples per pixel, CMYK 4, gray 1.
int sw_jpeg_decode_resized(const uint8_t *data, size_t len, int scale_num, int width, int height,
                           sw_img_image *out, sw_img_error *err);

/// sw_jpeg_decode_resized followed by sw_jpeg_encode, streamed row by row (no image-sized buffer).
/// `info` receives the source's colour model and EXIF orientation (pixels are not returned) and the
/// output size. Decoding failures return SW_IMG_ERR_DECODE, encoding failures SW_IMG_ERR_ENCODE.
int sw_jpeg_recompress(const uint8_t *data, size_t len, int scale_num, int width, int height,
                       int quality, int optimize, uint8_t **out, size_t *out_len, sw_img_image *info,
                       sw_img_error *err);

/// Lanczos-3 resize (Pillow's coefficients) of interleaved 8-bit pixels with 1–4 samples;
/// `dst` holds out_width × out_height pixels.
int sw_img_resize(const uint8_t *src, int width, int height, int channels, uint8_t *dst,
                  int out_width, int out_height);

/// Applies EXIF orientation 1–8 to interleaved 8-bit pixels; `dst` holds the upright image
/// (width and height swapped for orientations 5–8).
void sw_img_orient(const uint8_t *src, int width, int height, int channels, int orientation,
                   uint8_t *dst);

/// Encodes interleaved pixels (model SW_IMG_GRAY, SW_IMG_RGB or SW_IMG_CMYK) as baseline JPEG,
/// 4:2:0 for colour, optionally with optimised Huffman tables. `*out` is malloc'd.
int sw_jpeg_encode(const uint8_t *pixels, int width, int height, int model, int quality,
                   int optimize, uint8_t **out, size_t *out_len, sw_img_error *err);

/// Decodes a PNG to 8-bit samples: gray, gray+alpha, RGB or RGBA. Palettes are expanded to RGB,
/// or RGBA when they carry transparency; 16-bit samples are reduced to 8 bits.
int sw_png_decode(const uint8_t *data, size_t len, sw_img_image *out, sw_img_error *err);

/// Releases a buffer returned by this shim.
void sw_img_free(void *buffer);

#endif
