/* Lanczos-3 resampling with Pillow's kernel support, centring and normalisation
 * (Resample.c precompute_coeffs), in 14-bit fixed point. Both passes stream row by row: a source
 * row is resampled horizontally into a small ring as soon as it arrives, and each output row is
 * the vertical combination of the ring rows it needs, so no full-size intermediate image exists.
 * SSE2 kernels (baseline x86-64) for 4-byte pixels and for the vertical pass; portable C
 * otherwise. */
#include "resample.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define SW_RS_SSE2 1
#if (defined(__clang__) || defined(__GNUC__)) && defined(__x86_64__)
/* AVX2 copies of both kernels (two output pixels, or 32 bytes, per step), chosen at run time. */
#include <immintrin.h>
#define SW_RS_AVX2 1
#define SW_RS_TARGET_AVX2 __attribute__((target("avx2")))
#endif
#endif
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpass-failed"
#endif

#define SW_RS_BITS 14
#define SW_RS_HALF (1 << (SW_RS_BITS - 1))

static double sw_rs_lanczos3(double x) {
    if (x == 0) return 1;
    if (x <= -3 || x >= 3) return 0;
    double px = M_PI * x;
    return 3 * sin(px) * sin(px / 3) / (px * px);
}

/* First source sample and sample count of output sample i (Pillow's precompute_coeffs). */
static void sw_rs_window(int i, double scale, double support, int in_size, int ksize, int *first,
                         int *count) {
    double centre = (i + 0.5) * scale;
    int xmin = (int)(centre - support + 0.5);
    if (xmin < 0) xmin = 0;
    int xmax = (int)(centre + support + 0.5);
    if (xmax > in_size) xmax = in_size;
    xmax -= xmin;
    if (xmax > ksize) xmax = ksize;
    if (xmax < 0) xmax = 0;
    *first = xmin;
    *count = xmax;
}

/* Coefficients for one axis. Every output sample uses `taps` consecutive source samples from
 * starts[i] (zero weights pad the window, which is shifted left near the end so it stays inside
 * the source whenever the source is at least `taps` long). */
static int sw_rs_axis_init(sw_rs_axis *a, int in_size, int out_size, int multiple) {
    double scale = (double)in_size / out_size;
    double fscale = scale < 1 ? 1 : scale;
    double support = 3 * fscale;
    int ksize = (int)ceil(support) * 2 + 1;
    /* Pillow sizes its arrays for ksize taps; the windows themselves are usually 2 shorter. */
    int longest = 1;
    for (int i = 0; i < out_size; i++) {
        int xmin, xmax;
        sw_rs_window(i, scale, support, in_size, ksize, &xmin, &xmax);
        if (xmax > longest) longest = xmax;
    }
    int taps = (longest + multiple - 1) / multiple * multiple;
    a->taps = taps;
    a->starts = malloc(sizeof(int) * (size_t)out_size);
    a->weights = calloc((size_t)out_size * (size_t)taps, sizeof(int16_t));
    double *row = malloc(sizeof(double) * (size_t)ksize);
    if (!a->starts || !a->weights || !row) {
        free(row);
        return -1;
    }
    for (int i = 0; i < out_size; i++) {
        double centre = (i + 0.5) * scale;
        int xmin, xmax;
        sw_rs_window(i, scale, support, in_size, ksize, &xmin, &xmax);
        double total = 0;
        for (int k = 0; k < xmax; k++) {
            row[k] = sw_rs_lanczos3((k + xmin - centre + 0.5) / fscale);
            total += row[k];
        }
        int start = xmin;
        if (start + taps > in_size) start = in_size > taps ? in_size - taps : 0;
        int16_t *w = a->weights + (size_t)i * (size_t)taps;
        for (int k = 0; k < xmax; k++) {
            double v = (total != 0 ? row[k] / total : row[k]) * (1 << SW_RS_BITS);
            v = v < 0 ? v - 0.5 : v + 0.5;
            w[xmin - start + k] = (int16_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v);
        }
        a->starts[i] = start;
    }
    free(row);
    return 0;
}

static void sw_rs_axis_free(sw_rs_axis *a) {
    free(a->starts);
    free(a->weights);
    a->starts = NULL;
    a->weights = NULL;
}

