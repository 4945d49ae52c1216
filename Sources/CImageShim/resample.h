/* Streaming Lanczos-3 resampler shared by the decoders (private to CImageShim). */
#ifndef CIMAGESHIM_RESAMPLE_H
#define CIMAGESHIM_RESAMPLE_H

#include "cimageshim.h"

typedef struct {
    int *starts;
    int16_t *weights; /* out_size × taps, 14-bit fixed point */
    int taps;
} sw_rs_axis;

typedef struct {
    int in_width, in_height;
    int in_pixel;        /* bytes per source pixel as the kernels read them */
    int in_pixel_source; /* bytes per pixel as pushed (3 is widened to 4 for SIMD) */
    int channels;        /* bytes per output pixel */
    int out_width, out_height, row_bytes;
    int simd_h, simd_gray, avx2;
    sw_rs_axis h, v;
    void *block;
    void *hvec, *vvec;
    uint8_t *ring, *scratch;
    size_t ring_stride;
    int ring_rows;
    const uint8_t **rows;
    int rows_in, rows_out;
} sw_rs_plan;

sw_rs_plan *sw_rs_plan_create(int in_width, int in_height, int in_pixel, int channels,
                              int out_width, int out_height);
void sw_rs_plan_free(sw_rs_plan *p);
/* Source rows still to push before the next output row can be produced. */
int sw_rs_rows_needed(const sw_rs_plan *p);
void sw_rs_push_row(sw_rs_plan *p, const uint8_t *row);
/* Writes the next output row (row_bytes bytes). */
void sw_rs_pop_row(sw_rs_plan *p, uint8_t *out);

#endif
