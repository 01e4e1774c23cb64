// Named weights of a model part (base, adapter, head): tf.Variables keyed by their Hugging Face / AdapterHub names.
import * as tf from '@tensorflow/tfjs';

/** True for the weights HF stores as a Linear [out, in] (transposed on import and export). */
export function isLinearWeight(name: string, shape: readonly number[]): boolean {
  return shape.length === 2 && name.endsWith('.weight') && !name.includes('embeddings.');
}

let nextVariableId = 0;

export class Weights {
  private readonly variables = new Map<string, tf.Variable>();

  constructor(values: Map<string, { shape: number[]; data: Float32Array }> = new Map()) {
    for (const [name, { shape, data }] of values) this.set(name, shape, data);
  }

  set(name: string, shape: number[], data: Float32Array): void {
    this.variables.get(name)?.dispose();
    // tfjs needs globally unique variable names; several models may hold the same HF name.
    const initial = tf.tensor(data, shape, 'float32');
    this.variables.set(name, tf.variable(initial, true, `${name}#${nextVariableId++}`));
    initial.dispose();
  }

  get(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(`model has no weight "${name}"`);
    return v;
  }

  has(name: string): boolean {
    return this.variables.has(name);
  }

  names(): string[] {
    return [...this.variables.keys()];
  }

  entries(): [string, tf.Variable][] {
    return [...this.variables.entries()];
  }

  /** Number of scalar parameters. */
  size(): number {
    let n = 0;
    for (const v of this.variables.values()) n += v.size;
    return n;
  }

  /** Copies of the current values, e.g. to keep the best checkpoint or to write a file. */
  snapshot(): Map<string, { shape: number[]; data: Float32Array }> {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, v] of this.variables) out.set(name, { shape: [...v.shape], data: v.dataSync() as Float32Array });
    return out;
  }

  restore(values: Map<string, { data: Float32Array }>): void {
    for (const [name, { data }] of values) {
      const v = this.get(name);
      tf.tidy(() => v.assign(tf.tensor(data, v.shape, 'float32')));
    }
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}
