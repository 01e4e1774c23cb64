// `*.pretrain.json`: how a base model is pre-trained (shape, corpora, objectives with loss weights, schedule, output).
// Validated with the JSON Schema in schemas/pretrain.schema.json; errors carry file:line:column like experiment configs.
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import type { ConfigProblem, EncoderShape } from '../config/types';
import { DEFAULT_SHAPE } from '../config/defaults';
import { parseJsonc, rangeAt, rangeOfPath, valueOf } from '../config/parse';
import schema from '../../../schemas/pretrain.schema.json';

export type ObjectiveName = 'mlm' | 'pos' | 'polarity' | 'genre';
export type CorpusName = 'brown' | 'reviews-train';

export interface PretrainConfig {
  file: string;
  name: string;
  output: string; // absolute: the Hugging Face folder written at the end
  shape: EncoderShape;
  corpora: CorpusName[];
  objectives: Partial<Record<ObjectiveName, { weight: number }>>;
  steps: number;
  batchSize: number;
  maxLength: number;
  learningRate: number;
  warmupSteps: number;
  weightDecay: number;
  maxGradNorm: number;
  dropout: number;
  maskProbability: number;
  heldOut: number; // share of each corpus kept for held-out accuracy
  evalEvery: number;
  checkpointEvery: number;
  logEvery: number;
  seed: number;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  runsDir: string;
}

const DEFAULTS = {
  corpora: ['brown', 'reviews-train'] as CorpusName[],
  objectives: { mlm: { weight: 1 }, pos: { weight: 1 }, polarity: { weight: 1 }, genre: { weight: 0.3 } },
  steps: 6000,
  batchSize: 64,
  maxLength: 64,
  learningRate: 5e-4,
  warmupSteps: 300,
  weightDecay: 0.01,
  maxGradNorm: 1,
  dropout: 0.1,
  maskProbability: 0.15,
  heldOut: 0.02,
  evalEvery: 500,
  checkpointEvery: 250,
  logEvery: 25,
  seed: 7,
  backend: 'auto' as const,
  runsDir: '.adapterlab/runs',
};

const validate = new Ajv({ allErrors: true }).compile(schema);

export function loadPretrainConfig(file: string): { config?: PretrainConfig; problems: ConfigProblem[] } {
  const absFile = path.resolve(file);
  const text = fs.readFileSync(absFile, 'utf8').replace(/^\uFEFF/, '');
  const doc = parseJsonc(text);
  const problem = (range: ConfigProblem['range'], message: string, at: (string | number)[], code: string): ConfigProblem => ({ file: absFile, range, severity: 'error', message, path: at, code });
  const problems = doc.syntaxErrors.map((e) => problem(rangeAt(doc, e.offset, e.length), e.message, [], 'syntax-error'));
  if (problems.length) return { problems };
  const raw = valueOf(doc) as Record<string, unknown>;
  if (!validate(raw)) {
    for (const e of validate.errors ?? []) {
      const at = e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
      const extra = e.keyword === 'additionalProperties' ? `: "${(e.params as { additionalProperty: string }).additionalProperty}"` : e.keyword === 'enum' ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : '';
      const key = e.keyword === 'additionalProperties' ? [...at, (e.params as { additionalProperty: string }).additionalProperty] : at;
      problems.push(problem(rangeOfPath(doc, key, e.keyword === 'additionalProperties' ? 'key' : 'value'), `${e.instancePath || 'config'} ${e.message}${extra}`, key, e.keyword));
    }
    return { problems };
  }
  const r = raw as Partial<PretrainConfig> & { shape?: Partial<EncoderShape>; output: string };
  const dir = path.dirname(absFile);
  const shape = { ...DEFAULT_SHAPE, ...r.shape };
  if (shape.hiddenSize % shape.heads !== 0) {
    problems.push(problem(rangeOfPath(doc, ['shape', 'heads']), `hiddenSize ${shape.hiddenSize} must be divisible by heads ${shape.heads}`, ['shape', 'heads'], 'heads-not-divisor'));
    return { problems };
  }
  const config: PretrainConfig = {
    ...DEFAULTS,
    ...(r as object),
    file: absFile,
    name: path.basename(absFile).replace(/\.pretrain\.json$/, '').replace(/\.json$/, ''),
    shape,
    output: path.resolve(dir, r.output),
    runsDir: path.resolve(dir, r.runsDir ?? DEFAULTS.runsDir),
  } as PretrainConfig;
  return { config, problems };
}
