// AdamW with global-norm clipping, for the tfjs wasm backend: one pass over each trained tensor.
//
// Why (bench/profile.ts): train/adamw.ts written with tfjs ops runs ~12 element-wise ops per trained tensor plus
// two for the gradient norm — ~300 kernel calls in an adapter step, each paying tfjs's per-op overhead, and ~15
// full passes over the 1.5M weights of a full fine-tuning step.
//
// Same rules as attention.c: the module imports tfjs's memory and owns none (no data segments, no C stack). The
// arithmetic is the same float32 operations, in the same order, as the tfjs formulation in train/adamw.ts.
//
// Build: npm run build:kernels (scripts/build-kernels.mjs: Debian clang/lld 14, this kernel's exports and flags).
#include <wasm_simd128.h>

// Σ g[i]², i < n (4 partial sums, then added).
float sum_squares(const float *g, int n) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t x = wasm_v128_load(g + i);
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(x, x));
  }
  float sum = (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) + (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
  for (; i < n; i++) sum += g[i] * g[i];
  return sum;
}

// One AdamW step of n parameters, into new buffers (tfjs tensors are immutable):
//   g  = grad · scale (global-norm clipping; scale 1 = none)
//   m' = β1·m + (1−β1)·g          v' = β2·v + (1−β2)·g²
//   p' = p − lr·(m'/c1) / (√(v'/c2) + ε)  − decay·p     (decay = lr·weight decay, 0 for biases and LayerNorm)
// The constants come from JavaScript as tfjs would round them to float32 (1−β1 included).
#define ADAMW_STEP(LOAD, STORE, SPLAT, ADD, SUB, MUL, DIV, SQRT, i)                                            \
  {                                                                                                           \
    const TYPE g = scale_one ? LOAD(grad + i) : MUL(LOAD(grad + i), SPLAT(scale));                            \
    const TYPE mi = ADD(MUL(LOAD(m + i), SPLAT(beta1)), MUL(g, SPLAT(one_beta1)));                            \
    const TYPE vi = ADD(MUL(LOAD(v + i), SPLAT(beta2)), MUL(MUL(g, g), SPLAT(one_beta2)));                    \
    STORE(m_out + i, mi);                                                                                     \
    STORE(v_out + i, vi);                                                                                     \
    const TYPE update = DIV(DIV(mi, SPLAT(c1)), ADD(SQRT(DIV(vi, SPLAT(c2))), SPLAT(eps)));                   \
    const TYPE next = SUB(LOAD(p + i), MUL(update, SPLAT(lr)));                                               \
    STORE(p_out + i, decay_none ? next : SUB(next, MUL(LOAD(p + i), SPLAT(decay))));                          \
  }

#define S_LOAD(a) (*(a))
#define S_STORE(a, x) (*(a) = (x))
#define S_SPLAT(x) (x)
#define S_ADD(a, b) ((a) + (b))
#define S_SUB(a, b) ((a) - (b))
#define S_MUL(a, b) ((a) * (b))
#define S_DIV(a, b) ((a) / (b))

void adamw_update(const float *p, const float *grad, const float *m, const float *v, float *p_out, float *m_out, float *v_out, int n,
                  float scale, float lr, float beta1, float one_beta1, float beta2, float one_beta2, float c1, float c2, float eps,
                  float decay) {
  const int scale_one = scale == 1.0f, decay_none = decay == 0.0f;
  int i = 0;
#define TYPE v128_t
  for (; i + 4 <= n; i += 4)
    ADAMW_STEP(wasm_v128_load, wasm_v128_store, wasm_f32x4_splat, wasm_f32x4_add, wasm_f32x4_sub, wasm_f32x4_mul, wasm_f32x4_div, wasm_f32x4_sqrt, i)
#undef TYPE
#define TYPE float
  for (; i < n; i++) ADAMW_STEP(S_LOAD, S_STORE, S_SPLAT, S_ADD, S_SUB, S_MUL, S_DIV, __builtin_sqrtf, i)
#undef TYPE
}
