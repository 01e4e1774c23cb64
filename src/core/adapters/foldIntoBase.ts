// Merged inference: a LoRA, IA³ or ARC adapter folded into a copy of the frozen base weights and saved as a Hugging
// Face folder of the base's family (config.json, model.safetensors, tokenizer.json), which any config can name as
// "base": { "path": … }. The adapter then costs nothing at inference; the base it came from is left alone.
import * as path from 'path';
import type { SentenceTokenizer } from '../data/hfTokenizer';
import { saveEncoderModel } from '../io/adapterhub';
import { writeJsonAtomic } from '../io/atomic';
import type { BertConfig } from '../model/shapes';
import { Weights } from '../model/weights';
import type { AdapterModule } from './modules/module';
import { isMergeable } from './modules/index';

type Values = Map<string, { shape: number[]; data: Float32Array }>;

export class NotMergeableError extends Error {}

/** The file beside the weights that says which adapter they hold. */
export const MERGED_ADAPTER_FILE = 'merged_adapter.json';

/** The base weights with the adapter merged in (a new map). */
export function mergedBaseValues(module: AdapterModule, base: Values): Values {
  if (!isMergeable(module)) {
    throw new NotMergeableError(
      `adapter "${module.name}" (${module.method}) is not a linear change of the frozen weights, so it cannot be merged into them; lora, ia3 and arc adapters can (train one of those, or keep this adapter unmerged)`,
    );
  }
  return module.mergedInto(base);
}

/** Writes the merged model as a Hugging Face folder of its family, with a note of where it came from. */
export function saveMergedBase(dir: string, config: BertConfig, values: Values, tokenizer: SentenceTokenizer, origin: Record<string, unknown>): void {
  const weights = new Weights(values);
  try {
    saveEncoderModel(dir, config, weights);
  } finally {
    weights.dispose();
  }
  writeJsonAtomic(path.join(dir, 'tokenizer.json'), tokenizer.json);
  writeJsonAtomic(path.join(dir, MERGED_ADAPTER_FILE), origin);
}
