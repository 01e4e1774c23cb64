// Multi-head self-attention, forward and backward, in WebAssembly SIMD, for the tfjs wasm backend.
//
// Why: tfjs-wasm runs batched (3-D) matMul at 0.6–2 GFLOP/s, and attention's QKᵀ and P·V were half of a training
// step. These kernels do a whole layer's attention in one call, reading Q, K, V in the encoder's [B·T, d] layout
// (head h = columns h·dh … h·dh+dh−1), so the head split/merge transposes disappear too.
//
// The module imports tfjs's own memory and works on tensors in place. It must therefore own no memory: no data
// segments and no C stack (everything lives in wasm locals; the loader checks the module's imports and exports).
// Scratch space comes from the caller.
//
// Build: npm run build:kernels (scripts/build-kernels.mjs: Debian clang/lld 14, this kernel's exports and flags).
#include "simd_math.h"

// ---- matmul: C[m×n] = alpha · A[m×k] · B[k×n], row-major with leading dimensions ------------------------------
// Register block of R rows × (4·V) columns: R·V accumulators, B's row loaded once per k for all R rows.

INLINE void block(int R, int V, int k, float alpha, const float *a, int lda, const float *b, int ldb, float *c, int ldc) {
  v128_t acc[4][2];
  for (int r = 0; r < R; r++)
    for (int u = 0; u < V; u++) acc[r][u] = wasm_f32x4_splat(0.0f);
  for (int p = 0; p < k; p++) {
    v128_t bv[2];
    for (int u = 0; u < V; u++) bv[u] = wasm_v128_load(b + p * ldb + 4 * u);
    for (int r = 0; r < R; r++) {
      const v128_t x = wasm_f32x4_splat(a[r * lda + p]);
      for (int u = 0; u < V; u++) acc[r][u] = MADD(acc[r][u], x, bv[u]);
    }
  }
  const v128_t s = wasm_f32x4_splat(alpha);
  for (int r = 0; r < R; r++)
    for (int u = 0; u < V; u++) wasm_v128_store(c + r * ldc + 4 * u, wasm_f32x4_mul(acc[r][u], s));
}

INLINE void block_scalar(int R, int k, float alpha, const float *a, int lda, const float *b, int ldb, float *c, int ldc) {
  for (int r = 0; r < R; r++) {
    float sum = 0.0f;
    for (int p = 0; p < k; p++) sum += a[r * lda + p] * b[p * ldb];
    c[r * ldc] = sum * alpha;
  }
}

INLINE void row_panel(int R, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float *c, int ldc) {
  int j = 0;
  for (; j + 8 <= n; j += 8) block(R, 2, k, alpha, a, lda, b + j, ldb, c + j, ldc);
  for (; j + 4 <= n; j += 4) block(R, 1, k, alpha, a, lda, b + j, ldb, c + j, ldc);
  for (; j < n; j++) block_scalar(R, k, alpha, a, lda, b + j, ldb, c + j, ldc);
}

static void matmul(int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float *c, int ldc) {
  int i = 0;
  for (; i + 4 <= m; i += 4) row_panel(4, n, k, alpha, a + i * lda, lda, b, ldb, c + i * ldc, ldc);
  for (; i < m; i++) row_panel(1, n, k, alpha, a + i * lda, lda, b, ldb, c + i * ldc, ldc);
}

// dst[j][i] = src[i][j] · (mul ? mul[i][j] : 1); src is rows×cols with leading dimension lds, dst cols×rows.
static void transpose(int rows, int cols, const float *src, int lds, const float *mul, float *dst) {
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) dst[j * rows + i] = mul ? src[i * lds + j] * mul[i * cols + j] : src[i * lds + j];
}

// ---- softmax ---------------------------------------------------------------------------------------------------