static inline uint8_t sw_rs_clip(int v) {
    v >>= SW_RS_BITS;
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* MARK: - Horizontal pass */

/* Any channel count; `n` clamps the window for sources shorter than the window. */
static void sw_rs_horizontal_generic(const sw_rs_plan *p, const uint8_t *in, uint8_t *out) {
    const int ch = p->channels, taps = p->h.taps, step = p->in_pixel;
    for (int x = 0; x < p->out_width; x++) {
        int start = p->h.starts[x];
        int n = p->in_width - start < taps ? p->in_width - start : taps;
        const int16_t *w = p->h.weights + (size_t)x * (size_t)taps;
        const uint8_t *s = in + (size_t)start * (size_t)step;
        int sum[4] = {SW_RS_HALF, SW_RS_HALF, SW_RS_HALF, SW_RS_HALF};
        for (int k = 0; k < n; k++, s += step)
            for (int c = 0; c < ch; c++) sum[c] += s[c] * w[k];
        for (int c = 0; c < ch; c++) out[x * ch + c] = sw_rs_clip(sum[c]);
    }
}

#if SW_RS_SSE2
/* One channel, 8 taps per 8-byte load against the plain weight rows. */
static void sw_rs_horizontal1(const sw_rs_plan *p, const uint8_t *in, uint8_t *out) {
    const int groups = p->h.taps / 8;
    const __m128i zero = _mm_setzero_si128();
    for (int x = 0; x < p->out_width; x++) {
        const uint8_t *s = in + p->h.starts[x];
        const int16_t *w = p->h.weights + (size_t)x * (size_t)p->h.taps;
        __m128i acc = _mm_set1_epi32(SW_RS_HALF);
        for (int g = 0; g < groups; g++) {
            __m128i v = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(s + 8 * g)), zero);
            acc = _mm_add_epi32(acc, _mm_madd_epi16(v, _mm_loadu_si128((const __m128i *)(w + 8 * g))));
        }
        /* The rounding term sits in every lane: add it back once after summing all four. */
        acc = _mm_add_epi32(acc, _mm_shuffle_epi32(acc, 0x4E));
        acc = _mm_add_epi32(acc, _mm_shuffle_epi32(acc, 0xB1));
        out[x] = sw_rs_clip(_mm_cvtsi128_si32(acc) - 3 * SW_RS_HALF);
    }
}
#endif

#if SW_RS_SSE2
#define SW_RS_INLINE static inline __attribute__((always_inline))

/* 4 taps of one output pixel: 16 source bytes (4 pixels) against weight pairs (w0,w2), (w1,w3). */
SW_RS_INLINE __m128i sw_rs_h_group(const uint8_t *s, const __m128i *w, __m128i acc) {
    const __m128i zero = _mm_setzero_si128();
    __m128i v = _mm_loadu_si128((const __m128i *)s);
    __m128i lo = _mm_unpacklo_epi8(v, zero), hi = _mm_unpackhi_epi8(v, zero);
    acc = _mm_add_epi32(acc, _mm_madd_epi16(_mm_unpacklo_epi16(lo, hi), w[0]));
    return _mm_add_epi32(acc, _mm_madd_epi16(_mm_unpackhi_epi16(lo, hi), w[1]));
}

SW_RS_INLINE void sw_rs_h4_body(const sw_rs_plan *p, const uint8_t *in, uint8_t *out, int groups) {
    const int ch = p->channels, width = p->out_width;
    const int *starts = p->h.starts;
    const __m128i *wv = p->hvec;
    const __m128i half = _mm_set1_epi32(SW_RS_HALF);
    int x = 0;
    /* Two output pixels per step share the narrowing and the store. */
    for (; x + 2 <= width; x += 2, out += 2 * ch) {
        const uint8_t *s0 = in + (size_t)starts[x] * 4, *s1 = in + (size_t)starts[x + 1] * 4;
        __m128i a0 = half, a1 = half;
        for (int g = 0; g < groups; g++, wv += 2) a0 = sw_rs_h_group(s0 + 16 * g, wv, a0);
        for (int g = 0; g < groups; g++, wv += 2) a1 = sw_rs_h_group(s1 + 16 * g, wv, a1);
        __m128i r = _mm_packs_epi32(_mm_srai_epi32(a0, SW_RS_BITS), _mm_srai_epi32(a1, SW_RS_BITS));
        r = _mm_packus_epi16(r, r);
        if (ch == 4) {
            _mm_storel_epi64((__m128i *)out, r);
        } else {
            int first = _mm_cvtsi128_si32(r), second = _mm_cvtsi128_si32(_mm_srli_si128(r, 4));
            memcpy(out, &first, 4);
            memcpy(out + 3, &second, 4);
        }
    }
    for (; x < width; x++, out += ch) {
        const uint8_t *s0 = in + (size_t)starts[x] * 4;
        __m128i a0 = half;
        for (int g = 0; g < groups; g++, wv += 2) a0 = sw_rs_h_group(s0 + 16 * g, wv, a0);
        a0 = _mm_srai_epi32(a0, SW_RS_BITS);
        a0 = _mm_packs_epi32(a0, a0);
        int packed = _mm_cvtsi128_si32(_mm_packus_epi16(a0, a0));
        memcpy(out, &packed, 4);
    }
}

