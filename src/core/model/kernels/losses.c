// Softmax cross-entropy over the rows of logits [rows, classes], forward and backward, in WebAssembly SIMD, for the
// tfjs wasm backend: the masked-LM, bag-of-words and classification losses of pre-training and the causal-LM loss.
//
// Why (bench/pretrainProfile.ts, lab-base pre-training, 1 thread): the stock formulation (max, sub, exp, sum, log,
// oneHot, mul, sum) passes ~10 times over the [~270–600, 8000] vocabulary logits forward and more backward, and the
// gradient of its row max (Equal of x against the broadcast max) alone took ~40% of a step. Here the forward is two
// passes per row (max; Σ exp(x − max) with the picked logit or the target dot product), the backward one.
//
// Every function works on a range of rows given by pointers already offset to its first row and a row count, and keeps
// no state across rows: rows can be split over threads, each running the same function on its range, with results bit
// for bit those of one call. Nothing is reduced over rows here; the caller sums the per-row losses in a fixed order.
//
// Per row r the forward keeps stats[3r .. 3r + 2] = (m, s, c) for the backward: m = max_j x_j, s = Σ_j e^(x_j − m),
// and c = 1 − Σ_j t_j, the weight of the max's own gradient. The stock formulation subtracts the max before the sum
// and differentiates through it: its gradient is (softmax − t − c·[x_j = m]) (ties all get it, as tfjs's Max gradient
// gives); c is 0 for a one-hot target, and 1 for an all-zero bag-of-words row (or a label out of range).
//
// Same rules as the other kernels: the module imports tfjs's memory and owns none (no data segments, no C stack).
// Build: npm run build:kernels (scripts/build-kernels.mjs).
#include "simd_math.h"

// The last count (< 4) floats of a row in lanes 0..count−1, `fill` in the others.
INLINE v128_t load_tail_fill(const float *p, int count, float fill) {
  v128_t v = wasm_f32x4_splat(fill);
  if (count > 0) v = wasm_f32x4_replace_lane(v, 0, p[0]);
  if (count > 1) v = wasm_f32x4_replace_lane(v, 1, p[1]);
  if (count > 2) v = wasm_f32x4_replace_lane(v, 2, p[2]);
  return v;
}

INLINE float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) + (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

INLINE float hmax(v128_t v) {
  const float a = wasm_f32x4_extract_lane(v, 0), b = wasm_f32x4_extract_lane(v, 1);
  const float c = wasm_f32x4_extract_lane(v, 2), d = wasm_f32x4_extract_lane(v, 3);
  const float ab = a > b ? a : b, cd = c > d ? c : d;
  return ab > cd ? ab : cd;
}

// ln x for a finite x > 0 (here s ≥ 1: the max term is e^0 = 1), Cephes logf: x = f·2^e with f in [√½, √2), a
// degree-8 polynomial in f − 1; ~1 ulp. No libm: the module may import nothing but memory.
INLINE float log_f(float x) {
  const int bits = wasm_i32x4_extract_lane(wasm_f32x4_splat(x), 0);
  int e = ((bits >> 23) & 0xff) - 126;
  float f = wasm_f32x4_extract_lane(wasm_i32x4_splat((bits & 0x007fffff) | 0x3f000000), 0); // in [0.5, 1)
  if (f < 0.707106781186547524f) {
    e -= 1;
    f = f + f - 1.0f;
  } else {
    f = f - 1.0f;
  }
  const float z = f * f;
  float y = 7.0376836292e-2f;
  y = y * f - 1.1514610310e-1f;
  y = y * f + 1.1676998740e-1f;
  y = y * f - 1.2420140846e-1f;
  y = y * f + 1.4249322787e-1f;
  y = y * f - 1.6668057665e-1f;
  y = y * f + 2.0000714765e-1f;
  y = y * f - 2.4999993993e-1f;
  y = y * f + 3.3333331174e-1f;
  y = y * f * z;
  const float fe = (float)e;
  y += -2.12194440e-4f * fe;
  y += -0.5f * z;
  return (f + y) + 0.693359375f * fe;
}

INLINE float row_max(const float *x, int classes) {
  v128_t m = wasm_f32x4_splat(-__builtin_inff());
  int j = 0;
  for (; j + 4 <= classes; j += 4) m = wasm_f32x4_max(m, wasm_v128_load(x + j));
  if (j < classes) m = wasm_f32x4_max(m, load_tail_fill(x + j, classes - j, -__builtin_inff()));
  return hmax(m);
}

// Σ_j e^(x_j − m) over a row (lanes past its end are −∞: e^−∞ = 0).
INLINE float row_sum_exp(const float *x, float m, int classes) {
  const v128_t mv = wasm_f32x4_splat(m);
  v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0;
  int j = 0;
  for (; j + 8 <= classes; j += 8) {
    s0 = wasm_f32x4_add(s0, exp4(wasm_f32x4_sub(wasm_v128_load(x + j), mv)));
    s1 = wasm_f32x4_add(s1, exp4(wasm_f32x4_sub(wasm_v128_load(x + j + 4), mv)));
  }
  if (j + 4 <= classes) {
    s0 = wasm_f32x4_add(s0, exp4(wasm_f32x4_sub(wasm_v128_load(x + j), mv)));
    j += 4;
  }
  if (j < classes) s1 = wasm_f32x4_add(s1, exp4(wasm_f32x4_sub(load_tail_fill(x + j, classes - j, -__builtin_inff()), mv)));
  return hsum(wasm_f32x4_add(s0, s1));
}

// loss[r] = ln s − (x[label] − m) for each row with a label in [0, classes); 0 for a label < 0 (ignored; stats zero).
// A label ≥ classes picks nothing (loss ln s, c = 1), as the stock one-hot of an out-of-range label is all zero.
void xent_labels_forward(const float *logits, const int *labels, float *loss, float *stats, int rows, int classes) {
  for (int r = 0; r < rows; r++) {
    const float *x = logits + r * classes;
    float *st = stats + 3 * r;
    const int label = labels[r];
    if (label < 0) {
      loss[r] = 0.0f;
      st[0] = st[1] = st[2] = 0.0f;
      continue;
    }
    const float m = row_max(x, classes);
    const float s = row_sum_exp(x, m, classes);
    const float picked = label < classes ? x[label] - m : 0.0f;
    loss[r] = log_f(s) - picked;
    st[0] = m;
    st[1] = s;
    st[2] = label < classes ? 0.0f : 1.0f;
  }
}

// loss[r] = ln s − Σ_j (x_j − m)·t_j for every row (targets [rows, classes], each row a distribution or all zero).
void xent_targets_forward(const float *logits, const float *targets, float *loss, float *stats, int rows, int classes) {
  for (int r = 0; r < rows; r++) {
    const float *x = logits + r * classes, *t = targets + r * classes;
    const float m = row_max(x, classes);
    const float s = row_sum_exp(x, m, classes);
    const v128_t mv = wasm_f32x4_splat(m);
    v128_t dot = wasm_f32x4_splat(0.0f), mass = dot;
    int j = 0;
    for (; j + 4 <= classes; j += 4) {
      const v128_t tv = wasm_v128_load(t + j);
      dot = wasm_f32x4_add(dot, wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + j), mv), tv));
      mass = wasm_f32x4_add(mass, tv);
    }
    if (j < classes) {
      const v128_t tv = load_tail(t + j, classes - j);
      dot = wasm_f32x4_add(dot, wasm_f32x4_mul(wasm_f32x4_sub(load_tail(x + j, classes - j), mv), tv));
      mass = wasm_f32x4_add(mass, tv);
    }
    loss[r] = log_f(s) - hsum(dot);
    float *st = stats + 3 * r;
    st[0] = m;
    st[1] = s;
    st[2] = 1.0f - hsum(mass);
  }
}

