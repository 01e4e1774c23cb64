// `*.pretrain.json`: how a base model is pre-trained (shape, corpora, objectives with loss weights, schedule, output).
// Validated with the JSON Schema in schemas/pretrain.schema.json, then cross-checked (./checks: objectives name listed
// corpora, files exist); errors carry file:line:column like experiment configs.
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import type { ConfigProblem, EncoderShape } from '../config/types';
import { crossCheckProblems } from './checks';
import { BUILTIN_OBJECTIVES, type CorpusSpec, type PretrainConfig, isBuiltinObjective, isUserCorpus } from './spec';

export type { PretrainConfig } from './spec';
import { DEFAULT_SHAPE } from '../config/defaults';
import { parseJsonc, rangeAt, rangeOfPath, valueOf } from '../config/parse';
import schema from '../../../schemas/pretrain.schema.json';
import { fsErrorReason } from '../io/fsErrors';

const DEFAULTS = {
  corpora: ['brown', 'reviews-train'] as CorpusSpec[],
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
  let text: string;
  try {
    text = fs.readFileSync(absFile, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    const range = { offset: 0, length: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };
    return { problems: [{ file: absFile, range, severity: 'error', message: `cannot read config: ${fsErrorReason(e)}`, path: [], code: 'unreadable-file' }] };
  }
  const doc = parseJsonc(text);
  const problem = (range: ConfigProblem['range'], message: string, at: (string | number)[], code: string): ConfigProblem => ({
    file: absFile,
    range,
    severity: 'error',
    message,
    path: at,
    code,
  });
  const problems = doc.syntaxErrors.map((e) => problem(rangeAt(doc, e.offset, e.length), e.message, [], 'syntax-error'));
  if (problems.length) return { problems };
  const raw = valueOf(doc) as Record<string, unknown>;
  if (!validate(raw)) {
    const misnamed = new Set<string>();
    // An "if" error only repeats that its then/else branch failed; that branch's own errors say how.
    for (const e of (validate.errors ?? []).filter((error) => error.keyword !== 'if')) {
      const at = e.instancePath
        .split('/')
        .slice(1)
        .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
      const extra =
        e.keyword === 'additionalProperties'
          ? `: "${(e.params as { additionalProperty: string }).additionalProperty}"`
          : e.keyword === 'enum'
            ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
            : '';
      const mixUp = objectiveMixUp(raw, at, e.keyword);
      if (mixUp) {
        // One clear problem at the objective's name instead of one per missing or extra property.
        if (!misnamed.has(mixUp.name)) problems.push(problem(rangeOfPath(doc, at, 'key'), mixUp.message, at, mixUp.code));
        misnamed.add(mixUp.name);
        continue;
      }
      const key = e.keyword === 'additionalProperties' ? [...at, (e.params as { additionalProperty: string }).additionalProperty] : at;
      problems.push(
        problem(
          rangeOfPath(doc, key, e.keyword === 'additionalProperties' ? 'key' : 'value'),
          `${e.instancePath || 'config'} ${e.message}${extra}`,
          key,
          e.keyword,
        ),
      );
    }
    return { problems };
  }
  const r = raw as Partial<PretrainConfig> & { shape?: Partial<EncoderShape>; output: string };
  const dir = path.dirname(absFile);
  const shape = { ...DEFAULT_SHAPE, ...r.shape };
  if (shape.hiddenSize % shape.heads !== 0) {
    problems.push(
      problem(
        rangeOfPath(doc, ['shape', 'heads']),
        `hiddenSize ${shape.hiddenSize} must be divisible by heads ${shape.heads}`,
        ['shape', 'heads'],
        'heads-not-divisor',
      ),
    );
    return { problems };
  }
  const config: PretrainConfig = {
    ...DEFAULTS,
    ...(r as object),
    file: absFile,
    name: path
      .basename(absFile)
      .replace(/\.pretrain\.json$/, '')
      .replace(/\.json$/, ''),
    shape,
    output: path.resolve(dir, r.output),
    runsDir: path.resolve(dir, r.runsDir ?? DEFAULTS.runsDir),
  } as PretrainConfig;
  // A corpus of the user's: its path relative to this file; its text in "text" unless it gives its words.
  config.corpora = config.corpora.map((c) =>
    isUserCorpus(c) ? { ...c, path: path.resolve(dir, c.path), ...(c.tokensField === undefined ? { textField: c.textField ?? 'text' } : {}) } : c,
  );
  for (const p of crossCheckProblems(config, r.corpora !== undefined, r.objectives !== undefined))
    problems.push(problem(rangeOfPath(doc, p.at, p.part ?? 'value'), p.message, p.at, p.code));
  return problems.length ? { problems } : { config, problems };
}

/**
 * An objective that mixes up the two kinds: an unknown name without "type" (a typo of a built-in, or one of the
 * user's missing its fields), or a built-in name given the fields of the user's kind.
 */
function objectiveMixUp(raw: Record<string, unknown>, at: (string | number)[], keyword: string): { name: string; message: string; code: string } | undefined {
  if (at.length !== 2 || at[0] !== 'objectives') return undefined;
  const name = String(at[1]);
  const value = (raw.objectives as Record<string, unknown>)[name];
  const typed = typeof value === 'object' && value !== null && 'type' in value;
  if (keyword === 'required' && !isBuiltinObjective(name) && !typed) {
    const message = `unknown objective "${name}": the built-in ones are ${BUILTIN_OBJECTIVES.join(', ')}; one of your own needs "type" (token-classification or text-classification), "corpus", "field" and "weight"`;
    return { name, message, code: 'unknown-objective' };
  }
  if (keyword === 'additionalProperties' && isBuiltinObjective(name) && typed) {
    return {
      name,
      message: `"${name}" is a built-in objective and takes only "weight"; give an objective of your own another name`,
      code: 'builtin-objective-name',
    };
  }
  return undefined;
}