/* 4-byte source pixels, 4 taps per 16-byte load; writes 4 bytes per output pixel at a stride of
 * `channels` (3 or 4), so the row needs 1 byte of slack. Weights are pre-broadcast pairs:
 * (w0,w2) then (w1,w3) for every group of 4 taps. Common tap counts get unrolled copies. */
static void sw_rs_horizontal4(const sw_rs_plan *p, const uint8_t *in, uint8_t *out) {
    switch (p->h.taps / 4) {
    case 2: sw_rs_h4_body(p, in, out, 2); break;
    case 3: sw_rs_h4_body(p, in, out, 3); break;
    default: sw_rs_h4_body(p, in, out, p->h.taps / 4); break;
    }
}

/* 16 output bytes from 2 × pairs source rows. */
SW_RS_INLINE void sw_rs_v_body(const uint8_t *const *rows, const __m128i *wp, int pairs,
                               uint8_t *out, int n, int *done) {
    const __m128i zero = _mm_setzero_si128(), half = _mm_set1_epi32(SW_RS_HALF);
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i a0 = half, a1 = half, a2 = half, a3 = half;
#if defined(__clang__)
#pragma clang loop unroll(full)
#endif
        for (int k = 0; k < pairs; k++) {
            __m128i r0 = _mm_loadu_si128((const __m128i *)(rows[2 * k] + i));
            __m128i r1 = _mm_loadu_si128((const __m128i *)(rows[2 * k + 1] + i));
            __m128i lo = _mm_unpacklo_epi8(r0, r1), hi = _mm_unpackhi_epi8(r0, r1);
            a0 = _mm_add_epi32(a0, _mm_madd_epi16(_mm_unpacklo_epi8(lo, zero), wp[k]));
            a1 = _mm_add_epi32(a1, _mm_madd_epi16(_mm_unpackhi_epi8(lo, zero), wp[k]));
            a2 = _mm_add_epi32(a2, _mm_madd_epi16(_mm_unpacklo_epi8(hi, zero), wp[k]));
            a3 = _mm_add_epi32(a3, _mm_madd_epi16(_mm_unpackhi_epi8(hi, zero), wp[k]));
        }
        __m128i l = _mm_packs_epi32(_mm_srai_epi32(a0, SW_RS_BITS), _mm_srai_epi32(a1, SW_RS_BITS));
        __m128i h = _mm_packs_epi32(_mm_srai_epi32(a2, SW_RS_BITS), _mm_srai_epi32(a3, SW_RS_BITS));
        _mm_storeu_si128((__m128i *)(out + i), _mm_packus_epi16(l, h));
    }
    *done = i;
}
#endif

#if SW_RS_AVX2
/* Weights: for each pair of output pixels and each group of 4 taps, two 256-bit vectors whose
 * low lane is the first pixel's (w0,w2)/(w1,w3) pairs and whose high lane is the second's. */
/* Output pixels x and x+1: their windows side by side in one register. */
SW_RS_INLINE SW_RS_TARGET_AVX2 __m256i sw_rs_h_pair_avx2(const uint8_t *s0, const uint8_t *s1,
                                                          const __m256i *wv, int groups) {
    const __m256i zero = _mm256_setzero_si256();
    __m256i acc = _mm256_set1_epi32(SW_RS_HALF);
    for (int g = 0; g < groups; g++, wv += 2) {
        __m256i v = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(s0 + 16 * g))),
            _mm_loadu_si128((const __m128i *)(s1 + 16 * g)), 1);
        __m256i lo = _mm256_unpacklo_epi8(v, zero), hi = _mm256_unpackhi_epi8(v, zero);
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_unpacklo_epi16(lo, hi), wv[0]));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_unpackhi_epi16(lo, hi), wv[1]));
    }
    return _mm256_srai_epi32(acc, SW_RS_BITS);
}

