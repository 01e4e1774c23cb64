// `adapter-lab generate <model> --prompt …`: text from a causal decoder, streamed to the terminal token by token.
// <model> is a Hugging Face GPT-2-family folder, a built-in decoder (`builtin:<name>`) or a run of causal-lm tasks
// (with `--setup` to steer by its attribute adapters); an encoder folder or a classification run is refused with what
// to give instead.
import * as fs from 'fs';
import * as path from 'path';
import type { BackendName } from '../common/runRecord';
import { type SamplingOptions, samplingProblem } from '../core/generate/sampling';
import { builtinModelDir } from '../core/io/builtinModels';
import { CheckpointError } from '../core/io/hfConfig';
import { readConfigJson } from '../core/io/hfGpt2Config';
import { readRun } from '../core/io/runStore';
import { isRunFolder } from '../core/io/runFolders';
import { SteeringError } from '../core/run/steered';
import { DecoderOpenError, type OpenedDecoder, openDecoder } from '../core/run/openDecoder';
import { AdapterLoadError } from '../core/adapters/load';
import { ExperimentInputError } from '../core/run/experiment';
import { isLanguageModelExperiment } from '../core/run/plan';
import type { ExperimentConfig } from '../core/config/types';
import { SafetensorsError } from '../core/io/safetensors';
import type { BaseSpec } from '../core/config/types';
import { selectBackend } from '../core/model/backend';
import { EXIT } from './exit';
import { RunNotFound, resolveRun, shownPath } from './findRuns';

export interface GenerateArgs extends SamplingOptions {
  prompt: string;
  setup?: string;
  mergeParameters?: boolean;
  maxTokens: number;
  seed: number;
  backend?: BackendName;
}

class NotADecoder extends Error {}

/** The decoder folder `target` names, or a NotADecoder / RunNotFound that says why not. */
export function decoderFolder(target: string, cwd = process.cwd()): string {
  if (target.startsWith('builtin:')) {
    const dir = builtinModelDir(target.slice('builtin:'.length));
    if (!dir) throw new NotADecoder(`no built-in model "${target}"`);
    return checkedDecoder(dir, target);
  }
  const asPath = path.resolve(cwd, target);
  if (fs.existsSync(path.join(asPath, 'config.json'))) return checkedDecoder(asPath, shownPath(asPath, cwd));
  const runDir = resolveRun(target, cwd);
  const snapshot = readRun(runDir).config as Partial<ExperimentConfig> | undefined;
  if (Array.isArray(snapshot?.tasks) && isLanguageModelExperiment({ tasks: snapshot.tasks })) return runDir;
  const base = (readRun(runDir).config as { base?: BaseSpec }).base;
  const baseName = base?.kind === 'builtin' ? `builtin:${base.name}` : base?.kind === 'path' ? base.path : 'a random encoder';
  throw new NotADecoder(
    `${shownPath(runDir, cwd)} is a classification run on an encoder (base ${baseName}): generate needs a causal decoder, a Hugging Face folder with model_type "gpt2"`,
  );
}

function checkedDecoder(dir: string, shown: string): string {
  const modelType = readConfigJson(dir).model_type;
  if (modelType !== 'gpt2')
    throw new NotADecoder(`${shown} holds ${JSON.stringify(modelType)}, an encoder: generate needs a causal decoder, a folder with model_type "gpt2"`);
  return dir;
}

export async function generateCommand(target: string, args: GenerateArgs): Promise<number> {
  const problem = samplingProblem(args);
  if (problem) return fail(problem);
  let opened: OpenedDecoder;
  try {
    const dir = decoderFolder(target);
    await selectBackend(args.backend ?? 'auto');
    opened = openDecoder(dir, args.setup, { mergeParameters: args.mergeParameters });
    if (isRunFolder(dir)) process.stderr.write(`${opened.description}\n`);
  } catch (e) {
    if (
      e instanceof NotADecoder ||
      e instanceof RunNotFound ||
      e instanceof CheckpointError ||
      e instanceof SafetensorsError ||
      e instanceof SteeringError ||
      e instanceof DecoderOpenError ||
      e instanceof AdapterLoadError ||
      e instanceof ExperimentInputError
    )
      return fail(e.message);
    throw e;
  }
  try {
    const pieces = opened.stream(args.prompt, args);
    const started = performance.now();
    let count = 0;
    let first = true;
    for (;;) {
      let next: IteratorResult<string>;
      try {
        next = pieces.next();
      } catch (e) {
        if (first && e instanceof DecoderOpenError) return fail(e.message); // the prompt does not fit
        throw e;
      }
      if (first) process.stdout.write(args.prompt);
      first = false;
      if (next.done) break;
      count++;
      process.stdout.write(next.value);
    }
    const ms = performance.now() - started;
    process.stdout.write('\n');
    process.stderr.write(`${count} tokens in ${(ms / 1000).toFixed(2)} s (${(ms / Math.max(count, 1)).toFixed(1)} ms/token)\n`);
    return EXIT.ok;
  } finally {
    opened.dispose();
  }
}

function fail(message: string): number {
  console.error(`adapter-lab generate: ${message}`);
  return EXIT.badInput;
}
