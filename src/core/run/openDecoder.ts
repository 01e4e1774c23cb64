// A causal decoder opened for generation: a Hugging Face GPT-2-family folder, a built-in decoder (`builtin:<name>`)
// or a run of a causal-lm experiment with a steering setup ("Stack(restaurant, positive)", src/core/run/steered.ts),
// with its tokenizer, ready to stream text. The CLI's `generate` and the Playground's inference worker use it.
import * as fs from 'fs';
import * as path from 'path';
import { builtinModelDir } from '../io/builtinModels';
import { loadGpt2Checkpoint } from '../io/hfGpt2';
import { readConfigJson } from '../io/hfGpt2Config';
import { Gpt2Decoder } from '../model/gpt2';
import { Weights } from '../model/weights';
import { type SteeredDecoder, type SteeringOptions, openSteeredDecoder } from './steered';
import type { SamplingOptions } from '../generate/sampling';
import { TextStream, generateTokens, promptProblem } from '../generate/generate';

export class DecoderOpenError extends Error {}

export interface OpenedDecoder extends SteeredDecoder {
  /** The folder or run it was read from. */
  dir: string;
  /** Text pieces as they are drawn (a piece may be empty while a UTF-8 character is incomplete). */
  stream(prompt: string, options: SamplingOptions & { maxTokens: number; seed: number }): Generator<string>;
}

/** `target`: a folder with a GPT-2 config.json, `builtin:<name>`, or a run folder of a causal-lm experiment. */
export function openDecoder(target: string, setup?: string, opts: SteeringOptions = {}): OpenedDecoder {
  const opened = fs.existsSync(path.join(target, 'run.json')) ? openSteeredDecoder(target, setup, opts) : modelFolder(target, setup);
  const { decoder, tokenizer } = opened;
  const eos = decoder.config.eosTokenId ?? tokenizer.endOfTextId;
  return {
    ...opened,
    dir: target,
    *stream(prompt, options) {
      // An empty prompt starts from the end-of-text token, as GPT-2 was trained to begin a document.
      const ids = prompt === '' && eos !== null ? [eos] : tokenizer.encode(prompt);
      const problem = promptProblem(ids.length, decoder.config.maxPositions);
      if (problem) throw new DecoderOpenError(problem);
      const text = new TextStream((t) => tokenizer.decode(t));
      for (const id of generateTokens(decoder, ids, { ...options, stopId: eos, adapters: opened.adapters })) {
        if (id !== eos) yield text.push(id);
      }
    },
  };
}

function modelFolder(target: string, setup: string | undefined): SteeredDecoder {
  if (setup !== undefined)
    throw new DecoderOpenError(
      `a setup ("${setup}") composes the attribute adapters of a run of causal-lm tasks; ${target} is a model folder: open one of those runs`,
    );
  const loaded = loadGpt2Checkpoint(decoderDir(target));
  const decoder = new Gpt2Decoder(loaded.config, new Weights(loaded.values));
  return { decoder, tokenizer: loaded.tokenizer, description: target, trainableParams: 0, dispose: () => decoder.weights.dispose() };
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