SW_RS_INLINE SW_RS_TARGET_AVX2 void sw_rs_h4_avx2_body(const sw_rs_plan *p, const uint8_t *in,
                                                        uint8_t *out, int groups) {
    const int ch = p->channels, width = p->out_width;
    const int *starts = p->h.starts;
    const __m256i *wv = p->hvec;
    /* 4 pixels per step: [x, x+2 | x+1, x+3] after packing, reordered to x..x+3 and, for RGB,
     * compacted to 12 bytes (the 16-byte store spills 4 bytes into the row's slack). */
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    const __m128i rgb = _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    int x = 0;
    for (; x + 4 <= width; x += 4, out += 4 * ch, wv += 4 * groups) {
        __m256i a = sw_rs_h_pair_avx2(in + (size_t)starts[x] * 4, in + (size_t)starts[x + 1] * 4, wv, groups);
        __m256i b = sw_rs_h_pair_avx2(in + (size_t)starts[x + 2] * 4, in + (size_t)starts[x + 3] * 4,
                                      wv + 2 * groups, groups);
        __m256i r = _mm256_packs_epi32(a, b);
        r = _mm256_permutevar8x32_epi32(_mm256_packus_epi16(r, r), order);
        __m128i px = _mm256_castsi256_si128(r);
        if (ch == 4) _mm_storeu_si128((__m128i *)out, px);
        else _mm_storeu_si128((__m128i *)out, _mm_shuffle_epi8(px, rgb));
    }
    for (; x < width; x += 2, out += 2 * ch, wv += 2 * groups) {
        const uint8_t *s0 = in + (size_t)starts[x] * 4;
        const uint8_t *s1 = in + (size_t)starts[x + 1 < width ? x + 1 : x] * 4;
        __m256i acc = sw_rs_h_pair_avx2(s0, s1, wv, groups);
        acc = _mm256_packs_epi32(acc, acc);
        acc = _mm256_packus_epi16(acc, acc);
        int first = _mm_cvtsi128_si32(_mm256_castsi256_si128(acc));
        memcpy(out, &first, 4);
        if (x + 1 < width) {
            int second = _mm_cvtsi128_si32(_mm256_extracti128_si256(acc, 1));
            memcpy(out + ch, &second, 4);
        }
    }
}

static SW_RS_TARGET_AVX2 void sw_rs_horizontal4_avx2(const sw_rs_plan *p, const uint8_t *in, uint8_t *out) {
    switch (p->h.taps / 4) {
    case 2: sw_rs_h4_avx2_body(p, in, out, 2); break;
    case 3: sw_rs_h4_avx2_body(p, in, out, 3); break;
    default: sw_rs_h4_avx2_body(p, in, out, p->h.taps / 4); break;
    }
}

SW_RS_INLINE SW_RS_TARGET_AVX2 void sw_rs_v_avx2_body(const uint8_t *const *rows, const int16_t *w,
                                                       __m256i *wp, int pairs, uint8_t *out, int n,
                                                       int *done) {
    const __m256i zero = _mm256_setzero_si256(), half = _mm256_set1_epi32(SW_RS_HALF);
    for (int k = 0; k < pairs; k++)
        wp[k] = _mm256_set1_epi32((int)((uint32_t)(uint16_t)w[2 * k] | ((uint32_t)(uint16_t)w[2 * k + 1] << 16)));
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i a0 = half, a1 = half, a2 = half, a3 = half;
#if defined(__clang__)
#pragma clang loop unroll(full)
#endif
        for (int k = 0; k < pairs; k++) {
            __m256i r0 = _mm256_loadu_si256((const __m256i *)(rows[2 * k] + i));
            __m256i r1 = _mm256_loadu_si256((const __m256i *)(rows[2 * k + 1] + i));
            __m256i lo = _mm256_unpacklo_epi8(r0, r1), hi = _mm256_unpackhi_epi8(r0, r1);
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_unpacklo_epi8(lo, zero), wp[k]));
            a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_unpackhi_epi8(lo, zero), wp[k]));
            a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(_mm256_unpacklo_epi8(hi, zero), wp[k]));
            a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(_mm256_unpackhi_epi8(hi, zero), wp[k]));
        }
        __m256i l = _mm256_packs_epi32(_mm256_srai_epi32(a0, SW_RS_BITS), _mm256_srai_epi32(a1, SW_RS_BITS));
        __m256i h = _mm256_packs_epi32(_mm256_srai_epi32(a2, SW_RS_BITS), _mm256_srai_epi32(a3, SW_RS_BITS));
        _mm256_storeu_si256((__m256i *)(out + i), _mm256_packus_epi16(l, h));
    }
    *done = i;
}

