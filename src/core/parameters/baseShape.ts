// The shape of an experiment's base model, from the config alone (random) or from the config.json of a built-in or
// local Hugging Face model: enough to count parameters without loading weights or TensorFlow.js.
import type { BaseSpec } from '../config/types';
import { BUILTIN_MODELS, builtinModelDir } from '../io/builtinModels';
import { readBertConfig } from '../io/hfConfig';
import { readConfigJson, readGpt2Config } from '../io/hfGpt2Config';
import type { BertConfig } from '../model/shapes';

export interface BaseShape {
  config: BertConfig;
  description: string; // for people: "built-in lab-base", "random init", "models/bert-mini"
}

/** Throws with a message naming the missing model or the bad config.json. */
export function baseShapeOf(base: BaseSpec): BaseShape {
  if (base.kind === 'random') return { config: { ...base.shape, typeVocabSize: 2, layerNormEps: 1e-12 }, description: 'random init' };
  if (base.kind === 'path') {
    const config = readShape(base.path);
    return { config, description: config.modelType ? `${base.path} (${config.modelType})` : base.path };
  }
  const dir = builtinModelDir(base.name);
  if (!dir) throw new Error(`no built-in base "${base.name}"; built-in bases: ${BUILTIN_MODELS.join(', ')}`);
  return { config: readShape(dir), description: `built-in ${base.name}` };
}

/** An encoder's config, or a GPT-2 decoder's dimensions in the same form (modelType "gpt2": the same adapter sites). */
function readShape(dir: string): BertConfig {
  if (readConfigJson(dir).model_type !== 'gpt2') return readBertConfig(dir);
  let c;
  try {
    c = readGpt2Config(dir);
  } catch {
    return readBertConfig(dir); // not a usable decoder either: the encoder reader's message names the model type
  }
  const { hiddenSize, layers, heads, intermediateSize, vocabSize, maxPositions, layerNormEps } = c;
  return { hiddenSize, layers, heads, intermediateSize, vocabSize, maxPositions, layerNormEps, typeVocabSize: 0, modelType: 'gpt2' };
}