INLINE float hmax(v128_t v) {
  v = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

INLINE float hsum(v128_t v) {
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_add(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

// Each row of s [rows×n]: s = softmax(s + mask), as tfjs (max-shifted, divided by the sum).
static void softmax_rows(int rows, int n, float *s, const float *mask) {
  for (int i = 0; i < rows; i++, s += n) {
    int j = 0;
    v128_t vmax = wasm_f32x4_splat(-__builtin_inff());
    for (; j + 4 <= n; j += 4) {
      const v128_t x = wasm_f32x4_add(wasm_v128_load(s + j), wasm_v128_load(mask + j));
      wasm_v128_store(s + j, x);
      vmax = wasm_f32x4_max(vmax, x);
    }
    float max = hmax(vmax);
    for (; j < n; j++) {
      s[j] += mask[j];
      max = s[j] > max ? s[j] : max;
    }
    const v128_t m = wasm_f32x4_splat(max);
    v128_t vsum = wasm_f32x4_splat(0.0f);
    for (j = 0; j + 4 <= n; j += 4) {
      const v128_t e = exp4(wasm_f32x4_sub(wasm_v128_load(s + j), m));
      wasm_v128_store(s + j, e);
      vsum = wasm_f32x4_add(vsum, e);
    }
    float sum = hsum(vsum);
    for (; j < n; j++) {
      const float e = wasm_f32x4_extract_lane(exp4(wasm_f32x4_splat(s[j] - max)), 0);
      s[j] = e;
      sum += e;
    }
    const v128_t vs = wasm_f32x4_splat(sum);
    for (j = 0; j + 4 <= n; j += 4) wasm_v128_store(s + j, wasm_f32x4_div(wasm_v128_load(s + j), vs));
    for (; j < n; j++) s[j] /= sum;
  }
}

// Gradient through dropout and softmax, in place: g = p ⊙ (g⊙keep − Σ_j g⊙keep⊙p) per row (keep may be 0).
static void softmax_backward_rows(int rows, int n, const float *p, const float *keep, float *g) {
  for (int i = 0; i < rows; i++, p += n, g += n) {
    if (keep) {
      for (int j = 0; j < n; j++) g[j] *= keep[j];
      keep += n;
    }
    int j = 0;
    v128_t vdot = wasm_f32x4_splat(0.0f);
    for (; j + 4 <= n; j += 4) vdot = MADD(vdot, wasm_v128_load(g + j), wasm_v128_load(p + j));
    float dot = hsum(vdot);
    for (; j < n; j++) dot += g[j] * p[j];
    const v128_t vd = wasm_f32x4_splat(dot);
    for (j = 0; j + 4 <= n; j += 4)
      wasm_v128_store(g + j, wasm_f32x4_mul(wasm_v128_load(p + j), wasm_f32x4_sub(wasm_v128_load(g + j), vd)));
    for (; j < n; j++) g[j] = p[j] * (g[j] - dot);
  }
}

// ---- attention -------------------------------------------------------------------------------------------------
// Shapes: q, k, v, ctx and their gradients [batch·len, heads·dh]; mask [batch, len] additive (0 or −1e9);
// keep [batch, heads, len, len] the dropout multiplier (0/(1/(1−rate))) or 0 for none; probs [batch, heads, len, len].

// ctx = dropout(softmax(scale·Q·Kᵀ + mask))·V per (example, head); probs (before dropout) is kept for the backward.
// scratch: dh·len + len·len floats.
void attention_forward(const float *q, const float *k, const float *v, const float *mask, const float *keep,
                       float *probs, float *ctx, float *scratch, int batch, int len, int heads, int dh, float scale) {
  const int d = heads * dh;
  float *kt = scratch;           // Kᵀ [dh, len]
  float *dropped = kt + dh * len; // P⊙keep [len, len]
  for (int b = 0; b < batch; b++) {
    for (int h = 0; h < heads; h++) {
      const int at = b * len * d + h * dh;
      const int pat = (b * heads + h) * len * len;
      float *p = probs + pat;
      transpose(len, dh, k + at, d, 0, kt);
      matmul(len, len, dh, scale, q + at, d, kt, len, p, len);
      softmax_rows(len, len, p, mask + b * len);
      const float *weights = p;
      if (keep) {
        for (int j = 0; j < len * len; j++) dropped[j] = p[j] * keep[pat + j];
        weights = dropped;
      }
      matmul(len, dh, len, 1.0f, weights, len, v + at, d, ctx + at, d);
    }
  }
}

// Gradients of the forward's Q, K, V from dctx. scratch: 2·len·len + dh·len floats.
void attention_backward(const float *dctx, const float *q, const float *k, const float *v, const float *probs,
                        const float *keep, float *dq, float *dk, float *dv, float *scratch,
                        int batch, int len, int heads, int dh, float scale) {
  const int d = heads * dh;
  float *g = scratch;          // dP, then dS [len, len]
  float *t = g + len * len;    // a transposed [len, len]
  float *vt = t + len * len;   // Vᵀ [dh, len]
  for (int b = 0; b < batch; b++) {
    for (int h = 0; h < heads; h++) {
      const int at = b * len * d + h * dh;
      const int pat = (b * heads + h) * len * len;
      const float *p = probs + pat;
      const float *kp = keep ? keep + pat : 0;
      transpose(len, len, p, len, kp, t); // (P⊙keep)ᵀ
      matmul(len, dh, len, 1.0f, t, len, dctx + at, d, dv + at, d);
      transpose(len, dh, v + at, d, 0, vt);
      matmul(len, len, dh, 1.0f, dctx + at, d, vt, len, g, len);
      softmax_backward_rows(len, len, p, kp, g);
      matmul(len, dh, len, scale, g, len, k + at, d, dq + at, d);
      transpose(len, len, g, len, 0, t);
      matmul(len, dh, len, scale, t, len, q + at, d, dk + at, d);
    }
  }
}
