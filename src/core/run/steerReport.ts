// Measured control of a decoder by attribute adapters: for each setup (the base, each adapter, compositions of two
// adapters of different attributes, full fine-tuning on a task's rows) and its target (field → value), samples
// drawn with a fixed seed are judged by an independent classifier (./judge): the share on target per attribute,
// the joint share for two-attribute targets, perplexity of the samples under the base (fluency), distinct-2
// (diversity), trainable parameters and ms per generated token.
import type { ExperimentConfig } from '../config/types';
import { latestCompletedRun } from '../adapters/load';
import { perplexity } from '../model/causalLm';
import { adapterRunName, planRuns } from './plan';
import { generateMany, generateTokens } from '../generate/generate';
import type { Judge } from './judge';
import { type SteeredDecoder, openSteeredDecoder } from './steered';

export type SteerKind = 'held-out' | 'base' | 'adapter' | 'full' | 'composition';

export interface SteerSetup {
  label: string; // "base", "positive", "Stack(restaurant, positive)", "full:positive", "parameter average(positive, restaurant)"
  kind: SteerKind;
  run: string; // the run folder to open
  setup?: string;
  mergeParameters?: boolean;
  targets: Record<string, string>[]; // each: field → value
}

export interface SteerRow {
  setup: string;
  kind: SteerKind;
  target: Record<string, string>;
  share: Record<string, number>; // field → share of samples the judge puts on the target value
  joint?: number; // two or more fields: share on all at once
  perplexity: number; // of the samples under the base
  distinct2: number;
  trainableParams: number;
  msPerToken: number | null; // null: not generated (held-out reviews)
  samples: number;
  examples: string[]; // the first three samples
}

export interface SteerOptions {
  samples: number;
  seed: number;
  maxTokens: number;
  temperature: number;
  topK: number;
  topP: number;
}

/** Distinct bigrams over all bigrams of the samples (token ids): 1 = no bigram repeats. */
export function distinct2(samples: readonly (readonly number[])[]): number {
  const seen = new Set<string>();
  let total = 0;
  for (const s of samples)
    for (let i = 0; i + 1 < s.length; i++) {
      seen.add(`${s[i]},${s[i + 1]}`);
      total++;
    }
  return total ? seen.size / total : 0;
}

/**
 * The setups of a causal-lm experiment's runs in `runsDir`: the base; each adapter; each full fine-tuning run; for each
 * two adapters of different fields Stack, Average of outputs and, when they share a config, parameter averaging. Each
 * is judged toward what it was made for; the base, each adapter and each full run also toward every two-attribute
 * target holding their value, so that a composition's joint share has the single setups' beside it. Runs not
 * completed are left out.
 */
