// A 2-D matrix product for dense layers, in WebAssembly SIMD, for the tfjs wasm backend:
//   out[i][j] = Σ_p a[i][p]·b[p][j] (+ bias[j])     a [m, k], b [k, n] (or bT [n, k], b given transposed), out [m, n].
//
// Why (bench/profile.ts, mini model: 2048 rows, d 256, FFN 1024): the forward y = x·W + b (tfjs _FusedMatMul,
// XNNPACK) and the input gradient dX = dy·Wᵀ (a transposed copy of W, then BatchMatMul) ran at 21–25 GFLOP/s and
// took ~1,100 of a ~2,060 CPU ms step. gradients.c showed that a packed 4 × 8 register tile reaches ~37 GFLOP/s
// here; this is the same micro-kernel in a GotoBLAS/BLIS loop nest, and b may be given transposed, so dX needs no
// transposed copy of W. Measured (min of 25 interleaved rounds): 37–42 GFLOP/s at the mini and tiny-18 shapes, both
// variants, where tfjs ran at 25–31; bench/profile.ts mini full step 2,179 → 1,713 CPU ms (medians of 4 alternating runs).
//
// Tiles: 4 × 8 (8 accumulators, 2 loads of b and 4 splats of a per p) is the largest that fits the 15 SIMD registers
// V8's x64 code has: 5 × 8 and 6 × 8 (with b loaded whole or half at a time) spilled accumulators to the stack in
// every step and ran at 23–29 GFLOP/s; so would 4 × 16 (16 accumulators). Unrolling the loop over p by 4 or 8 spilled
// as well (24–26 GFLOP/s); clang's default (by 2) and none ran the same.
//
// Same rules as attention.c: the module imports tfjs's memory and owns none (no data segments, no C stack).
// Every output element is a float32 sum over p taken in ascending order (p = 0, 1, …, k − 1), whatever the
// blocking, then + bias[j]: results are the same run to run.
//
// Build: npm run build:kernels (scripts/build-kernels.mjs: Debian clang/lld 14, this kernel's exports and flags).
// It builds this one with -mllvm -disable-lsr: without it, loop strength reduction turns the tile's loads at
// ap + 1, ap + 2, … into separate i32.add's (its pointers lose the "inbounds" that lets clang fold a constant into
// the load's offset), and V8 then spends 4 more instructions a step on addresses: the same kernel ran ~10% slower
// (e.g. 2,048 × 256 × 1,024: 27.2 ms vs 24.9 ms, 2,048 × 1,024 × 256: 28.8 vs 26.6).
#include "simd_math.h"

// Blocking (BLIS order: p-blocks of KC, then i-blocks of MC, then 8-column panels, then 4-row strips). A packed
// panel of b (KC × 8 floats, 8 KB) stays in the L1 cache while it meets every strip of the block of a (MC × KC
// floats, 128 KB, in L2); the packed block of b (KC × n) is read once per block of a. (KC 128 or 512 and MC 64 or
// 256 measured the same within the noise of this shared machine; 4 × 8 is the tile that fits V8's registers.)
#define KC 256
#define MC 128
// With at most this many panels of b (n ≤ 32), a is read in place instead of packed: packing a costs a pass over it,
// repaid only when a strip meets many panels. Measured with 2,048 rows and k 256, packed → in place: n 1 0.30 →
// 0.20 ms, n 8 0.28 → 0.21 ms, n 16 0.46 → 0.41 ms; n 32–64 the same; n 128 3.3 ms packed vs 3.5 in place.
#define IN_PLACE_PANELS 4

INLINE int round_up(int v, int m) { return (v + m - 1) / m * m; }
INLINE int min_int(int a, int b) { return a < b ? a : b; }

// Floats of scratch space matmul needs: one packed block of b ([n/8][KC][8]) and one of a ([MC/4][KC][4]) unless
// a is read in place.
int matmul_scratch(int m, int k, int n) {
  const int kc = min_int(k, KC), mc = min_int(round_up(m, 4), MC);
  return kc * round_up(n, 8) + ((n + 7) / 8 > IN_PLACE_PANELS ? mc * kc : 0);
}

