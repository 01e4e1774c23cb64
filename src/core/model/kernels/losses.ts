// Softmax cross-entropy as differentiable tfjs ops computed by losses.wasm (see losses.c) in tfjs's own heap:
// one call per direction instead of ~10 passes over the logits (and the slow broadcast Equal of the max's gradient).
// ops/pretrain choose them when they are available; the per-row losses are summed by tfjs (one Sum, in row order).
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { allocate, switchableKernel } from './loader';
import { runSplit } from './threadedKernels';

/**
 * The C functions of losses.c; every pointer is a byte offset in the memory, already offset to the first row of the
 * range (rows); stats is [rows, 3].
 */
export interface LossExports {
  xent_labels_forward(logits: number, labels: number, loss: number, stats: number, rows: number, classes: number): void;
  xent_targets_forward(logits: number, targets: number, loss: number, stats: number, rows: number, classes: number): void;
  xent_labels_backward(logits: number, labels: number, stats: number, scale: number, dlogits: number, rows: number, classes: number): void;
  xent_targets_backward(logits: number, targets: number, stats: number, scale: number, dlogits: number, rows: number, classes: number): void;
}

/** Beside this file in the source tree; beside the bundle in dist/ and dist/extension/ (scripts/build.mjs copies it). */
export const LOSSES_WASM = path.join(__dirname, 'losses.wasm');

/** Floats of per-row statistics the backward reads (max, Σ e^(x − max), weight of the max's gradient). */
export const STATS_PER_ROW = 3;

const kernel = switchableKernel<LossExports>(() => LOSSES_WASM, 'the loss kernels');

/** Tests and benchmarks: false makes callers use the stock tfjs formulation on wasm too. */
export const allowLossKernels = kernel.allow;

/** True when the fused losses can run now (wasm backend, binary found, not forbidden). */
export const useLossKernels = kernel.available;

/**
 * Mean over the rows whose label is ≥ 0 (−1 = ignore) of −log softmax(logits)[label]; 0 when no row has a label.
 * logits [rows, classes] float32, labels [rows] int32; the gradient flows to logits. Needs useLossKernels().
 */
export function fusedMaskedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  checkOperands(logits, labels, 'int32', [logits.shape[0]]);
  const labelledRows = () => tf.maximum(tf.sum(tf.cast(tf.greaterEqual(labels, 0), 'float32')), 1);
  return fusedCrossEntropy(logits, labels, {
    forward: 'xent_labels_forward',
    backward: 'xent_labels_backward',
    perRow: 1,
    mean: (loss) => tf.div(tf.sum(loss), labelledRows()) as tf.Scalar,
    scale: (dy) => tf.div(dy, labelledRows()),
  });
}

/**
 * Mean over all rows of the cross-entropy of softmax(logits) against each row's target distribution (targets
 * [rows, classes], rows summing to 1 or all zero), exactly as the stock formulation defines it (see losses.c).
 * Needs useLossKernels().
 */
export function fusedTargetCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  const [rows, classes] = logits.shape;
  checkOperands(logits, targets, 'float32', [rows, classes]);
  return fusedCrossEntropy(logits, targets, {
    forward: 'xent_targets_forward',
    backward: 'xent_targets_backward',
    perRow: classes,
    mean: (loss) => tf.mean(loss) as tf.Scalar,
    scale: (dy) => tf.div(dy, Math.max(rows, 1)),
  });
}

/** What tells the two forms apart: their functions, the values of `other` per row, and how the row losses average. */
interface CrossEntropyForm {
  forward: 'xent_labels_forward' | 'xent_targets_forward';
  backward: 'xent_labels_backward' | 'xent_targets_backward';
  perRow: number;
  /** The loss from the per-row losses [rows]. */
  mean(loss: tf.Tensor): tf.Scalar;
  /** The scale of each row's gradient (a scalar tensor, read by the kernel) from the loss's upstream gradient. */
  scale(dy: tf.Scalar): tf.Tensor;
}

/** The op both forms share: per-row losses and statistics forward, dlogits backward, by rows over the kernel threads. */
function fusedCrossEntropy(logits: tf.Tensor2D, other: tf.Tensor, form: CrossEntropyForm): tf.Scalar {
  const { backend, exports, at } = kernel.bound();
  const [rows, classes] = logits.shape;
  const f = tf.customGrad((x, save) => {
    const xt = x as tf.Tensor2D;
    const loss = allocate(backend, [rows]);
    const stats = allocate(backend, [rows, STATS_PER_ROW]);
    const [px, po, ploss, pstats] = [xt, other, loss, stats].map(at);
    byRows(rows, classes, exports, (r0, r1) => ({
      fn: form.forward,
      args: [px + r0 * classes * 4, po + r0 * form.perRow * 4, ploss + r0 * 4, pstats + r0 * STATS_PER_ROW * 4, r1 - r0, classes],
    }));
    (save as tf.GradSaveFunc)([xt, stats]);
    return {
      value: form.mean(loss),
      gradFunc: (dy, saved) => {
        const [xs, st] = saved;
        const scale = form.scale(dy as tf.Scalar);
        const dx = allocate(backend, [rows, classes]);
        const [px, po, pstats, pscale, pdx] = [xs, other, st, scale, dx].map(at);
        byRows(rows, classes, exports, (r0, r1) => ({
          fn: form.backward,
          args: [px + r0 * classes * 4, po + r0 * form.perRow * 4, pstats + r0 * STATS_PER_ROW * 4, pscale, pdx + r0 * classes * 4, r1 - r0, classes],
        }));
        return dx;
      },
    };
  }) as (x: tf.Tensor2D) => tf.Scalar;
  return f(logits);
}

/** Rows of the logits per thread when the pass is large enough to pay (threadedKernels.ts), else all on this thread. */
function byRows(rows: number, classes: number, exports: LossExports, task: (r0: number, r1: number) => { fn: keyof LossExports; args: number[] }): void {
  runSplit('losses', 'elementwise', rows * classes, rows, 1, exports, task);
}

/** The kernel reads raw memory: a wrong dtype or shape would be read as garbage, not refused by tfjs. */
function checkOperands(logits: tf.Tensor2D, other: tf.Tensor, dtype: tf.DataType, shape: number[]): void {
  if (logits.dtype !== 'float32') throw new Error(`cross-entropy logits must be float32, not ${logits.dtype}`);
  if (other.dtype !== dtype || other.shape.join() !== shape.join())
    throw new Error(
      `cross-entropy ${dtype === 'int32' ? 'labels' : 'targets'} must be ${dtype} [${shape.join(', ')}], not ${other.dtype} [${other.shape.join(', ')}]`,
    );
}
