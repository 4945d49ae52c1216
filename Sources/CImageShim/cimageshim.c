#include "cimageshim.h"
#include "resample.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

/* MARK: - libjpeg error handling: error_exit longjmps back, never exit(). */

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    sw_img_error *err;
} sw_jpeg_error_mgr;

static void sw_jpeg_error_exit(j_common_ptr cinfo) {
    sw_jpeg_error_mgr *mgr = (sw_jpeg_error_mgr *)cinfo->err;
    if (mgr->err) {
        char buffer[JMSG_LENGTH_MAX];
        (*cinfo->err->format_message)(cinfo, buffer);
        snprintf(mgr->err->message, sizeof(mgr->err->message), "%s", buffer);
    }
    longjmp(mgr->jump, 1);
}

/* Warnings (e.g. "premature end of data") are promoted to errors: a truncated file must fail. */
static void sw_jpeg_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0) sw_jpeg_error_exit(cinfo);
}

static void sw_set_error(sw_img_error *err, const char *message) {
    if (err) snprintf(err->message, sizeof(err->message), "%s", message);
}

/* MARK: - EXIF orientation from the APP1 marker */

static unsigned read16(const uint8_t *p, int little) {
    return little ? (unsigned)(p[0] | (p[1] << 8)) : (unsigned)((p[0] << 8) | p[1]);
}

static unsigned long read32(const uint8_t *p, int little) {
    return little ? ((unsigned long)p[0] | ((unsigned long)p[1] << 8) | ((unsigned long)p[2] << 16) |
                     ((unsigned long)p[3] << 24))
                  : (((unsigned long)p[0] << 24) | ((unsigned long)p[1] << 16) |
                     ((unsigned long)p[2] << 8) | (unsigned long)p[3]);
}

static int exif_orientation(const uint8_t *d, size_t n) {
    if (n < 14 || memcmp(d, "Exif\0\0", 6) != 0) return 1;
    const uint8_t *t = d + 6;
    size_t tn = n - 6;
    int little;
    if (t[0] == 'I' && t[1] == 'I') little = 1;
    else if (t[0] == 'M' && t[1] == 'M') little = 0;
    else return 1;
    unsigned long ifd = read32(t + 4, little);
    if (ifd + 2 > tn) return 1;
    unsigned count = read16(t + ifd, little);
    for (unsigned i = 0; i < count; i++) {
        size_t e = ifd + 2 + (size_t)i * 12;
        if (e + 12 > tn) return 1;
        if (read16(t + e, little) == 0x0112) {
            unsigned v = read16(t + e + 8, little);
            return (v >= 1 && v <= 8) ? (int)v : 1;
        }
    }
    return 1;
}

static int orientation_from_markers(struct jpeg_decompress_struct *cinfo) {
    for (jpeg_saved_marker_ptr m = cinfo->marker_list; m; m = m->next) {
        if (m->marker == JPEG_APP0 + 1) {
            int o = exif_orientation(m->data, m->data_length);
            if (o != 1) return o;
        }
    }
    return 1;
}

static void fill_model(struct jpeg_decompress_struct *cinfo, sw_img_image *out) {
    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
        out->model = SW_IMG_GRAY; out->channels = 1; cinfo->out_color_space = JCS_GRAYSCALE; break;
    case JCS_CMYK:
    case JCS_YCCK:
        out->model = SW_IMG_CMYK; out->channels = 4; cinfo->out_color_space = JCS_CMYK; break;
    default:
        out->model = SW_IMG_RGB; out->channels = 3; cinfo->out_color_space = JCS_RGB; break;
    }
}

