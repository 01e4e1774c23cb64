// The weight and bias gradients of a dense layer y = x·W + b, in WebAssembly SIMD, for the tfjs wasm backend:
//   dW = xᵀ·dy   (x [rows, in], dy [rows, out], dW [in, out]),   db = Σ_rows dy.
//
// Why (bench/profile.ts, mini model: 2048 rows, d 256, FFN 1024): tfjs-wasm's Sum over axis 0 transposes dy first
// (3–4 ms for [2048, 256], 13–17 ms for [2048, 1024]; Sum was 150 ms of a 2,400 ms step), and
// dW = matMul(transpose(x), dy) pays for a transposed copy of x (3 ms for [2048, 256], 11 ms for [2048, 1024])
// before a product that runs at 21–30 GFLOP/s. Here dW is computed from x as it lies in memory, at ~37 GFLOP/s
// (register tiles over packed blocks, see weight_gradient), with db summed in the same pass over dy.
//
// Same rules as attention.c: the module imports tfjs's memory and owns none (no data segments, no C stack).
// Every output element is a float32 sum over the rows taken in row order (n = 0, 1, …), whatever the blocking, so
// results are the same run to run.
//
// Build: npm run build:kernels (scripts/build-kernels.mjs: Debian clang/lld 14, this kernel's exports and flags).
#include "simd_math.h"

// A 4-float piece of a row: whole (tail 0) or its first `tail` floats.
INLINE v128_t load4(const float *p, int tail) { return tail ? load_tail(p, tail) : wasm_v128_load(p); }
INLINE void store4(float *p, v128_t v, int tail) {
  if (tail) store_tail(p, v, tail);
  else wasm_v128_store(p, v);
}

#define BLOCK_FLOATS 131072

INLINE int round_up(int v, int m) { return (v + m - 1) / m * m; }

// Rows per block of weight_gradient: its packed copy of the block of x (block_rows · in floats, in rounded up to
// 4) takes ~BLOCK_FLOATS floats (512 KB, half the L2 cache), within 64–512 rows: at least 64 so that a tile's
// loads and stores of dw are few next to its multiply-adds, at most 512 so that a packed strip of dy (8 floats a
// row) stays in the L1 cache.
INLINE int block_rows(int rows, int in) {
  int count = BLOCK_FLOATS / round_up(in, 4);
  count = count < 64 ? 64 : count > 512 ? 512 : count;
  return count < rows ? count : rows;
}

// Floats of scratch space weight_gradient needs: the packed block of x and one packed strip of dy.
int weight_gradient_scratch(int rows, int in, int out) {
  (void)out;
  return block_rows(rows, in) * (round_up(in, 4) + 8);
}

// dw[a][c] (+)= Σ_{n < count} xp[n][a]·dyp[n][c], a < 4, c < 8: one 4 × 8 tile of outputs in 8 accumulators, from
// the packed block (xp: 4 floats a row, dyp: 8). Of the tile, `rows` (1–4) × `cols` (1–8) are real outputs; with
// `whole` (a constant after inlining) all are, and the loads and stores of dw take the fast path. `first`: the
// sums start at 0, else at dw (the sums over the blocks before).
#define START(a)                                                                                         \
  if (first || (!whole && a >= rows)) acc##a##0 = acc##a##1 = zero;                                      \
  else if (whole) acc##a##0 = wasm_v128_load(dw + a * ld), acc##a##1 = wasm_v128_load(dw + a * ld + 4); \
  else acc##a##0 = load_lo(dw + a * ld, cols), acc##a##1 = load_hi(dw + a * ld, cols);
#define STEP(a)                                                                                          \
  {                                                                                                      \
    const v128_t s = wasm_v128_load32_splat(xp + a);                                                     \
    acc##a##0 = MADD(acc##a##0, s, d0);                                         \
    acc##a##1 = MADD(acc##a##1, s, d1);                                         \
  }