// d[j] = (e^(x_j − m)·(g/s) − g·t_j − g·c·[x_j = m]) for one row, g its gradient scale; t = 0: no target row (labels).
INLINE void row_backward(const float *x, const float *t, const float *st, float g, float *d, int classes) {
  const v128_t mv = wasm_f32x4_splat(st[0]), k = wasm_f32x4_splat(g / st[1]), gv = wasm_f32x4_splat(g);
  const v128_t gc = wasm_f32x4_splat(g * st[2]);
  const int max_term = st[2] != 0.0f;
  int j = 0;
  for (; j + 4 <= classes; j += 4) {
    const v128_t xv = wasm_v128_load(x + j);
    v128_t v = wasm_f32x4_mul(exp4(wasm_f32x4_sub(xv, mv)), k);
    if (t) v = wasm_f32x4_sub(v, wasm_f32x4_mul(gv, wasm_v128_load(t + j)));
    if (max_term) v = wasm_f32x4_sub(v, wasm_v128_and(gc, wasm_f32x4_eq(xv, mv)));
    wasm_v128_store(d + j, v);
  }
  if (j < classes) {
    const v128_t xv = load_tail(x + j, classes - j);
    v128_t v = wasm_f32x4_mul(exp4(wasm_f32x4_sub(xv, mv)), k);
    if (t) v = wasm_f32x4_sub(v, wasm_f32x4_mul(gv, load_tail(t + j, classes - j)));
    if (max_term) v = wasm_f32x4_sub(v, wasm_v128_and(gc, wasm_f32x4_eq(xv, mv)));
    store_tail(d + j, v, classes - j);
  }
}

// dlogits = (softmax(x) − onehot(label) − c·[x = m])·scale[0] for rows with a label ≥ 0, zero for ignored rows; stats
// from xent_labels_forward. scale[0] = the loss's gradient ÷ the number of labelled rows (a scalar in memory).
void xent_labels_backward(const float *logits, const int *labels, const float *stats, const float *scale, float *dlogits,
                          int rows, int classes) {
  const float g = scale[0];
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int r = 0; r < rows; r++) {
    float *d = dlogits + r * classes;
    const int label = labels[r];
    if (label < 0) {
      int j = 0;
      for (; j + 4 <= classes; j += 4) wasm_v128_store(d + j, zero);
      for (; j < classes; j++) d[j] = 0.0f;
      continue;
    }
    row_backward(logits + r * classes, 0, stats + 3 * r, g, d, classes);
    if (label < classes) d[label] -= g;
  }
}

// dlogits = (softmax(x) − t − c·[x = m])·scale[0] for every row; stats from xent_targets_forward.
void xent_targets_backward(const float *logits, const float *targets, const float *stats, const float *scale,
                           float *dlogits, int rows, int classes) {
  const float g = scale[0];
  for (int r = 0; r < rows; r++)
    row_backward(logits + r * classes, targets + r * classes, stats + 3 * r, g, dlogits + r * classes, classes);
}