// `count` (0–4) floats of a row: whole, a tail, or nothing.
INLINE v128_t load_upto4(const float *p, int count) { return count >= 4 ? wasm_v128_load(p) : load_tail(p, count); }

// The 4 × 4 transpose of rows r0…r3 (the columns of the input become the rows of the output).
#define TRANSPOSE4(r0, r1, r2, r3)                                  \
  {                                                                 \
    const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5);      \
    const v128_t t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);      \
    const v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);      \
    const v128_t t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);      \
    r0 = wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5);                   \
    r1 = wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7);                   \
    r2 = wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5);                   \
    r3 = wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7);                   \
  }

// A strip of `rows` (1–4) rows of a, columns [0, kc), packed as [kc][4] (row r in lane r; missing rows are zeros):
// 4 × 4 blocks transposed in registers.
static void pack_a(const float *a, int lda, int rows, int kc, float *ap) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const float *a0 = a, *a1 = rows > 1 ? a + lda : a, *a2 = rows > 2 ? a + 2 * lda : a, *a3 = rows > 3 ? a + 3 * lda : a;
  for (int p = 0; p < kc; p += 4, ap += 16) {
    const int count = min_int(kc - p, 4);
    v128_t r0 = load_upto4(a0 + p, count);
    v128_t r1 = rows > 1 ? load_upto4(a1 + p, count) : zero;
    v128_t r2 = rows > 2 ? load_upto4(a2 + p, count) : zero;
    v128_t r3 = rows > 3 ? load_upto4(a3 + p, count) : zero;
    TRANSPOSE4(r0, r1, r2, r3)
    wasm_v128_store(ap, r0);
    if (count > 1) wasm_v128_store(ap + 4, r1);
    if (count > 2) wasm_v128_store(ap + 8, r2);
    if (count > 3) wasm_v128_store(ap + 12, r3);
  }
}

// A panel of `cols` (1–8) columns of b [·][ldb], rows [0, kc), packed as [kc][8] (zeros past the last column).
static void pack_b(const float *b, int ldb, int cols, int kc, float *bp) {
  if (cols == 8) {
    for (int p = 0; p < kc; p++, b += ldb, bp += 8) {
      wasm_v128_store(bp, wasm_v128_load(b));
      wasm_v128_store(bp + 4, wasm_v128_load(b + 4));
    }
  } else {
    for (int p = 0; p < kc; p++, b += ldb, bp += 8) {
      wasm_v128_store(bp, load_lo(b, cols));
      wasm_v128_store(bp + 4, load_hi(b, cols));
    }
  }
}

// The same panel when b is given transposed: `cols` (1–8) rows of bT [·][ldb], columns [0, kc), packed as [kc][8]
// (bT's row c in lane c): two 4 × 4 transposes per 4 values of p.
static void pack_bt(const float *bt, int ldb, int cols, int kc, float *bp) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int p = 0; p < kc; p += 4, bp += 32) {
    const int count = min_int(kc - p, 4);
    const float *q = bt + p;
    v128_t r0 = load_upto4(q, count);
    v128_t r1 = cols > 1 ? load_upto4(q + ldb, count) : zero;
    v128_t r2 = cols > 2 ? load_upto4(q + 2 * ldb, count) : zero;
    v128_t r3 = cols > 3 ? load_upto4(q + 3 * ldb, count) : zero;
    v128_t r4 = cols > 4 ? load_upto4(q + 4 * ldb, count) : zero;
    v128_t r5 = cols > 5 ? load_upto4(q + 5 * ldb, count) : zero;
    v128_t r6 = cols > 6 ? load_upto4(q + 6 * ldb, count) : zero;
    v128_t r7 = cols > 7 ? load_upto4(q + 7 * ldb, count) : zero;
    TRANSPOSE4(r0, r1, r2, r3)
    TRANSPOSE4(r4, r5, r6, r7)
    wasm_v128_store(bp, r0), wasm_v128_store(bp + 4, r4);
    if (count > 1) wasm_v128_store(bp + 8, r1), wasm_v128_store(bp + 12, r5);
    if (count > 2) wasm_v128_store(bp + 16, r2), wasm_v128_store(bp + 20, r6);
    if (count > 3) wasm_v128_store(bp + 24, r3), wasm_v128_store(bp + 28, r7);
  }
}