export function steerSetups(config: ExperimentConfig, runsDir: string): SteerSetup[] {
  const taskOf = (name: string) => config.tasks.find((t) => t.name === name)!;
  const adapters = config.adapters.filter((a) => latestCompletedRun(runsDir, config.name, adapterRunName(a.name)));
  const anyRun = adapters.length ? latestCompletedRun(runsDir, config.name, adapterRunName(adapters[0].name))! : undefined;
  if (!anyRun) return [];
  const targetOf = (tasks: string[]) => Object.fromEntries(tasks.map((n) => [taskOf(n).field, taskOf(n).value as string]));
  const pairs: [string, string][] = [];
  for (let i = 0; i < adapters.length; i++)
    for (let j = i + 1; j < adapters.length; j++)
      if (taskOf(adapters[i].task).field !== taskOf(adapters[j].task).field) pairs.push([adapters[i].name, adapters[j].name]);
  const taskOfAdapter = (name: string) => config.adapters.find((x) => x.name === name)!.task;
  const pairTarget = ([a, b]: [string, string]) => targetOf([taskOfAdapter(a), taskOfAdapter(b)]);
  const pairsWith = (task: string) => pairs.filter((pair) => pair.map(taskOfAdapter).includes(task)).map(pairTarget);
  const setups: SteerSetup[] = [
    { label: 'base', kind: 'base', run: anyRun, setup: '', targets: [...adapters.map((a) => targetOf([a.task])), ...pairs.map(pairTarget)] },
  ];
  for (const a of adapters) setups.push({ label: a.name, kind: 'adapter', run: anyRun, setup: a.name, targets: [targetOf([a.task]), ...pairsWith(a.task)] });
  for (const plan of planRuns(config).filter((p) => p.type === 'full')) {
    const dir = latestCompletedRun(runsDir, config.name, plan.name);
    if (dir) setups.push({ label: plan.name, kind: 'full', run: dir, targets: [targetOf(plan.tasks), ...plan.tasks.flatMap(pairsWith)] });
  }
  for (const [a, b] of pairs) {
    const target = [pairTarget([a, b])];
    setups.push({ label: `Stack(${a}, ${b})`, kind: 'composition', run: anyRun, setup: `Stack(${a}, ${b})`, targets: target });
    setups.push({ label: `Average(${a}, ${b})`, kind: 'composition', run: anyRun, setup: `Average(${a}, ${b})`, targets: target });
    const [sa, sb] = [a, b].map((n) => config.adapters.find((x) => x.name === n)!);
    if (sameConfig(sa, sb))
      setups.push({
        label: `parameter average(${a}, ${b})`,
        kind: 'composition',
        run: anyRun,
        setup: `Average(${a}, ${b})`,
        mergeParameters: true,
        targets: target,
      });
  }
  return setups;
}

function sameConfig(a: object, b: object): boolean {
  const strip = (x: object) => JSON.stringify({ ...x, name: '', task: '', train: undefined });
  return strip(a) === strip(b);
}

/**
 * Samples of one setup (seeded: sample i uses seed + i, all drawn as one batch), judged against each of its targets.
 * ms/token is the time of writing the first three samples again one token at a time, as `generate` streams them.
 */
export function measureSetup(setup: SteerSetup, judge: Judge, base: SteeredDecoder, o: SteerOptions): SteerRow[] {
  // setup "" = the base alone (no adapter), whatever run it is opened from.
  const steered = setup.setup === '' ? undefined : openSteeredDecoder(setup.run, setup.setup, { mergeParameters: setup.mergeParameters });
  const s = steered ?? base;
  try {
    const eos = s.tokenizer.endOfTextId as number;
    const generation = { ...o, stopId: eos, adapters: s.adapters };
    const seeds = Array.from({ length: o.samples }, (_, i) => o.seed + i);
    const samples = generateMany(s.decoder, [eos], seeds, generation).map((ids) => ids.filter((id) => id !== eos));
    let tokens = 0;
    const started = performance.now();
    for (const seed of seeds.slice(0, 3)) tokens += [...generateTokens(s.decoder, [eos], { ...generation, seed })].length;
    const msPerToken = (performance.now() - started) / Math.max(1, tokens);
    const texts = samples.map((ids) => s.tokenizer.decode(ids).trim());
    const judged = judge.classify(texts);
    const fluency = perplexity(
      base.decoder,
      samples.map((ids) => [eos, ...ids, eos]),
      32,
    );
    const diversity = distinct2(samples);
    return setup.targets.map((target) => {
      const hit = texts.map((_, i) => Object.entries(target).every(([field, value]) => judged.get(field)?.[i] === value));
      const share = Object.fromEntries(
        Object.entries(target).map(([field, value]) => [field, mean(texts.map((_, i) => (judged.get(field)?.[i] === value ? 1 : 0)))]),
      );
      return {
        setup: setup.label,
        kind: setup.kind,
        target,
        share,
        ...(Object.keys(target).length > 1 && { joint: mean(hit.map(Number)) }),
        perplexity: fluency,
        distinct2: diversity,
        trainableParams: steered?.trainableParams ?? 0,
        msPerToken,
        samples: texts.length,
        examples: texts.slice(0, 3),
      };
    });
  } finally {
    steered?.dispose();
  }
}

/** The standard error of a share measured on n samples (binomial). */
export const shareError = (share: number, n: number): number => Math.sqrt((share * (1 - share)) / n);