int sw_jpeg_read_info(const uint8_t *data, size_t len, sw_img_image *info, sw_img_error *err) {
    struct jpeg_decompress_struct cinfo;
    sw_jpeg_error_mgr jerr;
    memset(info, 0, sizeof(*info));
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = sw_jpeg_error_exit;
    jerr.base.emit_message = sw_jpeg_emit_message;
    jerr.err = err;
    if (setjmp(jerr.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return SW_IMG_ERR_DECODE;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    info->width = (int)cinfo.image_width;
    info->height = (int)cinfo.image_height;
    fill_model(&cinfo, info);
    info->orientation = orientation_from_markers(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return SW_IMG_OK;
}

int sw_jpeg_decode(const uint8_t *data, size_t len, int scale_num, int fast_idct,
                   sw_img_image *out, sw_img_error *err) {
    struct jpeg_decompress_struct cinfo;
    sw_jpeg_error_mgr jerr;
    uint8_t *volatile pixels = NULL;
    memset(out, 0, sizeof(*out));
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = sw_jpeg_error_exit;
    jerr.base.emit_message = sw_jpeg_emit_message;
    jerr.err = err;
    if (setjmp(jerr.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        return SW_IMG_ERR_DECODE;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    fill_model(&cinfo, out);
    out->orientation = orientation_from_markers(&cinfo);
    if (scale_num < 1) scale_num = 1;
    if (scale_num > 16) scale_num = 16;
    cinfo.scale_num = (unsigned)scale_num;
    cinfo.scale_denom = 8;
    cinfo.dct_method = fast_idct ? JDCT_IFAST : JDCT_ISLOW;
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)cinfo.output_width * (size_t)cinfo.output_components;
    pixels = malloc(stride * cinfo.output_height + SW_IMG_PADDING);
    if (!pixels) {
        sw_set_error(err, "out of memory");
        jpeg_destroy_decompress(&cinfo);
        return SW_IMG_ERR_MEMORY;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rows[4];
        int n = 0;
        for (; n < 4 && cinfo.output_scanline + (unsigned)n < cinfo.output_height; n++)
            rows[n] = pixels + stride * (cinfo.output_scanline + (unsigned)n);
        jpeg_read_scanlines(&cinfo, rows, (JDIMENSION)n);
    }
    jpeg_finish_decompress(&cinfo);
    out->pixels = pixels;
    out->width = (int)cinfo.output_width;
    out->height = (int)cinfo.output_height;
    out->channels = cinfo.output_components;
    jpeg_destroy_decompress(&cinfo);
    return SW_IMG_OK;
}

int sw_jpeg_decode_resized(const uint8_t *data, size_t len, int scale_num, int width, int height,
                           sw_img_image *out, sw_img_error *err) {
    if (width < 1 || height < 1) {
        sw_set_error(err, "empty output image");
        return SW_IMG_ERR_ENCODE;
    }
    struct jpeg_decompress_struct cinfo;
    sw_jpeg_error_mgr jerr;
    uint8_t *volatile pixels = NULL;
    sw_rs_plan *volatile plan = NULL;
    uint8_t *volatile row = NULL;
    memset(out, 0, sizeof(*out));
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = sw_jpeg_error_exit;
    jerr.base.emit_message = sw_jpeg_emit_message;
    jerr.err = err;
    if (setjmp(jerr.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        sw_rs_plan_free(plan);
        return SW_IMG_ERR_DECODE;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    fill_model(&cinfo, out);
    out->orientation = orientation_from_markers(&cinfo);
#ifdef JCS_EXTENSIONS
    /* 4-byte pixels feed the SIMD horizontal kernel directly. */
    if (out->model == SW_IMG_RGB) cinfo.out_color_space = JCS_EXT_RGBX;
#endif
    if (scale_num < 1) scale_num = 1;
    if (scale_num > 16) scale_num = 16;
    cinfo.scale_num = (unsigned)scale_num;
    cinfo.scale_denom = 8;
    jpeg_start_decompress(&cinfo);
    int in_pixel = cinfo.output_components;
    plan = sw_rs_plan_create((int)cinfo.output_width, (int)cinfo.output_height, in_pixel,
                             out->channels, width, height);
    size_t stride = (size_t)width * (size_t)out->channels;
    pixels = malloc(stride * (size_t)height + SW_IMG_PADDING);
    row = malloc((size_t)cinfo.output_width * (size_t)in_pixel + SW_IMG_PADDING);
    if (!plan || !pixels || !row) {
        sw_set_error(err, "out of memory");
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        sw_rs_plan_free(plan);
        return SW_IMG_ERR_MEMORY;
    }
    JSAMPROW rows[1] = {row};
    for (int y = 0; y < height; y++) {
        for (int n = sw_rs_rows_needed(plan); n > 0; n--) {
            jpeg_read_scanlines(&cinfo, rows, 1);
            sw_rs_push_row(plan, row);
        }
        sw_rs_pop_row(plan, pixels + stride * (size_t)y);
    }
    /* Rows below the last window are still read so truncated data is reported. */
    while (cinfo.output_scanline < cinfo.output_height) jpeg_read_scanlines(&cinfo, rows, 1);
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    sw_rs_plan_free(plan);
    free(row);
    out->pixels = pixels;
    out->width = width;
    out->height = height;
    return SW_IMG_OK;
}

/* Colour model, defaults, quality and Huffman optimisation for an encoder; SW_IMG_OK or
 * SW_IMG_ERR_UNSUPPORTED. */
static int sw_jpeg_setup_encoder(struct jpeg_compress_struct *cinfo, int width, int height, int model,
                                 int quality, int optimize) {
    cinfo->image_width = (JDIMENSION)width;
    cinfo->image_height = (JDIMENSION)height;
    switch (model) {
    case SW_IMG_GRAY: cinfo->input_components = 1; cinfo->in_color_space = JCS_GRAYSCALE; break;
    case SW_IMG_RGB: cinfo->input_components = 3; cinfo->in_color_space = JCS_RGB; break;
    case SW_IMG_CMYK: cinfo->input_components = 4; cinfo->in_color_space = JCS_CMYK; break;
    default: return SW_IMG_ERR_UNSUPPORTED;
    }
    jpeg_set_defaults(cinfo);
    if (model == SW_IMG_CMYK) {
        /* Match Pillow: Adobe-inverted CMYK is written as plain CMYK with an Adobe marker. */
        jpeg_set_colorspace(cinfo, JCS_CMYK);
    }
    jpeg_set_quality(cinfo, quality, TRUE);
    cinfo->optimize_coding = optimize ? TRUE : FALSE;
    return SW_IMG_OK;
}

int sw_jpeg_encode(const uint8_t *pixels, int width, int height, int model, int quality,
                   int optimize, uint8_t **out, size_t *out_len, sw_img_error *err) {
    struct jpeg_compress_struct cinfo;
    sw_jpeg_error_mgr jerr;
    unsigned char *volatile buffer = NULL;
    unsigned long size = 0;
    *out = NULL;
    *out_len = 0;
    cinfo.err = jpeg_std_error(&jerr.base);
    jerr.base.error_exit = sw_jpeg_error_exit;
    jerr.err = err;
    if (setjmp(jerr.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return SW_IMG_ERR_ENCODE;
    }
    jpeg_create_compress(&cinfo);
    unsigned char *mem = NULL;
    jpeg_mem_dest(&cinfo, &mem, &size);
    if (sw_jpeg_setup_encoder(&cinfo, width, height, model, quality, optimize) != SW_IMG_OK) {
        sw_set_error(err, "unsupported colour model for JPEG");
        jpeg_destroy_compress(&cinfo);
        free(mem);
        return SW_IMG_ERR_UNSUPPORTED;
    }
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * (size_t)cinfo.input_components;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW rows[8];
        int n = 0;
        for (; n < 8 && cinfo.next_scanline + (unsigned)n < cinfo.image_height; n++)
            rows[n] = (JSAMPROW)(pixels + stride * (cinfo.next_scanline + (unsigned)n));
        jpeg_write_scanlines(&cinfo, rows, (JDIMENSION)n);
    }
    jpeg_finish_compress(&cinfo);
    buffer = mem;
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_len = size;
    return SW_IMG_OK;
}

/* Decoder → resampler → encoder, one row at a time: no image-sized buffer on our side. */
int sw_jpeg_recompress(const uint8_t *data, size_t len, int scale_num, int width, int height,
                       int quality, int optimize, uint8_t **out, size_t *out_len, sw_img_image *info,
                       sw_img_error *err) {
    if (width < 1 || height < 1) {
        sw_set_error(err, "empty output image");
        return SW_IMG_ERR_ENCODE;
    }
    struct jpeg_decompress_struct din;
    struct jpeg_compress_struct cout;
    sw_jpeg_error_mgr jerr;
    sw_rs_plan *volatile plan = NULL;
    uint8_t *volatile row = NULL;
    volatile int stage = 0; /* 0 decoder, 1 encoder */
    volatile int created = 0;
    struct { unsigned char *mem; unsigned long size; } sink = {NULL, 0};
    *out = NULL;
    *out_len = 0;
    memset(info, 0, sizeof(*info));
    din.err = jpeg_std_error(&jerr.base);
    cout.err = &jerr.base;
    jerr.base.error_exit = sw_jpeg_error_exit;
    jerr.base.emit_message = sw_jpeg_emit_message;
    jerr.err = err;
    if (setjmp(jerr.jump)) {
        if (created > 0) jpeg_destroy_decompress(&din);
        if (created > 1) jpeg_destroy_compress(&cout);
        free(sink.mem);
        free(row);
        sw_rs_plan_free(plan);
        return stage ? SW_IMG_ERR_ENCODE : SW_IMG_ERR_DECODE;
    }
    jpeg_create_decompress(&din);
    created = 1;
    jpeg_create_compress(&cout);
    created = 2;
    jpeg_mem_src(&din, data, (unsigned long)len);
    jpeg_save_markers(&din, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&din, TRUE);
    fill_model(&din, info);
    info->orientation = orientation_from_markers(&din);
#ifdef JCS_EXTENSIONS
    /* 4-byte pixels feed the SIMD horizontal kernel directly. */
    if (info->model == SW_IMG_RGB) din.out_color_space = JCS_EXT_RGBX;
#endif
    if (scale_num < 1) scale_num = 1;
    if (scale_num > 16) scale_num = 16;
    din.scale_num = (unsigned)scale_num;
    din.scale_denom = 8;
    jpeg_start_decompress(&din);
    int in_pixel = din.output_components;
    plan = sw_rs_plan_create((int)din.output_width, (int)din.output_height, in_pixel, info->channels,
                             width, height);
    row = malloc((size_t)din.output_width * (size_t)in_pixel + (size_t)width * 4 + 2 * SW_IMG_PADDING);
    if (!plan || !row) {
        sw_set_error(err, "out of memory");
        jpeg_destroy_decompress(&din);
        jpeg_destroy_compress(&cout);
        free(row);
        sw_rs_plan_free(plan);
        return SW_IMG_ERR_MEMORY;
    }
    uint8_t *resized = row + (size_t)din.output_width * (size_t)in_pixel + SW_IMG_PADDING;
    stage = 1;
    jpeg_mem_dest(&cout, &sink.mem, &sink.size);
    if (sw_jpeg_setup_encoder(&cout, width, height, info->model, quality, optimize) != SW_IMG_OK) {
        sw_set_error(err, "unsupported colour model for JPEG");
        jpeg_destroy_decompress(&din);
        jpeg_destroy_compress(&cout);
        free(sink.mem);
        free(row);
        sw_rs_plan_free(plan);
        return SW_IMG_ERR_UNSUPPORTED;
    }
    jpeg_start_compress(&cout, TRUE);
    JSAMPROW in_rows[1] = {row};
    JSAMPROW out_rows[1] = {resized};
    for (int y = 0; y < height; y++) {
        stage = 0;
        for (int n = sw_rs_rows_needed(plan); n > 0; n--) {
            jpeg_read_scanlines(&din, in_rows, 1);
            sw_rs_push_row(plan, row);
        }
        sw_rs_pop_row(plan, resized);
        stage = 1;
        jpeg_write_scanlines(&cout, out_rows, 1);
    }
    stage = 0;
    /* Rows below the last window are still read so truncated data is reported. */
    while (din.output_scanline < din.output_height) jpeg_read_scanlines(&din, in_rows, 1);
    jpeg_finish_decompress(&din);
    jpeg_destroy_decompress(&din);
    created = 0;
    stage = 1;
    jpeg_finish_compress(&cout);
    jpeg_destroy_compress(&cout);
    sw_rs_plan_free(plan);
    free(row);
    *out = sink.mem;
    *out_len = sink.size;
    info->width = width;
    info->height = height;
    return SW_IMG_OK;
}

/* MARK: - libpng */

typedef struct {
    const uint8_t *data;
    size_t len;
    size_t pos;
} sw_png_reader;

typedef struct {
    jmp_buf jump;
    sw_img_error *err;
} sw_png_context;

static void sw_png_read(png_structp png, png_bytep dest, png_size_t count) {
    sw_png_reader *r = (sw_png_reader *)png_get_io_ptr(png);
    if (r->len - r->pos < count) png_error(png, "PNG data is truncated");
    memcpy(dest, r->data + r->pos, count);
    r->pos += count;
}

static void sw_png_error_fn(png_structp png, png_const_charp message) {
    sw_png_context *ctx = (sw_png_context *)png_get_error_ptr(png);
    sw_set_error(ctx->err, message);
    longjmp(ctx->jump, 1);
}

static void sw_png_warning_fn(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

int sw_png_decode(const uint8_t *data, size_t len, sw_img_image *out, sw_img_error *err) {
    memset(out, 0, sizeof(*out));
    out->orientation = 1;
    if (len < 8 || png_sig_cmp(data, 0, 8) != 0) {
        sw_set_error(err, "not a PNG file");
        return SW_IMG_ERR_DECODE;
    }
    sw_png_context ctx;
    ctx.err = err;
    sw_png_reader reader = {data, len, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, sw_png_error_fn,
                                             sw_png_warning_fn);
    if (!png) {
        sw_set_error(err, "out of memory");
        return SW_IMG_ERR_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (!info || setjmp(ctx.jump)) {
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        free(pixels);
        free(rows);
        return SW_IMG_ERR_DECODE;
    }
    png_set_read_fn(png, &reader, sw_png_read);
    png_read_info(png, info);
    int color = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    int has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    out->was_palette = color == PNG_COLOR_TYPE_PALETTE;
    if (depth == 16) png_set_strip_16(png);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (has_trns && color == PNG_COLOR_TYPE_PALETTE) png_set_tRNS_to_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int channels = png_get_channels(png, info);
    unsigned width = png_get_image_width(png, info);
    unsigned height = png_get_image_height(png, info);
    size_t stride = png_get_rowbytes(png, info);
    if (stride != (size_t)width * (size_t)channels) {
        sw_set_error(err, "unsupported PNG sample layout");
        png_destroy_read_struct(&png, &info, NULL);
        return SW_IMG_ERR_UNSUPPORTED;
    }
    pixels = malloc(stride * height + SW_IMG_PADDING);
    rows = malloc(sizeof(png_bytep) * height);
    if (!pixels || !rows) png_error(png, "out of memory");
    for (unsigned y = 0; y < height; y++) rows[y] = pixels + stride * y;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    out->pixels = pixels;
    out->width = (int)width;
    out->height = (int)height;
    out->channels = channels;
    out->model = channels == 1 ? SW_IMG_GRAY : channels == 2 ? SW_IMG_GRAY_ALPHA
               : channels == 3 ? SW_IMG_RGB : SW_IMG_RGBA;
    return SW_IMG_OK;
}

void sw_img_free(void *buffer) { free(buffer); }
