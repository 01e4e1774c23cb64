// AdamW with global-norm clipping computed by optimizer.wasm (see optimizer.c) in tfjs's own heap: one kernel call
// per trained tensor instead of ~14 tfjs ops. train/adamw.ts uses it when it is available.
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import { address, allocate, kernelInTfjsHeap } from './loader';
import { runSplit } from './threadedKernels';

/** The C functions of optimizer.c; every pointer is a byte offset in the shared memory. */
export interface OptimizerExports {
  sum_squares(g: number, n: number): number;
  adamw_update(
    p: number,
    grad: number,
    m: number,
    v: number,
    pOut: number,
    mOut: number,
    vOut: number,
    n: number,
    scale: number,
    lr: number,
    beta1: number,
    oneBeta1: number,
    beta2: number,
    oneBeta2: number,
    c1: number,
    c2: number,
    eps: number,
    decay: number,
  ): void;
}

/** Beside this file in the source tree; beside the bundle in dist/ and dist/extension/ (scripts/build.mjs copies it). */
export const OPTIMIZER_WASM = path.join(__dirname, 'optimizer.wasm');

/** The kernel bound to tfjs's heap, or null off wasm. */
export function optimizerKernel() {
  const k = kernelInTfjsHeap<OptimizerExports>(OPTIMIZER_WASM);
  if (!k) return null;
  const at = (t: tf.Tensor) => address(k.backend, t);
  return {
    /** Σ g² over all the given tensors (float32 sums per tensor, added in double). */
    sumOfSquares: (grads: tf.Tensor[]) => grads.reduce((s, g) => s + k.exports.sum_squares(at(g), g.size), 0),
    /** New parameter, first and second moment tensors after one AdamW step (inputs unchanged); large ones split over the kernel threads. */
    update(p: tf.Tensor, grad: tf.Tensor, m: tf.Tensor, v: tf.Tensor, c: AdamWConstants): [tf.Tensor, tf.Tensor, tf.Tensor] {
      const out = [p, m, v].map((t) => allocate(k.backend, t.shape)) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const pointers = [p, grad, m, v, ...out].map(at);
      runSplit('optimizer', 'elementwise', p.size, p.size, 4, k.exports, (i0, i1) => ({
        fn: 'adamw_update',
        args: [...pointers.map((a) => a + i0 * 4), i1 - i0, ...constants(c)],
      }));
      return out;
    },
  };
}

/** adamw_update's constants, after its pointers and count. */
function constants(c: AdamWConstants): number[] {
  return [c.scale, c.learningRate, c.beta1, 1 - c.beta1, c.beta2, 1 - c.beta2, c.correction1, c.correction2, c.epsilon, c.decay];
}

export interface AdamWConstants {
  scale: number; // gradient clipping factor, 1 = none
  learningRate: number;
  beta1: number;
  beta2: number;
  correction1: number; // 1 − β1^t
  correction2: number;
  epsilon: number;
  decay: number; // learning rate × weight decay, 0 for no decay
}