export interface SingleCheck {
  setup: string;
  field: string;
  value: string;
  share: number;
  error: number;
  met: boolean; // share ≥ the threshold
}

export interface JointCheck {
  setup: string; // the composition
  target: Record<string, string>;
  joint: number;
  /** Against each single adapter whose value is in the target: its joint share and the difference ± its standard error. */
  versus: { setup: string; joint: number; difference: number; error: number }[];
  /** Higher than every single adapter by more than two standard errors of the difference. */
  beatsEach: boolean;
}

/**
 * The two targets, read off measured rows: each single adapter on its own attribute at `threshold` or more;
 * each two-attribute composition's joint share against each single adapter's on the same target (the samples of two
 * setups are independent, so the difference's standard error is √(se₁² + se₂²)).
 */
export function checkTargets(rows: readonly SteerRow[], threshold = 0.8): { singles: SingleCheck[]; joints: JointCheck[] } {
  const key = (t: Record<string, string>) => JSON.stringify(Object.entries(t).sort());
  const singles = rows
    .filter((r) => r.kind === 'adapter' && r.joint === undefined)
    .map((r) => {
      const [[field, value]] = Object.entries(r.target);
      const share = r.share[field];
      return { setup: r.setup, field, value, share, error: shareError(share, r.samples), met: share >= threshold };
    });
  const joints = rows
    .filter((r) => r.kind === 'composition' && r.joint !== undefined)
    .map((c) => {
      const versus = rows
        .filter((r) => r.kind === 'adapter' && r.joint !== undefined && key(r.target) === key(c.target))
        .map((r) => ({
          setup: r.setup,
          joint: r.joint!,
          difference: c.joint! - r.joint!,
          error: Math.hypot(shareError(c.joint!, c.samples), shareError(r.joint!, r.samples)),
        }));
      return { setup: c.setup, target: c.target, joint: c.joint!, versus, beatsEach: versus.length > 0 && versus.every((v) => v.difference > 2 * v.error) };
    });
  return { singles, joints };
}

/**
 * The judge's verdict on real text: the held-out test reviews carrying each target's values (never seen by the
 * adapters, the full runs or the decoder's pre-training), measured like a setup — the share a perfect steerer could
 * expect from this judge, and the perplexity and distinct-2 of real reviews.
 */
export function measureHeldOut(
  texts: readonly { text: string; labels: Record<string, string> }[],
  targets: Record<string, string>[],
  judge: Judge,
  base: SteeredDecoder,
): SteerRow[] {
  const eos = base.tokenizer.endOfTextId as number;
  return targets.flatMap((target) => {
    const carrying = texts.filter((r) => Object.entries(target).every(([field, value]) => r.labels[field] === value)).map((r) => r.text);
    if (!carrying.length) return [];
    const judged = judge.classify(carrying);
    const on = (field: string, value: string) => carrying.map((_, i) => (judged.get(field)?.[i] === value ? 1 : 0));
    const ids = carrying.map((t) => base.tokenizer.encode(t).slice(0, base.decoder.config.maxPositions - 2));
    return [
      {
        setup: 'held-out reviews',
        kind: 'held-out' as const,
        target,
        share: Object.fromEntries(Object.entries(target).map(([field, value]) => [field, mean(on(field, value))])),
        ...(Object.keys(target).length > 1 && {
          joint: mean(carrying.map((_, i) => (Object.entries(target).every(([field, value]) => judged.get(field)?.[i] === value) ? 1 : 0))),
        }),
        perplexity: perplexity(
          base.decoder,
          ids.map((x) => [eos, ...x, eos]),
          32,
        ),
        distinct2: distinct2(ids),
        trainableParams: 0,
        msPerToken: null,
        samples: carrying.length,
        examples: carrying.slice(0, 3),
      },
    ];
  });
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** The base decoder of the experiment, opened from any of its runs: the reference for perplexity. */
export function openBase(run: string): SteeredDecoder {
  return openSteeredDecoder(run, undefined, { baseOnly: true });
}