static SW_RS_TARGET_AVX2 int sw_rs_vertical_avx2(const uint8_t *const *rows, const int16_t *w, int taps,
                                                 void *scratch, uint8_t *out, int n) {
    int done = 0;
    __m256i *wp = scratch;
    switch (taps / 2) {
    case 3: sw_rs_v_avx2_body(rows, w, wp, 3, out, n, &done); break;
    case 4: sw_rs_v_avx2_body(rows, w, wp, 4, out, n, &done); break;
    default: sw_rs_v_avx2_body(rows, w, wp, taps / 2, out, n, &done); break;
    }
    return done;
}
#endif

/* MARK: - Vertical pass */

static void sw_rs_vertical(const sw_rs_plan *p, const uint8_t *const *rows, const int16_t *w,
                           uint8_t *out) {
    const int taps = p->v.taps, n = p->row_bytes;
    int i = 0;
#if SW_RS_AVX2
    if (p->avx2) {
        i = sw_rs_vertical_avx2(rows, w, taps, p->vvec, out, n);
        goto tail;
    }
#endif
#if SW_RS_SSE2
    __m128i *wp = p->vvec;
    for (int k = 0; k < taps / 2; k++)
        wp[k] = _mm_set1_epi32((int)((uint32_t)(uint16_t)w[2 * k] | ((uint32_t)(uint16_t)w[2 * k + 1] << 16)));
    switch (taps / 2) {
    case 3: sw_rs_v_body(rows, wp, 3, out, n, &i); break;
    case 4: sw_rs_v_body(rows, wp, 4, out, n, &i); break;
    default: sw_rs_v_body(rows, wp, taps / 2, out, n, &i); break;
    }
#endif
#if SW_RS_AVX2
tail:
#endif
    for (; i < n; i++) {
        int sum = SW_RS_HALF;
        for (int k = 0; k < taps; k++) sum += rows[k][i] * w[k];
        out[i] = sw_rs_clip(sum);
    }
}

/* MARK: - Plan */

void sw_rs_plan_free(sw_rs_plan *p) {
    if (!p) return;
    sw_rs_axis_free(&p->h);
    sw_rs_axis_free(&p->v);
    free(p->block);
    free(p);
}

