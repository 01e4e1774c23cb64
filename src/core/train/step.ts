// One optimiser step, shared by fine-tuning and pre-training: gradients of the total loss for the trained variables
// only, a NaN/Inf check before anything is updated, global-norm clipping, AdamW.
import * as tf from '@tensorflow/tfjs';
import type { AdamW } from './adamw';

export type StepResult = { diverged: false; loss: number; parts: Record<string, number>; gradNorm: number } | { diverged: true; loss: number };

/** `losses` returns the total to minimise and its named parts (for logging); nothing is updated if the total is not finite. */
export function optimizerStep(
  losses: () => { total: tf.Scalar; parts: Record<string, tf.Scalar> },
  variables: tf.Variable[],
  optimizer: AdamW,
  maxGradNorm: number,
  learningRate: number,
): StepResult {
  let kept: Record<string, tf.Scalar> = {};
  const { value, grads } = tf.variableGrads(() => {
    const { total, parts } = losses();
    kept = Object.fromEntries(Object.entries(parts).map(([name, l]) => [name, tf.keep(l)]));
    return total;
  }, variables);
  const loss = value.dataSync()[0];
  const parts = Object.fromEntries(Object.entries(kept).map(([name, l]) => [name, l.dataSync()[0]]));
  tf.dispose([value, ...Object.values(kept)]);
  if (!Number.isFinite(loss)) {
    tf.dispose(Object.values(grads));
    return { diverged: true, loss };
  }
  // A weight the pass did not use (an adapter layer AdapterDrop skipped) has no gradient and is not updated.
  const gradList = variables.map((v) => grads[v.name] ?? null);
  const norm = optimizer.clipAndStep(gradList, maxGradNorm, learningRate);
  tf.dispose(gradList.filter((g): g is tf.Tensor => g !== null));
  return { diverged: false, loss, parts, gradNorm: norm };
}
