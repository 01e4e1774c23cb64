// GELU, LayerNorm and the embedding sum, forward and backward, in WebAssembly SIMD, for the tfjs wasm backend.
//
// Why (bench/profile.ts, reviews-sized batch [576, 128], FFN 512): tfjs-wasm's Erf took 4.7 ms per FFN activation
// and its backward (Square, Neg, Exp, Mul…) as much again; the embedding lookup (two GatherV2 + a Tile of the
// position rows) 7.5 ms, for 73k floats copied; a LayerNorm is 9 tfjs ops forward and ~25 backward, each paying
// tfjs's per-op overhead. Here each is one pass (two for LayerNorm's backward).
//
// Same rules as attention.c: the module imports tfjs's memory and owns none (no data segments, no C stack).
//
// Build: npm run build:kernels (scripts/build-kernels.mjs: Debian clang/lld 14, this kernel's exports and flags).
#include "simd_math.h"

// erf(x), 4 lanes: the rational approximation Eigen and XLA use for float (odd degree-13 over even degree-8
// polynomial on x clamped to [−4, 4], where erf is ±1 in float); a few ulp.
INLINE v128_t erf4(v128_t x) {
  const v128_t a = wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_splat(-4.0f)), wasm_f32x4_splat(4.0f));
  const v128_t x2 = wasm_f32x4_mul(a, a);
  v128_t p = wasm_f32x4_splat(-2.72614225801306e-10f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(2.77068142495902e-08f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-2.10102402082508e-06f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-5.69250639462346e-05f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-7.34990630326855e-04f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-2.95459980854025e-03f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, x2), wasm_f32x4_splat(-1.60960333262415e-02f));
  p = wasm_f32x4_mul(p, a);
  v128_t q = wasm_f32x4_splat(-1.45660718464996e-05f);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(-2.13374055278905e-04f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(-1.68282697438203e-03f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(-7.37332916720468e-03f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, x2), wasm_f32x4_splat(-1.42647390514189e-02f));
  return wasm_f32x4_div(p, q);
}

// Φ(x) = ½(1 + erf(x/√2)), the standard normal CDF; GELU(x) = x·Φ(x).
INLINE v128_t cdf4(v128_t x) {
  const v128_t half = wasm_f32x4_splat(0.5f);
  return wasm_f32x4_add(half, wasm_f32x4_mul(half, erf4(wasm_f32x4_mul(x, wasm_f32x4_splat(0.70710678118654752f)))));
}

// dGELU/dx = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π); Φ(x) as the forward pass kept it.
INLINE v128_t gelu_grad4(v128_t x, v128_t cdf, v128_t dy) {
  const v128_t pdf = wasm_f32x4_mul(exp4(wasm_f32x4_mul(wasm_f32x4_mul(x, x), wasm_f32x4_splat(-0.5f))), wasm_f32x4_splat(0.39894228040143268f));
  return wasm_f32x4_mul(dy, wasm_f32x4_add(cdf, wasm_f32x4_mul(x, pdf)));
}

// y[i] = GELU(x[i]) = x[i]·Φ(x[i]), and Φ(x[i]) in cdf[i] for the backward, i < n.
void gelu_forward(const float *x, float *y, float *cdf, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t xv = wasm_v128_load(x + i), c = cdf4(xv);
    wasm_v128_store(cdf + i, c);
    wasm_v128_store(y + i, wasm_f32x4_mul(xv, c));
  }
  if (i < n) {
    const v128_t xv = load_tail(x + i, n - i), c = cdf4(xv);
    store_tail(cdf + i, c, n - i);
    store_tail(y + i, wasm_f32x4_mul(xv, c), n - i);
  }
}

// dx[i] = dy[i] · GELU'(x[i]), i < n, with cdf from gelu_forward.
void gelu_backward(const float *x, const float *cdf, const float *dy, float *dx, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dx + i, gelu_grad4(wasm_v128_load(x + i), wasm_v128_load(cdf + i), wasm_v128_load(dy + i)));
  if (i < n) store_tail(dx + i, gelu_grad4(load_tail(x + i, n - i), load_tail(cdf + i, n - i), load_tail(dy + i, n - i)), n - i);
}

