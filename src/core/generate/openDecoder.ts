// A causal decoder opened for generation: a Hugging Face GPT-2-family folder or a built-in decoder (`builtin:<name>`),
// with its tokenizer, ready to stream text. `setup` (steering adapters, "Stack(restaurant, positive)") is refused
// for now: the steering runs that would provide it are not there yet.
import * as fs from 'fs';
import * as path from 'path';
import { builtinModelDir } from '../io/builtinModels';
import { loadGpt2Checkpoint } from '../io/hfGpt2';
import { readConfigJson } from '../io/hfGpt2Config';
import { Gpt2Decoder } from '../model/gpt2';
import { Weights } from '../model/weights';
import type { SamplingOptions } from './sampling';
import { TextStream, generateTokens, promptProblem } from './generate';

export class DecoderOpenError extends Error {}

export interface OpenedDecoder {
  decoder: Gpt2Decoder;
  /** The folder it was read from. */
  dir: string;
  /** Text pieces as they are drawn (a piece may be empty while a UTF-8 character is incomplete). */
  stream(prompt: string, options: SamplingOptions & { maxTokens: number; seed: number }): Generator<string>;
  dispose(): void;
}

/** `target`: a folder with a GPT-2 config.json, or `builtin:<name>`. */
export function openDecoder(target: string, setup?: string): OpenedDecoder {
  if (setup !== undefined)
    throw new DecoderOpenError(
      `steering setups ("${setup}") are not supported yet: open the decoder without a setup; attribute adapters for generation will plug in here`,
    );
  const dir = decoderDir(target);
  const loaded = loadGpt2Checkpoint(dir);
  const { config, tokenizer } = loaded;
  const decoder = new Gpt2Decoder(config, new Weights(loaded.values));
  const eos = config.eosTokenId ?? tokenizer.endOfTextId;
  return {
    decoder,
    dir,
    *stream(prompt, options) {
      // An empty prompt starts from the end-of-text token, as GPT-2 was trained to begin a document.
      const ids = prompt === '' && eos !== null ? [eos] : tokenizer.encode(prompt);
      const problem = promptProblem(ids.length, config.maxPositions);
      if (problem) throw new DecoderOpenError(problem);
      const text = new TextStream((t) => tokenizer.decode(t));
      for (const id of generateTokens(decoder, ids, { ...options, stopId: eos })) {
        if (id !== eos) yield text.push(id);
      }
    },
    dispose: () => decoder.weights.dispose(),
  };
}

function decoderDir(target: string): string {
  const dir = target.startsWith('builtin:') ? builtinModelDir(target.slice('builtin:'.length)) : path.resolve(target);
  if (!dir || !fs.existsSync(path.join(dir, 'config.json')))
    throw new DecoderOpenError(`${target}: no decoder there (a folder with config.json, or builtin:<name>)`);
  const modelType = readConfigJson(dir).model_type;
  if (modelType !== 'gpt2')
    throw new DecoderOpenError(`${target} holds ${JSON.stringify(modelType)}, an encoder: generation needs a folder with model_type "gpt2"`);
  return dir;
}
