// SIMD helpers shared by the kernels (included, so each .wasm stays one self-contained translation unit).
#ifndef SIMD_MATH_H
#define SIMD_MATH_H
#include <wasm_simd128.h>

#define INLINE static inline __attribute__((always_inline))

// c + a·b, 4 lanes: the multiply-add of the kernels' inner loops. Built with -DKERNEL_FMA (and -mrelaxed-simd, clang
// ≥ 16: scripts/build-kernels.mjs builds <name>.fma.wasm so) it is f32x4.relaxed_madd, one fused multiply-add with a
// single rounding where the CPU has FMA (V8 on x64 with FMA3, arm64); otherwise a multiply, then an add, each
// rounded, written exactly as the kernels wrote it before (the clang 14 binaries are byte for byte what they were).
#ifdef KERNEL_FMA
#define MADD(c, a, b) ((v128_t)__builtin_wasm_relaxed_madd_f32x4((__f32x4)(a), (__f32x4)(b), (__f32x4)(c)))
#else
#define MADD(c, a, b) wasm_f32x4_add(c, wasm_f32x4_mul(a, b))
#endif

// e^x, 4 lanes (Cephes expf: x = n·ln2 + r, degree-6 polynomial in r, 2^n from the exponent bits); ~1 ulp.
// Below −87.3 (e^x < FLT_MIN) it returns 0, so masked positions (−1e9) get exactly zero weight.
INLINE v128_t exp4(v128_t x) {
  const v128_t lo = wasm_f32x4_splat(-87.3365f);
  const v128_t underflow = wasm_f32x4_lt(x, lo);
  x = wasm_f32x4_min(wasm_f32x4_max(x, lo), wasm_f32x4_splat(88.3762626647949f));
  const v128_t n = wasm_f32x4_floor(wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)), wasm_f32x4_splat(0.5f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t y = wasm_f32x4_splat(1.9875691500e-4f);
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(1.3981999507e-3f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(8.3334519073e-3f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(4.1665795894e-2f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(1.6666665459e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(5.0000001201e-1f));
  y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(y, wasm_f32x4_mul(x, x)), x), wasm_f32x4_splat(1.0f));
  const v128_t pow2n = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_v128_andnot(wasm_f32x4_mul(y, pow2n), underflow);
}

// Loads/stores of the last count (< 4) floats of a row or tensor go through lanes one at a time (no access past its end).
INLINE v128_t load_tail(const float *p, int count) {
  v128_t v = wasm_f32x4_splat(0.0f);
  if (count > 0) v = wasm_f32x4_replace_lane(v, 0, p[0]);
  if (count > 1) v = wasm_f32x4_replace_lane(v, 1, p[1]);
  if (count > 2) v = wasm_f32x4_replace_lane(v, 2, p[2]);
  return v;
}

INLINE void store_tail(float *p, v128_t v, int count) {
  if (count > 0) p[0] = wasm_f32x4_extract_lane(v, 0);
  if (count > 1) p[1] = wasm_f32x4_extract_lane(v, 1);
  if (count > 2) p[2] = wasm_f32x4_extract_lane(v, 2);
}

// The columns [0, 8) of a row (a tile's 8 columns), with `cols` (1–8) of them real: first four, last four (zeros past the end).
INLINE v128_t load_lo(const float *p, int cols) { return cols >= 4 ? wasm_v128_load(p) : load_tail(p, cols); }
INLINE v128_t load_hi(const float *p, int cols) {
  return cols >= 8 ? wasm_v128_load(p + 4) : cols > 4 ? load_tail(p + 4, cols - 4) : wasm_f32x4_splat(0.0f);
}
INLINE void store_lo(float *p, v128_t v, int cols) {
  if (cols >= 4) wasm_v128_store(p, v);
  else store_tail(p, v, cols);
}
INLINE void store_hi(float *p, v128_t v, int cols) {
  if (cols >= 8) wasm_v128_store(p + 4, v);
  else if (cols > 4) store_tail(p + 4, v, cols - 4);
}

#endif