// out[r] = word[ids[r]] + position[r mod length] + type[types[r]] for rows r < rows (= batch · length), d columns.
// d must be a multiple of 4 (checked by the caller).
void embed_forward(const float *word, const int *ids, const float *position, const float *type, const int *types,
                   float *out, int rows, int length, int d) {
  for (int r = 0; r < rows; r++) {
    const float *w = word + ids[r] * d;
    const float *p = position + (r % length) * d;
    const float *t = type + types[r] * d;
    float *o = out + r * d;
    for (int j = 0; j < d; j += 4)
      wasm_v128_store(o + j, wasm_f32x4_add(wasm_f32x4_add(wasm_v128_load(w + j), wasm_v128_load(p + j)), wasm_v128_load(t + j)));
  }
}

// The gradients of embed_forward: rows of dy summed into the table rows they came from. The outputs are zeroed
// first (dword [vocab, d], dposition [positions, d], dtype [types, d]); dposition may be 0 (not wanted).
void embed_backward(const float *dy, const int *ids, const int *types, float *dword, float *dposition, float *dtype,
                    int rows, int length, int d, int vocab, int positions, int type_count) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int i = 0; i < vocab * d; i += 4) wasm_v128_store(dword + i, zero);
  if (dposition)
    for (int i = 0; i < positions * d; i += 4) wasm_v128_store(dposition + i, zero);
  for (int i = 0; i < type_count * d; i += 4) wasm_v128_store(dtype + i, zero);
  for (int r = 0; r < rows; r++) {
    const float *g = dy + r * d;
    float *w = dword + ids[r] * d;
    float *t = dtype + types[r] * d;
    for (int j = 0; j < d; j += 4) {
      const v128_t v = wasm_v128_load(g + j);
      wasm_v128_store(w + j, wasm_f32x4_add(wasm_v128_load(w + j), v));
      wasm_v128_store(t + j, wasm_f32x4_add(wasm_v128_load(t + j), v));
    }
    if (dposition) {
      float *p = dposition + (r % length) * d;
      for (int j = 0; j < d; j += 4) wasm_v128_store(p + j, wasm_f32x4_add(wasm_v128_load(p + j), wasm_v128_load(g + j)));
    }
  }
}

INLINE float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) + (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

// y = (x − mean) / √(var + eps) · gamma + beta over the last axis of x [rows, d] (d a multiple of 4, checked by the
// caller); mean and 1/√(var + eps) of each row go to mean[rows] and rstd[rows] for the backward.
void layer_norm_forward(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *rstd,
                        int rows, int d, float eps) {
  const v128_t inv_d = wasm_f32x4_splat(1.0f / (float)d);
  for (int r = 0; r < rows; r++) {
    const float *xr = x + r * d;
    v128_t s = wasm_f32x4_splat(0.0f);
    for (int j = 0; j < d; j += 4) s = wasm_f32x4_add(s, wasm_v128_load(xr + j));
    const v128_t m = wasm_f32x4_splat(hsum(wasm_f32x4_mul(s, inv_d)));
    v128_t q = wasm_f32x4_splat(0.0f);
    for (int j = 0; j < d; j += 4) {
      const v128_t c = wasm_f32x4_sub(wasm_v128_load(xr + j), m);
      q = wasm_f32x4_add(q, wasm_f32x4_mul(c, c));
    }
    const float inv = 1.0f / __builtin_sqrtf(hsum(wasm_f32x4_mul(q, inv_d)) + eps);
    const v128_t k = wasm_f32x4_splat(inv);
    float *yr = y + r * d;
    for (int j = 0; j < d; j += 4) {
      const v128_t c = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), m), k);
      wasm_v128_store(yr + j, wasm_f32x4_add(wasm_f32x4_mul(c, wasm_v128_load(gamma + j)), wasm_v128_load(beta + j)));
    }
    mean[r] = wasm_f32x4_extract_lane(m, 0);
    rstd[r] = inv;
  }
}