// c[r][j] = (first ? 0 : c[r][j]) + Σ_{p < kc} a_r[p]·bp[p][j] (+ bias[j] if `with_bias`), r < 4, j < 8: one 4 × 8
// tile of outputs in 8 accumulators, the values of row r of a splat from a packed strip (ap[p][r], 4 floats a p)
// or, in tile_in_place, from a's row r itself (a + r·lda); b from a packed panel (8 floats a p). Of the tile,
// `rows` (1–4) × `cols` (1–8) are real outputs; with `whole` (a constant after inlining) all are, and the loads and
// stores of c take the fast path. The bias is added to the finished sum, at the store.
#define START(r)                                                                                          \
  if (first || (!whole && r >= rows)) acc##r##0 = acc##r##1 = zero;                                       \
  else if (whole) acc##r##0 = wasm_v128_load(c + r * ldc), acc##r##1 = wasm_v128_load(c + r * ldc + 4);   \
  else acc##r##0 = load_lo(c + r * ldc, cols), acc##r##1 = load_hi(c + r * ldc, cols);
#define STEP(r, source)                                                                                   \
  {                                                                                                       \
    const v128_t s = wasm_v128_load32_splat(source);                                                      \
    acc##r##0 = MADD(acc##r##0, s, b0);                                          \
    acc##r##1 = MADD(acc##r##1, s, b1);                                          \
  }
#define BIAS(r) acc##r##0 = wasm_f32x4_add(acc##r##0, bias0), acc##r##1 = wasm_f32x4_add(acc##r##1, bias1);
#define FINISH(r)                                                                                         \
  if (whole) wasm_v128_store(c + r * ldc, acc##r##0), wasm_v128_store(c + r * ldc + 4, acc##r##1);        \
  else if (r < rows) store_lo(c + r * ldc, acc##r##0, cols), store_hi(c + r * ldc, acc##r##1, cols);

INLINE void tile(const float *ap, const float *bp, float *c, int ldc, int kc, int first, int with_bias, v128_t bias0, v128_t bias1,
                 int whole, int rows, int cols) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  v128_t acc00, acc01, acc10, acc11, acc20, acc21, acc30, acc31;
  START(0) START(1) START(2) START(3)
  for (int p = 0; p < kc; p++, ap += 4, bp += 8) {
    const v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
    STEP(0, ap) STEP(1, ap + 1) STEP(2, ap + 2) STEP(3, ap + 3)
  }
  if (with_bias) { BIAS(0) BIAS(1) BIAS(2) BIAS(3) }
  FINISH(0) FINISH(1) FINISH(2) FINISH(3)
}

// Rows past `rows` read row 0 again (their sums are not stored), so that nothing past a's last row is read.
INLINE void tile_in_place(const float *a, int lda, const float *bp, float *c, int ldc, int kc, int first, int with_bias,
                          v128_t bias0, v128_t bias1, int whole, int rows, int cols) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const float *a0 = a, *a1 = whole || rows > 1 ? a + lda : a, *a2 = whole || rows > 2 ? a + 2 * lda : a;
  const float *a3 = whole || rows > 3 ? a + 3 * lda : a;
  v128_t acc00, acc01, acc10, acc11, acc20, acc21, acc30, acc31;
  START(0) START(1) START(2) START(3)
  for (int p = 0; p < kc; p++, bp += 8) {
    const v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
    STEP(0, a0 + p) STEP(1, a1 + p) STEP(2, a2 + p) STEP(3, a3 + p)
  }
  if (with_bias) { BIAS(0) BIAS(1) BIAS(2) BIAS(3) }
  FINISH(0) FINISH(1) FINISH(2) FINISH(3)
}

