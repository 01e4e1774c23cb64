// Measured control of a decoder by attribute adapters: for each setup (the base, each adapter, compositions of two
// adapters of different attributes, full fine-tuning on a task's rows) and its target (field → value), samples
// drawn with a fixed seed are judged by an independent classifier (./judge): the share on target per attribute,
// the joint share for two-attribute targets, perplexity of the samples under the base (fluency), distinct-2
// (diversity), trainable parameters and ms per generated token.
import type { ExperimentConfig } from '../config/types';
import { latestCompletedRun } from '../adapters/load';
import { perplexity } from '../model/causalLm';
import { adapterRunName, planRuns } from './plan';
import { generateTokens } from '../generate/generate';
import type { Judge } from './judge';
import { type SteeredDecoder, openSteeredDecoder } from './steered';

export interface SteerSetup {
  label: string; // "base", "positive", "Stack(restaurant, positive)", "full:positive", "merge(positive, restaurant)"
  run: string; // the run folder to open
  setup?: string;
  mergeParameters?: boolean;
  targets: Record<string, string>[]; // each: field → value
}

export interface SteerRow {
  setup: string;
  target: Record<string, string>;
  share: Record<string, number>; // field → share of samples the judge puts on the target value
  joint?: number; // two or more fields: share on all at once
  perplexity: number; // of the samples under the base
  distinct2: number;
  trainableParams: number;
  msPerToken: number;
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
 * The setups of a causal-lm experiment's runs in `runsDir`: the base; each adapter (its task's value); each full
 * fine-tuning run; for each two adapters of different fields Stack, Average of outputs and, when they share a
 * config, parameter averaging — each toward both values. Runs not completed are left out.
 */
export function steerSetups(config: ExperimentConfig, runsDir: string): SteerSetup[] {
  const taskOf = (name: string) => config.tasks.find((t) => t.name === name)!;
  const adapters = config.adapters.filter((a) => latestCompletedRun(runsDir, config.name, adapterRunName(a.name)));
  const anyRun = adapters.length ? latestCompletedRun(runsDir, config.name, adapterRunName(adapters[0].name))! : undefined;
  if (!anyRun) return [];
  const targetOf = (names: string[]) => Object.fromEntries(names.map((n) => [taskOf(n).field, taskOf(n).value as string]));
  const singles = adapters.map((a) => targetOf([a.task]));
  const pairs: [string, string][] = [];
  for (let i = 0; i < adapters.length; i++)
    for (let j = i + 1; j < adapters.length; j++)
      if (taskOf(adapters[i].task).field !== taskOf(adapters[j].task).field) pairs.push([adapters[i].name, adapters[j].name]);
  const pairTarget = ([a, b]: [string, string]) => targetOf([config.adapters.find((x) => x.name === a)!.task, config.adapters.find((x) => x.name === b)!.task]);
  const setups: SteerSetup[] = [{ label: 'base', run: anyRun, setup: '', targets: [...singles, ...pairs.map(pairTarget)] }];
  for (const a of adapters) setups.push({ label: a.name, run: anyRun, setup: a.name, targets: [targetOf([a.task])] });
  for (const plan of planRuns(config).filter((p) => p.type === 'full')) {
    const dir = latestCompletedRun(runsDir, config.name, plan.name);
    if (dir) setups.push({ label: plan.name, run: dir, targets: [targetOf(plan.tasks)] });
  }
  for (const [a, b] of pairs) {
    const target = [pairTarget([a, b])];
    setups.push({ label: `Stack(${a}, ${b})`, run: anyRun, setup: `Stack(${a}, ${b})`, targets: target });
    setups.push({ label: `Average(${a}, ${b})`, run: anyRun, setup: `Average(${a}, ${b})`, targets: target });
    const [sa, sb] = [a, b].map((n) => config.adapters.find((x) => x.name === n)!);
    if (sameConfig(sa, sb))
      setups.push({ label: `parameter average(${a}, ${b})`, run: anyRun, setup: `Average(${a}, ${b})`, mergeParameters: true, targets: target });
  }
  return setups;
}

function sameConfig(a: object, b: object): boolean {
  const strip = (x: object) => JSON.stringify({ ...x, name: '', task: '', train: undefined });
  return strip(a) === strip(b);
}

/** Samples of one setup (seeded: sample i uses seed + i), judged against each of its targets. */
export function measureSetup(setup: SteerSetup, judge: Judge, base: SteeredDecoder, o: SteerOptions): SteerRow[] {
  // setup "" = the base alone (no adapter), whatever run it is opened from.
  const steered = setup.setup === '' ? undefined : openSteeredDecoder(setup.run, setup.setup, { mergeParameters: setup.mergeParameters });
  const s = steered ?? base;
  try {
    const eos = s.tokenizer.endOfTextId as number;
    const samples: number[][] = [];
    let tokens = 0;
    const started = performance.now();
    for (let i = 0; i < o.samples; i++) {
      const ids = [...generateTokens(s.decoder, [eos], { ...o, seed: o.seed + i, stopId: eos, adapters: s.adapters })];
      tokens += ids.length;
      samples.push(ids.filter((id) => id !== eos));
    }
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

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** The base decoder of the experiment, opened from any of its runs: the reference for perplexity. */
export function openBase(run: string): SteeredDecoder {
  return openSteeredDecoder(run, undefined, { baseOnly: true });
}