// The gradients of layer_norm_forward, with x̂ = (x − mean)·rstd and g = dy·gamma:
//   dx = rstd · (g − mean(g) − x̂ · mean(g·x̂)),   dgamma = Σ_rows dy·x̂,   dbeta = Σ_rows dy,
// in two functions that split differently over threads: dx by rows, dgamma and dbeta by columns (each column summed
// over all rows in ascending order, whatever the split, so the sums are those of one thread).

// dx for `rows` rows of x [rows, d] (d a multiple of 4).
void layer_norm_input_gradient(const float *dy, const float *x, const float *gamma, const float *mean, const float *rstd,
                               float *dx, int rows, int d) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  const v128_t inv_d = wasm_f32x4_splat(1.0f / (float)d);
  for (int r = 0; r < rows; r++) {
    const float *xr = x + r * d, *dyr = dy + r * d;
    const v128_t m = wasm_f32x4_splat(mean[r]), k = wasm_f32x4_splat(rstd[r]);
    v128_t sg = zero, sgx = zero;
    for (int j = 0; j < d; j += 4) {
      const v128_t xhat = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), m), k);
      const v128_t g = wasm_f32x4_mul(wasm_v128_load(dyr + j), wasm_v128_load(gamma + j));
      sg = wasm_f32x4_add(sg, g);
      sgx = wasm_f32x4_add(sgx, wasm_f32x4_mul(g, xhat));
    }
    const v128_t mg = wasm_f32x4_splat(hsum(wasm_f32x4_mul(sg, inv_d)));
    const v128_t mgx = wasm_f32x4_splat(hsum(wasm_f32x4_mul(sgx, inv_d)));
    float *dxr = dx + r * d;
    for (int j = 0; j < d; j += 4) {
      const v128_t xhat = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), m), k);
      const v128_t g = wasm_f32x4_mul(wasm_v128_load(dyr + j), wasm_v128_load(gamma + j));
      wasm_v128_store(dxr + j, wasm_f32x4_mul(k, wasm_f32x4_sub(wasm_f32x4_sub(g, mg), wasm_f32x4_mul(xhat, mgx))));
    }
  }
}

// dgamma and dbeta for `columns` columns (a multiple of 4) of dy and x, whose rows are d floats apart: a thread's
// share passes pointers to its first column.
void layer_norm_parameter_gradients(const float *dy, const float *x, const float *mean, const float *rstd, float *dgamma,
                                    float *dbeta, int rows, int d, int columns) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int j = 0; j < columns; j += 4) {
    wasm_v128_store(dgamma + j, zero);
    wasm_v128_store(dbeta + j, zero);
  }
  for (int r = 0; r < rows; r++) {
    const float *xr = x + r * d, *dyr = dy + r * d;
    const v128_t m = wasm_f32x4_splat(mean[r]), k = wasm_f32x4_splat(rstd[r]);
    for (int j = 0; j < columns; j += 4) {
      const v128_t dyv = wasm_v128_load(dyr + j);
      const v128_t xhat = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + j), m), k);
      wasm_v128_store(dgamma + j, wasm_f32x4_add(wasm_v128_load(dgamma + j), wasm_f32x4_mul(dyv, xhat)));
      wasm_v128_store(dbeta + j, wasm_f32x4_add(wasm_v128_load(dbeta + j), dyv));
    }
  }
}

// The dropout multiplier: out[i] = scale if draw number first + i of mulberry32 from `seed` is below `keep_below`,
// else 0, for i < n. mulberry32's state after k draws is seed + k·0x6D2B79F5 (a Weyl sequence), so any range of the
// draws can be made on its own: a thread's share gives the same values as the whole sequence made in one loop
// (ops.dropoutMultiplier's JavaScript, createRng in data/random.ts). keep_below: ⌈keep probability · 2³²⌉ (a draw u
// is kept when u < keep probability · 2³²); when that is 2³² every draw is kept and the caller does not come here.
void dropout_mask(float *out, int n, unsigned first, unsigned seed, unsigned keep_below, float scale) {
  for (int i = 0; i < n; i++) {
    const unsigned state = seed + (first + (unsigned)i + 1u) * 0x6D2B79F5u;
    unsigned t = (state ^ (state >> 15)) * (state | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    out[i] = (t ^ (t >> 14)) < keep_below ? scale : 0.0f;
  }
}