sw_rs_plan *sw_rs_plan_create(int in_width, int in_height, int in_pixel, int channels,
                              int out_width, int out_height) {
    if (in_width < 1 || in_height < 1 || out_width < 1 || out_height < 1) return NULL;
    sw_rs_plan *p = calloc(1, sizeof(*p));
    if (!p) return NULL;
    p->in_width = in_width;
    p->in_height = in_height;
    p->in_pixel = in_pixel;
    p->in_pixel_source = in_pixel;
    p->channels = channels;
    p->out_width = out_width;
    p->out_height = out_height;
    p->row_bytes = out_width * channels;
#if SW_RS_SSE2
    p->simd_h = in_pixel == 4 && (channels == 3 || channels == 4);
    p->simd_gray = in_pixel == 1 && channels == 1;
#endif
#if SW_RS_AVX2
    p->avx2 = __builtin_cpu_supports("avx2") && !getenv("SW_IMG_NO_AVX2");
#endif
    if (sw_rs_axis_init(&p->h, in_width, out_width, p->simd_h ? 4 : p->simd_gray ? 8 : 1) != 0 ||
        sw_rs_axis_init(&p->v, in_height, out_height, 2) != 0) {
        sw_rs_plan_free(p);
        return NULL;
    }
    if (in_width < p->h.taps) p->simd_h = p->simd_gray = 0;
    p->ring_rows = p->v.taps < in_height ? p->v.taps : in_height;
    size_t ring_stride = ((size_t)p->row_bytes + 16 + 15) & ~(size_t)15;
    size_t hvec = p->simd_h ? (size_t)(out_width + 1) * (size_t)(p->h.taps / 2) * 16 : 0;
    size_t vvec = (size_t)(p->v.taps / 2) * 32; /* 32-byte aligned: hvec is a multiple of 32 */
    size_t rows = sizeof(uint8_t *) * (size_t)p->v.taps;
    size_t scratch = (size_t)in_width * 4 + 64;
    p->block = malloc(hvec + vvec + ring_stride * (size_t)p->ring_rows + rows + scratch + 32);
    if (!p->block) {
        sw_rs_plan_free(p);
        return NULL;
    }
    uint8_t *b = (uint8_t *)(((uintptr_t)p->block + 31) & ~(uintptr_t)31);
    p->hvec = (void *)b;
    p->vvec = (void *)(b + hvec);
    p->ring = b + hvec + vvec;
    p->ring_stride = ring_stride;
    p->rows = (const uint8_t **)(void *)(p->ring + ring_stride * (size_t)p->ring_rows);
    p->scratch = (uint8_t *)(p->rows + p->v.taps);
#if SW_RS_SSE2
#if SW_RS_AVX2
    if (p->simd_h && p->avx2) {
        /* Pixel pairs: the pair's two 128-bit halves sit side by side. */
        __m128i *wv = p->hvec;
        int groups = p->h.taps / 4;
        for (int x = 0; x < out_width; x++) {
            const int16_t *w = p->h.weights + (size_t)x * (size_t)p->h.taps;
            __m128i *dst = wv + (size_t)(x / 2) * (size_t)groups * 4 + (x & 1);
            for (int g = 0; g < groups; g++, w += 4) {
                dst[4 * g] = _mm_set1_epi32((int)((uint32_t)(uint16_t)w[0] | ((uint32_t)(uint16_t)w[2] << 16)));
                dst[4 * g + 2] = _mm_set1_epi32((int)((uint32_t)(uint16_t)w[1] | ((uint32_t)(uint16_t)w[3] << 16)));
            }
            if (x + 1 == out_width && !(x & 1))
                for (int g = 0; g < groups; g++) dst[4 * g + 1] = dst[4 * g + 3] = _mm_setzero_si128();
        }
    } else if (p->simd_h) {
#else
    if (p->simd_h) {
#endif
        __m128i *wv = p->hvec;
        for (int x = 0; x < out_width; x++) {
            const int16_t *w = p->h.weights + (size_t)x * (size_t)p->h.taps;
            for (int g = 0; g < p->h.taps / 4; g++, w += 4) {
                *wv++ = _mm_set1_epi32((int)((uint32_t)(uint16_t)w[0] | ((uint32_t)(uint16_t)w[2] << 16)));
                *wv++ = _mm_set1_epi32((int)((uint32_t)(uint16_t)w[1] | ((uint32_t)(uint16_t)w[3] << 16)));
            }
        }
    }
#endif
    return p;
}

#if SW_RS_SSE2
/* Expands 3-byte pixels to 4 so the SIMD horizontal kernel can read them. */
static const uint8_t *sw_rs_widen(sw_rs_plan *p, const uint8_t *row) {
    if (p->in_pixel_source != 3) return row;
    uint8_t *o = p->scratch;
    for (int x = 0; x < p->in_width; x++) {
        o[4 * x] = row[3 * x];
        o[4 * x + 1] = row[3 * x + 1];
        o[4 * x + 2] = row[3 * x + 2];
        o[4 * x + 3] = 0;
    }
    return o;
}
#endif

void sw_rs_push_row(sw_rs_plan *p, const uint8_t *row) {
    uint8_t *dst = p->ring + p->ring_stride * (size_t)(p->rows_in % p->ring_rows);
#if SW_RS_AVX2
    if (p->simd_h && p->avx2) {
        sw_rs_horizontal4_avx2(p, sw_rs_widen(p, row), dst);
        p->rows_in++;
        return;
    }
#endif
#if SW_RS_SSE2
    if (p->simd_h) {
        sw_rs_horizontal4(p, sw_rs_widen(p, row), dst);
        p->rows_in++;
        return;
    }
    if (p->simd_gray) {
        sw_rs_horizontal1(p, row, dst);
        p->rows_in++;
        return;
    }
#endif
    sw_rs_horizontal_generic(p, row, dst);
    p->rows_in++;
}

int sw_rs_rows_needed(const sw_rs_plan *p) {
    if (p->rows_out >= p->out_height) return 0;
    int end = p->v.starts[p->rows_out] + p->v.taps;
    if (end > p->in_height) end = p->in_height;
    return end > p->rows_in ? end - p->rows_in : 0;
}

void sw_rs_pop_row(sw_rs_plan *p, uint8_t *out) {
    int y = p->rows_out++;
    int start = p->v.starts[y];
    for (int k = 0; k < p->v.taps; k++) {
        int r = start + k < p->in_height ? start + k : start;
        p->rows[k] = p->ring + p->ring_stride * (size_t)(r % p->ring_rows);
    }
    sw_rs_vertical(p, p->rows, p->v.weights + (size_t)y * (size_t)p->v.taps, out);
}

/* MARK: - Whole buffers */

int sw_img_resize(const uint8_t *src, int width, int height, int channels, uint8_t *dst,
                  int out_width, int out_height) {
    int simd_pixel = channels >= 3 ? 4 : channels;
    sw_rs_plan *p = sw_rs_plan_create(width, height, simd_pixel, channels, out_width, out_height);
    if (!p) return SW_IMG_ERR_MEMORY;
    if (!p->simd_h) p->in_pixel = channels;
    p->in_pixel_source = channels;
    size_t in_stride = (size_t)width * (size_t)channels;
    size_t out_stride = (size_t)out_width * (size_t)channels;
    for (int y = 0; y < out_height; y++) {
        for (int n = sw_rs_rows_needed(p); n > 0; n--)
            sw_rs_push_row(p, src + in_stride * (size_t)p->rows_in);
        sw_rs_pop_row(p, dst + out_stride * (size_t)y);
    }
    sw_rs_plan_free(p);
    return SW_IMG_OK;
}

/* MARK: - EXIF orientation */

/* Destination pixel (x, y) comes from source byte offset base + x * dx + y * dy; 32 × 32 tiles
 * keep the strided side in cache for the transposing orientations. */
static inline __attribute__((always_inline)) void sw_orient_copy(const uint8_t *src, uint8_t *dst,
                                                                  int out_w, int out_h, int ch,
                                                                  ptrdiff_t base, ptrdiff_t dx,
                                                                  ptrdiff_t dy) {
    enum { tile = 32 };
    for (int ty = 0; ty < out_h; ty += tile) {
        int y_end = ty + tile < out_h ? ty + tile : out_h;
        for (int tx = 0; tx < out_w; tx += tile) {
            int x_end = tx + tile < out_w ? tx + tile : out_w;
            for (int y = ty; y < y_end; y++) {
                const uint8_t *s = src + base + (ptrdiff_t)tx * dx + (ptrdiff_t)y * dy;
                uint8_t *d = dst + ((size_t)y * (size_t)out_w + (size_t)tx) * (size_t)ch;
                for (int x = tx; x < x_end; x++, s += dx, d += ch)
                    for (int c = 0; c < ch; c++) d[c] = s[c];
            }
        }
    }
}

void sw_img_orient(const uint8_t *src, int width, int height, int channels, int orientation,
                   uint8_t *dst) {
    const ptrdiff_t ch = channels, row = (ptrdiff_t)width * ch;
    const ptrdiff_t last_x = (ptrdiff_t)(width - 1) * ch, last_y = (ptrdiff_t)(height - 1) * row;
    ptrdiff_t base, dx, dy;
    switch (orientation) {
    case 2: base = last_x; dx = -ch; dy = row; break;
    case 3: base = last_y + last_x; dx = -ch; dy = -row; break;
    case 4: base = last_y; dx = ch; dy = -row; break;
    case 5: base = 0; dx = row; dy = ch; break;
    case 6: base = last_y; dx = -row; dy = ch; break;
    case 7: base = last_y + last_x; dx = -row; dy = -ch; break;
    case 8: base = last_x; dx = row; dy = -ch; break;
    default: memcpy(dst, src, (size_t)width * (size_t)height * (size_t)channels); return;
    }
    int out_w = orientation >= 5 ? height : width, out_h = orientation >= 5 ? width : height;
    switch (channels) {
    case 1: sw_orient_copy(src, dst, out_w, out_h, 1, base, dx, dy); break;
    case 3: sw_orient_copy(src, dst, out_w, out_h, 3, base, dx, dy); break;
    case 4: sw_orient_copy(src, dst, out_w, out_h, 4, base, dx, dy); break;
    default: sw_orient_copy(src, dst, out_w, out_h, channels, base, dx, dy); break;
    }
}