// out = a·b (+ bias), a [m, k], b [k, n] or, with b_transposed, bT [n, k]; bias [n] or 0; out [m, n].
// For each block of KC values of p, the block of b is packed into the scratch as panels of 8 columns
// ([n/8][kc][8], zero-padded), then for each block of MC rows of a, that block is packed as strips of 4 rows
// ([MC/4][kc][4], zero-padded; or read in place when n ≤ 8·IN_PLACE_PANELS), and every panel meets every strip in a
// 4 × 8 register tile that continues its outputs' sums over the block's kc values of p (and adds the bias after
// the last block). Both operands of a tile are read sequentially, the panel from L1, the strip from L1/L2.
// scratch: matmul_scratch(m, k, n) floats.
// Columns [0, n) of the product, whose rows are `ld` floats apart in b (not transposed) and in out (ld = n for the
// whole product; a thread's share of columns passes b, bias and out at its first column and the full width as ld).
void matmul(const float *a, const float *b, const float *bias, float *out, float *scratch, int m, int k, int n, int ld,
            int b_transposed) {
  const int panels = (n + 7) / 8, in_place = panels <= IN_PLACE_PANELS;
  if (m <= 0 || n <= 0) return;
  if (k <= 0) { // an empty sum: the bias, or zeros
    for (int i = 0; i < m; i++)
      for (int u = 0; u < panels; u++) {
        const int cols = min_int(n - 8 * u, 8);
        const v128_t lo = bias ? load_lo(bias + 8 * u, cols) : wasm_f32x4_splat(0.0f);
        const v128_t hi = bias ? load_hi(bias + 8 * u, cols) : wasm_f32x4_splat(0.0f);
        store_lo(out + i * ld + 8 * u, lo, cols);
        store_hi(out + i * ld + 8 * u, hi, cols);
      }
    return;
  }
  float *const bp = scratch, *const ap = scratch + min_int(k, KC) * panels * 8;
  for (int p0 = 0; p0 < k; p0 += KC) {
    const int kc = min_int(k - p0, KC), first = p0 == 0, with_bias = bias && p0 + kc == k;
    for (int u = 0; u < panels; u++) {
      const int cols = min_int(n - 8 * u, 8);
      if (b_transposed) pack_bt(b + 8 * u * k + p0, k, cols, kc, bp + u * kc * 8);
      else pack_b(b + p0 * ld + 8 * u, ld, cols, kc, bp + u * kc * 8);
    }
    for (int i0 = 0; i0 < m; i0 += MC) {
      const int mc = min_int(m - i0, MC), strips = (mc + 3) / 4;
      if (!in_place)
        for (int s = 0; s < strips; s++) pack_a(a + (i0 + 4 * s) * k + p0, k, min_int(mc - 4 * s, 4), kc, ap + s * kc * 4);
      for (int u = 0; u < panels; u++) {
        const int cols = min_int(n - 8 * u, 8);
        const v128_t bias0 = with_bias ? load_lo(bias + 8 * u, cols) : wasm_f32x4_splat(0.0f);
        const v128_t bias1 = with_bias ? load_hi(bias + 8 * u, cols) : wasm_f32x4_splat(0.0f);
        const float *panel = bp + u * kc * 8, *as = a + i0 * k + p0;
        float *c = out + i0 * ld + 8 * u;
        for (int s = 0; s < strips; s++, c += 4 * ld, as += 4 * k) {
          const int rows = min_int(mc - 4 * s, 4);
          if (in_place) {
            if (rows == 4 && cols == 8) tile_in_place(as, k, panel, c, ld, kc, first, with_bias, bias0, bias1, 1, 4, 8);
            else tile_in_place(as, k, panel, c, ld, kc, first, with_bias, bias0, bias1, 0, rows, cols);
          } else {
            if (rows == 4 && cols == 8) tile(ap + s * kc * 4, panel, c, ld, kc, first, with_bias, bias0, bias1, 1, 4, 8);
            else tile(ap + s * kc * 4, panel, c, ld, kc, first, with_bias, bias0, bias1, 0, rows, cols);
          }
        }
      }
    }
  }
}
