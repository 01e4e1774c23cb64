// AdamW (Loshchilov & Hutter 2019) with decoupled weight decay, as torch.optim.AdamW, and global-norm clipping.
// Only the variables given get optimiser state: frozen weights cost no memory here.
import * as tf from '@tensorflow/tfjs';
import { optimizerKernel } from '../model/kernels/optimizer';

export interface OptimizedVariable {
  name: string;
  variable: tf.Variable;
  decay: boolean; // HF convention: no weight decay on biases and LayerNorm weights
}

export function decays(name: string): boolean {
  // GPT-2 names its LayerNorms ln_1, ln_2 and ln_f.
  return !name.endsWith('.bias') && !name.includes('LayerNorm') && !/\.ln_(\d+|f)\./.test(name);
}

export class AdamW {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;

  constructor(
    readonly params: OptimizedVariable[],
    readonly weightDecay: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    this.m = params.map((p) => tf.variable(tf.zerosLike(p.variable), false));
    this.v = params.map((p) => tf.variable(tf.zerosLike(p.variable), false));
  }

  /** One update with gradients aligned to `params`; a null gradient leaves its variable (and moments) as they are, as in PyTorch. */
  step(grads: (tf.Tensor | null)[], learningRate: number): void {
    this.t++;
    const correction1 = 1 - this.beta1 ** this.t;
    const correction2 = 1 - this.beta2 ** this.t;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = grads[i];
        if (!g) return;
        const m = tf.add(tf.mul(this.m[i], this.beta1), tf.mul(g, 1 - this.beta1));
        const v = tf.add(tf.mul(this.v[i], this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        this.m[i].assign(m);
        this.v[i].assign(v);
        const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), this.epsilon));
        let next = tf.sub(p.variable, tf.mul(update, learningRate));
        if (p.decay && this.weightDecay > 0) next = tf.sub(next, tf.mul(p.variable, learningRate * this.weightDecay));
        p.variable.assign(next);
      });
    });
  }

  /**
   * Clips the gradients to a global L2 norm of at most `maxNorm` (≤ 0: no clipping) and takes one step; returns the
   * norm before clipping. On wasm one kernel call per tensor (kernels/optimizer.c), else `clipByGlobalNorm` + `step`.
   */
  clipAndStep(grads: (tf.Tensor | null)[], maxNorm: number, learningRate: number): number {
    const kernel = optimizerKernel();
    if (!kernel) {
      const { clipped, norm } = clipByGlobalNorm(grads, maxNorm);
      this.step(clipped, learningRate);
      if (clipped !== grads) tf.dispose(clipped.filter((g): g is tf.Tensor => g !== null));
      return norm;
    }
    const norm = Math.sqrt(kernel.sumOfSquares(grads.filter((g): g is tf.Tensor => g !== null)));
    const scale = maxNorm > 0 && Number.isFinite(norm) && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
    this.t++;
    const constants = {
      scale,
      learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      correction1: 1 - this.beta1 ** this.t,
      correction2: 1 - this.beta2 ** this.t,
      epsilon: this.epsilon,
    };
    this.params.forEach((p, i) => {
      const g = grads[i];
      if (!g) return;
      const decay = p.decay && this.weightDecay > 0 ? learningRate * this.weightDecay : 0;
      const next = kernel.update(p.variable, g, this.m[i], this.v[i], { ...constants, decay });
      p.variable.assign(next[0]);
      this.m[i].assign(next[1]);
      this.v[i].assign(next[2]);
      tf.dispose(next);
    });
    return norm;
  }

  /** Step count and both moments, to checkpoint and resume a long run. */
  exportState(): { step: number; m: Float32Array[]; v: Float32Array[] } {
    return { step: this.t, m: this.m.map((t) => t.dataSync() as Float32Array), v: this.v.map((t) => t.dataSync() as Float32Array) };
  }

  importState(state: { step: number; m: Float32Array[]; v: Float32Array[] }): void {
    if (state.m.length !== this.m.length) throw new Error(`optimiser state has ${state.m.length} moments, expected ${this.m.length}`);
    this.t = state.step;
    tf.tidy(() => {
      this.m.forEach((t, i) => t.assign(tf.tensor(state.m[i], t.shape)));
      this.v.forEach((t, i) => t.assign(tf.tensor(state.v[i], t.shape)));
    });
  }

  /** Number of scalars of optimiser state (two moments per trained parameter). */
  stateSize(): number {
    return this.m.reduce((n, t) => n + t.size, 0) * 2;
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

/** Scales gradients so their global L2 norm is at most maxNorm; returns the clipped tensors and the norm before. */
export function clipByGlobalNorm<T extends tf.Tensor | null>(grads: T[], maxNorm: number): { clipped: T[]; norm: number } {
  const present = grads.filter((g): g is NonNullable<T> => g !== null);
  const normTensor = tf.tidy(() => (present.length ? tf.sqrt(tf.addN(present.map((g) => tf.sum(tf.square(g))))) : tf.scalar(0)));
  const norm = normTensor.dataSync()[0];
  normTensor.dispose();
  if (!(maxNorm > 0) || !Number.isFinite(norm) || norm <= maxNorm) return { clipped: grads, norm };
  const scale = maxNorm / (norm + 1e-6);
  return { clipped: grads.map((g) => (g === null ? g : tf.mul(g, scale))) as T[], norm };
}