#define FINISH(a)                                                                                        \
  if (whole) wasm_v128_store(dw + a * ld, acc##a##0), wasm_v128_store(dw + a * ld + 4, acc##a##1);      \
  else if (a < rows) store_lo(dw + a * ld, acc##a##0, cols), store_hi(dw + a * ld, acc##a##1, cols);

INLINE void tile(const float *xp, const float *dyp, float *dw, int count, int ld, int first, int whole, int rows, int cols) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  v128_t acc00, acc01, acc10, acc11, acc20, acc21, acc30, acc31;
  START(0) START(1) START(2) START(3)
  for (int n = 0; n < count; n++, xp += 4, dyp += 8) {
    const v128_t d0 = wasm_v128_load(dyp), d1 = wasm_v128_load(dyp + 4);
    STEP(0) STEP(1) STEP(2) STEP(3)
  }
  FINISH(0) FINISH(1) FINISH(2) FINISH(3)
}

// dw[i][j] = Σ_n x[n][i]·dy[n][j] (i < in, j < out, n < rows): xᵀ·dy without transposing x; and, if db is not 0,
// db[j] = Σ_n dy[n][j] as well. Block by block of rows (block_rows): the block of x is packed into the scratch as
// strips of 4 columns ([in/4][count][4], the last strip padded with zeros), then for each strip of 8 columns of dy,
// that strip is packed too ([count][8], zero-padded) and meets every strip of x in a 4 × 8 register tile that adds
// the block's rows to its sums. Both operands of a tile are then read sequentially; the strip of dy from L1, the
// block of x from L2. scratch: weight_gradient_scratch(rows, in, out) floats. x_stride: floats from one row of x to
// the next (in, or more when x is a block of columns of a wider matrix: a task's rows of dW); out_stride: the same
// for dy and dw (out, or more when they are blocks of columns: a task's columns of dW and db).
void weight_gradient(const float *x, const float *dy, float *dw, float *db, float *scratch, int rows, int in, int out,
                     int x_stride, int out_stride) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const int strips_x = (in + 3) / 4, strips_dy = (out + 7) / 8, block = block_rows(rows, in);
  if (db)
    for (int j = 0; j < out; j += 4) store4(db + j, zero, out - j < 4 ? out - j : 0);
  if (rows <= 0)
    for (int i = 0; i < in; i++)
      for (int j = 0; j < out; j += 4) store4(dw + i * out_stride + j, zero, out - j < 4 ? out - j : 0);
  for (int n0 = 0; n0 < rows; n0 += block) {
    const int count = rows - n0 < block ? rows - n0 : block, first = n0 == 0;
    float *xp = scratch, *dyp = scratch + strips_x * count * 4;
    const float *xb = x + n0 * x_stride, *dyb = dy + n0 * out_stride;
    for (int n = 0; n < count; n++) {
      const float *xr = xb + n * x_stride;
      for (int t = 0; t < strips_x; t++) {
        const int left = in - 4 * t;
        wasm_v128_store(xp + (t * count + n) * 4, left >= 4 ? wasm_v128_load(xr + 4 * t) : load_tail(xr + 4 * t, left));
      }
    }
    for (int u = 0; u < strips_dy; u++) {
      const int cols = out - 8 * u < 8 ? out - 8 * u : 8;
      const float *dyr = dyb + 8 * u;
      if (cols == 8) {
        for (int n = 0; n < count; n++, dyr += out_stride) {
          wasm_v128_store(dyp + 8 * n, wasm_v128_load(dyr));
          wasm_v128_store(dyp + 8 * n + 4, wasm_v128_load(dyr + 4));
        }
      } else {
        for (int n = 0; n < count; n++, dyr += out_stride) {
          wasm_v128_store(dyp + 8 * n, load_lo(dyr, cols));
          wasm_v128_store(dyp + 8 * n + 4, load_hi(dyr, cols));
        }
      }
      if (db) { // the strip's column sums, continued from the blocks before, row after row
        v128_t lo = load_lo(db + 8 * u, cols), hi = load_hi(db + 8 * u, cols);
        for (int n = 0; n < count; n++) {
          lo = wasm_f32x4_add(lo, wasm_v128_load(dyp + 8 * n));
          hi = wasm_f32x4_add(hi, wasm_v128_load(dyp + 8 * n + 4));
        }
        store_lo(db + 8 * u, lo, cols);
        store_hi(db + 8 * u, hi, cols);
      }
      for (int t = 0; t < strips_x; t++) {
        const int rows_left = in - 4 * t;
        float *d = dw + 4 * t * out_stride + 8 * u;
        if (rows_left >= 4 && cols == 8) tile(xp + t * count * 4, dyp, d, count, out_stride, first, 1, 4, 8);
        else tile(xp + t * count * 4, dyp, d, count, out_stride, first, 0, rows_left < 4 ? rows_left : 4, cols);
      }
    }
  }
}
