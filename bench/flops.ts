// Useful FLOPs of a forward pass or a training step, counted analytically: 2·m·n·k per matrix product (dense layers,
// attention's QKᵀ and P·V, adapters, head); element-wise work is left out. A backward pass needs input gradients
// only above the lowest trained weight and weight gradients only for trained weights, as tfjs's pruned tape does.
// Products are listed so that nothing independent of a trained weight follows one (LoRA after all three projections).
import { LORA_DEFAULTS as DEFAULT_LORA } from '../src/core/adapters/methods/lowRank';
import { type BenchMethod, type BenchModel, bottleneck } from './models';

export type Workload = { kind: 'forward'; adapter: BenchMethod | null } | { kind: 'train'; adapter: BenchMethod | null; trainBase: boolean };

interface Product {
  flops: number; // forward
  trained: boolean; // has a trained weight
  operands: 1 | 2; // inputs that need a gradient when anything below is trained: 1 (dense), 2 (attention products)
}

function products(model: BenchModel, workload: Workload): Product[] {
  const { hiddenSize: d, intermediateSize: f, layers } = model.config;
  const n = model.batch * model.length;
  const full = workload.kind === 'train' && workload.trainBase;
  const dense = (inputs: number, outputs: number, rows: number, trained: boolean): Product => ({ flops: 2 * rows * inputs * outputs, trained, operands: 1 });
  const lowRank = (inner: number, present: boolean): Product[] => (present ? [dense(d, inner, n, true), dense(inner, d, n, true)] : []);
  const bottleneckAt = (present: boolean) => lowRank(bottleneck(model), present);
  const lora = workload.adapter === 'lora';
  const list: Product[] = [];
  for (let i = 0; i < layers; i++) {
    list.push(dense(d, d, n, full), dense(d, d, n, full), dense(d, d, n, full)); // query, key, value
    list.push(...lowRank(DEFAULT_LORA.r, lora), ...lowRank(DEFAULT_LORA.r, lora)); // LoRA beside query and value
    list.push({ flops: 2 * 2 * n * model.length * d, trained: false, operands: 2 }); // QKᵀ and P·V over all heads
    list.push(dense(d, d, n, full), ...bottleneckAt(workload.adapter === 'houlsby'));
    list.push(dense(d, f, n, full), dense(f, d, n, full), ...bottleneckAt(workload.adapter === 'houlsby' || workload.adapter === 'pfeiffer'));
  }
  list.push(dense(d, d, model.batch, true), dense(d, model.labels, model.batch, true)); // head
  return list;
}

export function countFlops(model: BenchModel, workload: Workload): number {
  const list = products(model, workload);
  const forward = list.reduce((s, p) => s + p.flops, 0);
  if (workload.kind === 'forward') return forward;
  let backward = 0;
  let trainedBelow = workload.trainBase; // the embeddings
  for (const p of list) {
    if (trainedBelow) backward += p.operands * p.flops;
    if (p.trained) backward += p.flops;
    trainedBelow ||= p.trained;
  }
  return forward + backward;
}
