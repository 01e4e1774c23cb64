// A small decoder base for causal-lm tests: a byte-level BPE vocabulary trained on the reviews, random GPT-2
// weights (2 layers × 16, matrices scaled up), written as a Hugging Face GPT-2 folder, and an experiment config of causal-lm tasks on it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadRows } from '../../src/core/data/load';
import { bpeTokenizerOf, trainByteLevelBpe } from '../../src/core/data/bpeTrainer';
import { writeGpt2Checkpoint } from '../../src/core/io/hfGpt2';
import { type Gpt2Config, initGpt2Weights } from '../../src/core/model/gpt2';

export function smallDecoderFolder(dir: string): string {
  const texts = loadRows({ kind: 'builtin', name: 'reviews' }).rows.map((r) => r.text);
  const tokenizer = bpeTokenizerOf(trainByteLevelBpe(texts, 400));
  const config: Gpt2Config = {
    hiddenSize: 16,
    layers: 2,
    heads: 2,
    intermediateSize: 32,
    vocabSize: tokenizer.vocabSize,
    maxPositions: 48,
    layerNormEps: 1e-5,
    activation: 'gelu_new',
    eosTokenId: tokenizer.endOfTextId,
  };
  const out = path.join(dir, 'decoder');
  // GPT-2's init (std 0.02) leaves the tied head's logits near 0 at this width: scaled up, an adapter can move them.
  const values = initGpt2Weights(config, 3);
  for (const v of values.values()) if (v.shape.length === 2) v.data = v.data.map((x) => x * 10);
  writeGpt2Checkpoint(out, config, values, tokenizer);
  return out;
}

/** An experiment of causal-lm tasks on that decoder; `extra` is spliced into the config's object. */
export function lmConfigFile(extra = ''): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lm-'));
  smallDecoderFolder(dir);
  const file = path.join(dir, 'steer.adapterlab.json');
  fs.writeFileSync(
    file,
    `{
  "name": "steer",
  "base": { "path": "decoder" },
  "data": { "builtin": "reviews" },
  "tasks": {
    "positive": { "objective": "causal-lm", "field": "sentiment", "value": "positive" },
    "restaurant": { "objective": "causal-lm", "field": "domain", "value": "restaurant" }
  },
  "adapters": {
    "positive": { "method": "lora", "task": "positive", "r": 4, "alpha": 8 },
    "restaurant": { "method": "pfeiffer", "task": "restaurant", "reductionFactor": 2 }
  },
  "train": { "batchSize": 16, "maxLength": 40, "adapter": { "learningRate": 0.01, "epochs": 2 }, "full": { "learningRate": 0.003, "epochs": 1 } }${extra}
}
`,
  );
  return { dir, file };
}
