// A sweep's report from synthetic run records (no training): every expected number is worked out by hand in the
// comments next to it, so a wrong mean, sd, pairing, choice or frontier fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord, RunStatus, RunSummary, RunType } from '../../src/common/runRecord';
import { paretoFrontier } from '../../src/common/pareto';
import type { Stats } from '../../src/common/sweep';
import { type FoundRun, type PlannedRun, type SweepAggregateInput, aggregateSweep } from '../../src/core/sweep/aggregate';
import { sweepCsv, sweepJson, sweepTable } from '../../src/cli/sweepTable';

const EXPERIMENT = 'exp';

function close(actual: number | undefined, expected: number, what: string) {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${actual}, expected ${expected}`);
}

function closeStats(actual: Stats, expected: Stats, what: string) {
  close(actual.mean, expected.mean, `${what} mean`);
  close(actual.sd, expected.sd, `${what} sd`);
  assert.equal(actual.n, expected.n, `${what} n`);
}

interface Setting {
  name: string;
  runName: string;
  type: RunType;
  tasks: string[];
  values?: Record<string, unknown>;
}

const A: Setting = { name: 'adapter:lora · r=8', runName: 'adapter:lora', type: 'adapter', tasks: ['sentiment'], values: { 'adapters.*.r': 8 } };
const R16: Setting = { name: 'adapter:lora · r=16', runName: 'adapter:lora', type: 'adapter', tasks: ['sentiment'], values: { 'adapters.*.r': 16 } };
const F: Setting = { name: 'full', runName: 'full', type: 'full', tasks: ['sentiment', 'topic'] };
const H: Setting = { name: 'head-only', runName: 'head-only', type: 'head-only', tasks: ['sentiment', 'topic'] };

function planned(s: Setting, seed: number): PlannedRun {
  const key = `${s.name}/seed=${seed}`;
  return { key, plan: { name: s.runName, type: s.type, tasks: s.tasks }, info: { key, setting: s.name, values: s.values ?? {}, seed, total: 0 } };
}

interface Result {
  test: Record<string, [accuracy: number, macroF1: number]>;
  validation: Record<string, number>;
  params: number;
  bytes: Record<string, number>;
  ms: number;
  infer?: number;
}

let lastId = 0;

/** A run folder of `run`; with a result, a completed one with its summary. */
function found(run: PlannedRun, result?: Result, opts: { status?: RunStatus; experiment?: string; key?: string } = {}): FoundRun {
  const id = `run-${++lastId}`;
  const metrics = (accuracy: number, macroF1 = 0) => ({ accuracy, macroF1, loss: 0, count: 100 });
  const record: RunRecord = {
    id,
    experiment: opts.experiment ?? EXPERIMENT,
    name: run.plan.name,
    type: run.plan.type,
    tasks: run.plan.tasks,
    status: opts.status ?? (result ? 'completed' : 'running'),
    configFile: 'exp.adapterlab.json',
    config: {},
    machine: { platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'test', memoryGiB: 4, node: '20' },
    createdAt: '2025-01-01T00:00:00Z',
    sweep: { ...run.info, key: opts.key ?? run.key },
  };
  const summary: RunSummary | undefined = result && {
    id,
    name: run.plan.name,
    type: run.plan.type,
    status: 'completed',
    backend: 'cpu',
    base: 'random init (2×128)',
    test: Object.fromEntries(Object.entries(result.test).map(([t, [acc, f1]]) => [t, metrics(acc, f1)])),
    validation: Object.fromEntries(Object.entries(result.validation).map(([t, acc]) => [t, metrics(acc)])),
    bestEpoch: 1,
    steps: 10,
    totalParams: 2_000_000,
    trainableParams: result.params,
    trainablePercent: 0,
    bytesOnDisk: 0,
    bytesPerTask: result.bytes,
    msPerStep: result.ms,
    inferenceMsPerExample: result.infer ?? 1,
    paddingShare: 0,
    wallMs: 0,
  };
  return { dir: `/runs/${id}`, record, summary };
}

const a = (test: number, f1: number, validation: number, ms: number, bytes: number): Result => ({
  test: { sentiment: [test, f1] },
  validation: { sentiment: validation },
  params: 10_000,
  bytes: { sentiment: bytes },
  ms,
});
const two =
  (params: number, bytes: Record<string, number>, ms: number, infer: number) => (s: [number, number], t: [number, number], vs: number, vt: number) => ({
    test: { sentiment: s, topic: t },
    validation: { sentiment: vs, topic: vt },
    params,
    bytes,
    ms,
    infer,
  });
const f = two(1_000_000, { sentiment: 300_000, topic: 500_000 }, 8, 2); // 400000 bytes per attribute
const h = two(2_000, { sentiment: 400, topic: 600 }, 5, 1); // 500 bytes per attribute

/**
 * Three settings with results and one without, interleaved as a sweep plans them:
 *   adapter:lora · r=8  seeds 1 2 3  test .80 .82 .87, F1 .70 .75 .77, validation .81 .83 .85, 10 12 14 ms, 2000 3000 4000 B
 *   full                seeds 1 2 3  sentiment test .78 .83 .84 (validation .86 each), topic test .60 .62 .64 (validation .65)
 *   head-only           seeds 1 2    sentiment test .70 .74, topic .50 .52; seed 3 failed, then was cancelled
 *   adapter:lora · r=16 seed 1 failed, and is running again
 */
function fixture(reference?: string): SweepAggregateInput {
  const [A1, A2, A3] = [1, 2, 3].map((s) => planned(A, s));
  const [F1, F2, F3] = [1, 2, 3].map((s) => planned(F, s));
  const [H1, H2, H3] = [1, 2, 3].map((s) => planned(H, s));
  const R1 = planned(R16, 1);
  const newestFirst: FoundRun[] = [
    found(A2, a(0, 0, 0.99, 1, 1), { experiment: 'another-experiment' }), // same key, another experiment: ignored
    found(R1), // running again after the failure below: not failed
    found(H3, undefined, { status: 'cancelled' }),
    found(F2, undefined, { status: 'failed' }), // a retry that failed after a completed run: F2 stays done
    found(A1, a(0.8, 0.7, 0.81, 10, 2000)), // the newer of two completed A1 runs: the one counted
    found(A2, a(0.82, 0.75, 0.83, 12, 3000)),
    found(A3, a(0.87, 0.77, 0.85, 14, 4000)),
    found(F1, f([0.78, 0.7], [0.6, 0.55], 0.86, 0.65)),
    found(F2, f([0.83, 0.72], [0.62, 0.57], 0.86, 0.65)),
    found(F3, f([0.84, 0.74], [0.64, 0.59], 0.86, 0.65)),
    found(H1, h([0.7, 0.6], [0.5, 0.45], 0.7, 0.55)),
    found(H2, h([0.74, 0.6], [0.52, 0.45], 0.72, 0.55)),
    found(H3, undefined, { status: 'failed' }),
    found(A1, a(0.1, 0.1, 0.1, 99, 1)), // older duplicate: not counted
    found(A1, a(0.99, 0.99, 0.99, 1, 1), { key: 'stale-key' }), // a key the sweep no longer plans
    found(R1, undefined, { status: 'failed' }),
  ];
  return {
    experiment: EXPERIMENT,
    paths: ['adapters.*.r'],
    runs: [A1, F1, H1, A2, F2, H2, R1, A3, F3, H3],
    found: newestFirst,
    reference,
  };
}

const row = (report: ReturnType<typeof aggregateSweep>, setting: string) => {
  const r = report.settings.find((s) => s.setting === setting);
  assert.ok(r, `no row for ${setting}`);
  return r;
};

test('progress counts each planned run once: failed/cancelled last and never completed is failed; stale keys and other experiments are not counted', () => {
  const report = aggregateSweep(fixture());
  // done: A1 A2 A3, F1 F2 F3, H1 H2 = 8 of 10; failed: H3 (R1 failed once but is running again)
  assert.deepEqual(report.progress, { completed: 8, total: 10, failed: 1 });
  assert.deepEqual(
    report.settings.map((s) => s.setting),
    [A.name, F.name, H.name],
  );
  assert.deepEqual(report.tasks, ['sentiment', 'topic']);
  assert.equal(report.base, 'random init (2×128)');
});

test('a setting folds its seeds: mean, sample sd (n − 1) and costs', () => {
  const input = fixture();
  const report = aggregateSweep(input);
  const lora = row(report, A.name);
  assert.deepEqual(lora.seeds, [1, 2, 3]);
  assert.equal(lora.runName, 'adapter:lora');
  assert.deepEqual(lora.values, { 'adapters.*.r': 8 });
  // Of the two completed A1 runs, the newer (listed first) is the one counted.
  const a1 = input.found.filter((x) => x.record.sweep?.key === `${A.name}/seed=1` && x.record.experiment === EXPERIMENT);
  assert.equal(a1.length, 2);
  assert.equal(lora.runIds[0], a1[0].record.id);
  assert.equal(lora.runDirs[0], a1[0].dir);
  const sentiment = lora.tasks.sentiment;
  // test .80 .82 .87: mean .83, sd = √(((−.03)² + (−.01)² + (.04)²) / 2) = √.0013 = 0.0360555…
  closeStats(sentiment.test, { mean: 0.83, sd: Math.sqrt(0.0013), n: 3 }, 'test accuracy');
  close(sentiment.test.sd, 0.036055512754639, 'test sd written out');
  // F1 .70 .75 .77: mean .74, sd = √((.04² + .01² + .03²) / 2) = √.0013
  closeStats(sentiment.testF1, { mean: 0.74, sd: Math.sqrt(0.0013), n: 3 }, 'test F1');
  // validation .81 .83 .85: mean .83, sd = √((.02² + 0 + .02²) / 2) = .02
  closeStats(sentiment.validation, { mean: 0.83, sd: 0.02, n: 3 }, 'validation');
  closeStats(lora.msPerStep, { mean: 12, sd: 2, n: 3 }, 'ms/step');
  closeStats(lora.inferenceMsPerExample, { mean: 1, sd: 0, n: 3 }, 'inference ms');
  assert.equal(lora.trainableParams, 10_000);
  assert.equal(lora.bytesPerAttribute, 3000); // (2000 + 3000 + 4000) / 3
  assert.equal(row(report, F.name).bytesPerAttribute, 400_000); // (300000 + 500000) / 2 per seed
  // head-only has two seeds: .70 .74 → mean .72, sd = √((.02² + .02²) / 1) = .0282843
  closeStats(row(report, H.name).tasks.sentiment.test, { mean: 0.72, sd: Math.sqrt(0.0008), n: 2 }, 'head-only test');
});

test('differences against the default reference (full) are paired by seed; a missing seed lowers n', () => {
  const report = aggregateSweep(fixture());
  assert.equal(report.reference, 'full');
  assert.equal(row(report, F.name).tasks.sentiment.difference, undefined);
  // lora − full per seed: .80−.78 = .02, .82−.83 = −.01, .87−.84 = .03 → mean .04/3 = .013333…
  // Σ(d − mean)² = Σd² − n·mean² = .0014 − .0016/3 = .00086667; sd = √(.00086667 / 2) = .0208167; se = sd / √3 = .0120185
  const lora = row(report, A.name).tasks.sentiment.difference;
  assert.ok(lora);
  assert.equal(lora.reference, 'full');
  assert.equal(lora.n, 3);
  close(lora.mean, 0.04 / 3, 'lora − full mean');
  assert.ok(Math.abs(lora.se - 0.0120185) < 1e-7, `se ${lora.se}`);
  // head-only has no seed 3: .70−.78 = −.08, .74−.83 = −.09 → mean −.085, sd = √(2 · .005² / 1) = .0070711, se = sd / √2 = .005
  const headOnly = row(report, H.name).tasks;
  assert.equal(headOnly.sentiment.difference?.n, 2);
  close(headOnly.sentiment.difference?.mean, -0.085, 'head-only − full mean');
  close(headOnly.sentiment.difference?.se, 0.005, 'head-only − full se');
  // topic: .50−.60 = .52−.62 = −.10 → se 0
  close(headOnly.topic.difference?.mean, -0.1, 'topic mean');
  close(headOnly.topic.difference?.se, 0, 'topic se');
});

test('a named reference: a missing seed on its side lowers n too; an unknown name is an error naming the settings', () => {
  const report = aggregateSweep(fixture('head-only'));
  assert.equal(report.reference, 'head-only');
  assert.equal(row(report, H.name).tasks.sentiment.difference, undefined);
  // lora − head-only on seeds 1 and 2 only: .10, .08 → mean .09, sd = √(2 · .01²) = .0141421, se = sd / √2 = .01
  const lora = row(report, A.name).tasks.sentiment.difference;
  assert.equal(lora?.n, 2);
  close(lora?.mean, 0.09, 'lora − head-only mean');
  close(lora?.se, 0.01, 'lora − head-only se');
  assert.throws(
    () => aggregateSweep(fixture('adapter:lora · r=4')),
    /"adapter:lora · r=4" is neither a setting nor a run.*"adapter:lora · r=8".*"full".*"head-only"/,
  );
});

test('the default reference: full, else head-only, else none; of several full settings the one best on validation', () => {
  const settings = (...list: [Setting, number][]): SweepAggregateInput => {
    const runs = list.map(([s]) => planned(s, 1));
    return { experiment: EXPERIMENT, paths: [], runs, found: runs.map((r, i) => found(r, h([list[i][1], 0.6], [0.5, 0.5], list[i][1], 0.5))) };
  };
  const fullSlow: Setting = { ...F, name: 'full · learningRate=0.0001', values: { 'train.full.learningRate': 0.0001 } };
  const fullFast: Setting = { ...F, name: 'full · learningRate=0.001', values: { 'train.full.learningRate': 0.001 } };
  // The adapter pairs with the fast full run: best on validation (0.8 against 0.6), though its test accuracy is the same as its validation here.
  const report = aggregateSweep(settings([A, 0.7], [H, 0.5], [fullSlow, 0.6], [fullFast, 0.8]));
  assert.equal(report.reference, 'full');
  assert.deepEqual(report.referenceSettings, [fullSlow.name, fullFast.name]);
  const d = row(report, A.name).tasks.sentiment.difference!;
  assert.equal(d.reference, fullFast.name);
  close(d.mean, 0.7 - 0.8, 'adapter − best full');
  assert.equal(row(report, fullSlow.name).tasks.sentiment.difference, undefined, 'a reference has no difference of its own');
  assert.equal(aggregateSweep(settings([A, 0.7], [H, 0.5])).reference, 'head-only');
  const none = aggregateSweep(settings([A, 0.7], [R16, 0.7]));
  assert.equal(none.reference, undefined);
  assert.ok(none.settings.every((s) => Object.values(s.tasks).every((t) => t.difference === undefined)));
});

test('a run name as reference pairs each setting with that run at the same swept values (adapter − full on the same base)', () => {
  const base = (name: string) => ({ base: { [name]: {} } });
  const AR: Setting = { ...A, name: 'adapter:lora · base=random', values: base('random') };
  const AL: Setting = { ...A, name: 'adapter:lora · base=lab', values: base('lab') };
  const FR: Setting = { ...F, name: 'full · base=random', values: base('random') };
  const FL: Setting = { ...F, name: 'full · base=lab', values: base('lab') };
  const runs = [AR, AL, FR, FL].flatMap((s) => [1, 2].map((seed) => planned(s, seed)));
  // seed 1 / 2 test accuracies: adapters .60 .70 (random), .80 .84 (lab); full .70 .76 (random), .86 .86 (lab)
  const acc: Record<string, number[]> = { [AR.name]: [0.6, 0.7], [AL.name]: [0.8, 0.84], [FR.name]: [0.7, 0.76], [FL.name]: [0.86, 0.86] };
  const report = aggregateSweep({
    experiment: EXPERIMENT,
    paths: ['base'],
    runs,
    found: runs.map((r) => found(r, h([acc[r.info.setting][r.info.seed - 1], 0.5], [0.5, 0.5], 0.5, 0.5))),
    reference: 'full',
  });
  const random = row(report, AR.name).tasks.sentiment.difference!;
  assert.equal(random.reference, FR.name);
  close(random.mean, (-0.1 + -0.06) / 2, 'random: differences −.10, −.06');
  close(random.se, Math.sqrt(((-0.1 + 0.08) ** 2 + (-0.06 + 0.08) ** 2) / 1) / Math.sqrt(2), 'random se');
  const lab = row(report, AL.name).tasks.sentiment.difference!;
  assert.equal(lab.reference, FL.name);
  close(lab.mean, (-0.06 + -0.02) / 2, 'lab: differences −.06, −.02');
});

test('best is chosen on validation, not test: full beats lora on validation (.86 > .83) though lora tests higher (.83 > .8167)', () => {
  const report = aggregateSweep(fixture());
  assert.equal(report.best.sentiment.setting, 'full');
  closeStats(report.best.sentiment.validation, { mean: 0.86, sd: 0, n: 3 }, 'best validation');
  // full's test .78 .83 .84: mean .816667, sd = √((.036667² + .013333² + .023333²) / 2) = .0321455
  close(report.best.sentiment.test.mean, 2.45 / 3, 'best test mean');
  assert.ok(Math.abs(report.best.sentiment.test.sd - 0.0321455) < 1e-7);
  assert.equal(report.best.topic.setting, 'full');
});

test('ties on validation go to fewer trainable parameters, then to the first; one seed gives sd 0 and se 0', () => {
  const one = (s: Setting, params: number, validation: number, test: number) => ({ s, params, validation, test });
  const list = [
    one({ ...A, name: 'adapter:lora · r=4' }, 5_000, 0.8, 0.7),
    one({ ...A, name: 'adapter:lora · r=2' }, 3_000, 0.8, 0.6), // ties r=4 on validation, fewer params
    one({ ...A, name: 'adapter:ia3', runName: 'adapter:ia3' }, 3_000, 0.8, 0.9), // ties r=2 on both, comes later
    one({ ...F, tasks: ['sentiment'] }, 1_000_000, 0.79, 0.95), // best on test, not on validation
  ];
  const runs = list.map((x) => planned(x.s, 1));
  const report = aggregateSweep({
    experiment: EXPERIMENT,
    paths: [],
    runs,
    found: runs.map((r, i) => found(r, { ...a(list[i].test, 0.5, list[i].validation, 10, 100), params: list[i].params })),
  });
  assert.equal(report.best.sentiment.setting, 'adapter:lora · r=2');
  const r4 = row(report, 'adapter:lora · r=4').tasks.sentiment;
  closeStats(r4.test, { mean: 0.7, sd: 0, n: 1 }, 'one seed');
  close(r4.difference?.mean, -0.25, 'one-seed difference'); // .70 − .95
  assert.deepEqual({ se: r4.difference?.se, n: r4.difference?.n }, { se: 0, n: 1 });
  assert.doesNotMatch(sweepTable(report), /runs done/); // complete: no progress line
});

test('paretoFrontier: dominated points leave, points tied on both axes stay together, equal x keeps the higher y', () => {
  const points = [
    { id: 'a', x: 10, y: 0.8 },
    { id: 'b', x: 20, y: 0.82 }, // same x as c, lower y: dominated by c only
    { id: 'c', x: 20, y: 0.85 },
    { id: 'd', x: 20, y: 0.85 }, // tied with c on both: both stay
    { id: 'e', x: 5, y: 0.7 }, // cheapest
    { id: 'f', x: 30, y: 0.84 }, // dearer and worse than c
    { id: 'g', x: 40, y: 0.9 }, // most accurate
    { id: 'h', x: 15, y: 0.8 }, // same y as a, dearer: dominated by a only
  ];
  assert.deepEqual(paretoFrontier(points), ['a', 'c', 'd', 'e', 'g']);
  assert.deepEqual(paretoFrontier([]), []);
});

test('frontiers per attribute on each cost axis', () => {
  const report = aggregateSweep(fixture());
  // sentiment: lora (10k params, 12 ms, 3000 B, .83), full (1M, 8 ms, 400000 B, .8167), head-only (2k, 5 ms, 500 B, .72)
  assert.deepEqual(report.frontiers.sentiment, {
    params: [A.name, H.name], // full has more params than lora and lower accuracy
    speed: [A.name, F.name, H.name], // full is faster than lora
    storage: [A.name, H.name],
  });
  // topic: only full (.62) and head-only (.51), cheaper on every axis
  assert.deepEqual(report.frontiers.topic, { params: [F.name, H.name], speed: [F.name, H.name], storage: [F.name, H.name] });
});

/** The rows of a markdown table under `#### task`. */
function markdownTable(text: string, task: string): string[] {
  const blocks = text.split('\n\n');
  const at = blocks.indexOf(`#### ${task}`);
  assert.ok(at >= 0, `no heading for ${task} in\n${text}`);
  return blocks[at + 1].split('\n');
}

test('markdown: a GitHub table per attribute under its heading, best marked, Δ paired, "ref" and "–"', () => {
  const text = sweepTable(aggregateSweep(fixture()), { markdown: true });
  assert.ok(text.startsWith('8/10 runs done; 1 failed\n\n'), text);
  assert.ok(text.indexOf('#### sentiment') < text.indexOf('#### topic'));
  assert.deepEqual(markdownTable(text, 'sentiment'), [
    '| setting | n | validation acc | test acc | test F1 | Δ test acc | trainable params | train ms/step | storage / attribute | frontier |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    // .02 → 2.0; √.0013 → 3.6; Δ .01333 ± .01202 → +1.3 ± 1.2; 3000 B → 2.9 KB
    '| adapter:lora · r=8 | 3 | 83.0 ± 2.0 | 83.0 ± 3.6 | 74.0 | +1.3 ± 1.2 | 10.0k | 12 | 2.9 KB | P S T |',
    '| full \\* | 3 | 86.0 ± 0.0 | 81.7 ± 3.2 | 72.0 | ref | 1.00M | 8 | 390.6 KB | T |',
    '| head-only | 2 | 71.0 ± 1.4 | 72.0 ± 2.8 | 60.0 | -8.5 ± 0.5 | 2.0k | 5 | 500 B | P S T |',
  ]);
  assert.match(text, /#### sentiment\n\n[^]*\n\nbest on validation: full — validation 86\.0 ± 0\.0, test 81\.7 ± 3\.2 \(n = 3\)\n\n#### topic/);
  assert.equal(markdownTable(text, 'topic').length, 4); // head, rule, full, head-only
});

test('terminal table: progress, fewer paired seeds than the row has shown as n, not comparable as "–"', () => {
  const report = aggregateSweep(fixture('head-only'));
  const text = sweepTable(report);
  assert.match(text, /^8\/10 runs done; 1 failed\n/);
  assert.match(text, /Δ: test accuracy minus head-only's on the same seed/);
  assert.match(text, /adapter:lora · r=8 .*\+9\.0 ± 1\.0 \(n = 2\)/); // .09 ± .01 over seeds 1 and 2
  assert.match(text, /head-only .* ref /);
  assert.match(text, /best on validation: full — validation 65\.0 ± 0\.0, test 62\.0 ± 2\.0 \(n = 3\)/); // topic
  const noReference = aggregateSweep({ ...fixture(), runs: fixture().runs.filter((r) => r.plan.name === 'adapter:lora') });
  assert.match(sweepTable(noReference), /adapter:lora · r=8 \* .* – /);
});

/** RFC 4180 fields of CSV text (quoted fields may hold commas, doubled quotes and newlines). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      fields.push(field);
      field = '';
    } else if (!quoted && c === '\n') {
      rows.push([...fields, field]);
      [fields, field] = [[], ''];
    } else {
      field += c;
    }
  }
  return rows;
}

test('CSV: a row per setting and attribute, plain numbers, empty cells, quoted commas and quotes', () => {
  const odd: Setting = { ...A, name: 'adapter:lora · act="gelu, tanh"', values: { 'adapters.*.act': 'gelu, tanh' } };
  const runs = [planned(odd, 1), planned(odd, 2), planned({ ...F, tasks: ['sentiment'] }, 1)];
  const input: SweepAggregateInput = {
    experiment: EXPERIMENT,
    paths: ['adapters.*.act'],
    runs,
    found: [
      found(runs[0], a(0.8, 0.7, 0.81, 10, 2000)),
      found(runs[1], a(0.9, 0.8, 0.83, 12, 3000)),
      found(runs[2], { ...a(0.75, 0.7, 0.7, 8, 9000), params: 1_000_000 }),
    ],
  };
  const text = sweepCsv(aggregateSweep(input));
  assert.ok(text.includes('"adapter:lora · act=""gelu, tanh""",adapter:lora,"gelu, tanh",sentiment,'), text);
  assert.doesNotMatch(text, /[–%]/);
  const [head, ...rows] = parseCsv(text);
  assert.equal(rows.length, 2);
  assert.ok(rows.every((r) => r.length === head.length));
  const cells = (r: string[]) => Object.fromEntries(head.map((h, i) => [h, r[i]]));
  const oddRow = cells(rows[0]);
  assert.equal(oddRow.setting, odd.name);
  assert.equal(oddRow['adapters.*.act'], 'gelu, tanh');
  assert.equal(oddRow.seeds, '1 2');
  assert.equal(oddRow.n, '2');
  close(Number(oddRow.test_acc_mean), 0.85, 'csv test mean'); // (.80 + .90) / 2
  close(Number(oddRow.diff_mean), 0.05, 'csv diff'); // paired on seed 1 only: .80 − .75
  assert.equal(oddRow.diff_n, '1');
  assert.equal(oddRow.reference, 'full');
  assert.equal(oddRow.bytes_per_attribute, '2500');
  assert.equal(oddRow.frontier_params, 'true'); // 10k params, .85 beats full's 1M, .75
  assert.equal(oddRow.best_on_validation, 'true'); // .82 > .70
  assert.equal(oddRow.run_ids.split(' ').length, 2);
  const fullRow = cells(rows[1]);
  assert.deepEqual([fullRow.diff_mean, fullRow.diff_se, fullRow.diff_n], ['', '', '']);
  assert.equal(fullRow['adapters.*.act'], '');
  assert.equal(fullRow.frontier_params, 'false');
});

test('JSON is the report itself', () => {
  const report = aggregateSweep(fixture());
  assert.deepEqual(JSON.parse(sweepJson(report)), JSON.parse(JSON.stringify(report)));
  assert.equal(JSON.parse(sweepJson(report)).settings[0].tasks.sentiment.test.n, 3);
});

test('a composition costs what it trains plus what the adapter runs it loads trained and store', () => {
  const P: Setting = { name: 'composition:all', runName: 'composition:all', type: 'composition', tasks: ['sentiment'] };
  const adapter = planned(A, 1);
  const parallel = planned(P, 1);
  parallel.info.needs = { 'adapter:lora': adapter.key };
  const report = aggregateSweep({
    experiment: EXPERIMENT,
    paths: [],
    runs: [adapter, parallel],
    found: [
      found(parallel, { test: { sentiment: [0.8, 0.8] }, validation: { sentiment: 0.8 }, params: 0, bytes: { sentiment: 500 }, ms: 0 }),
      found(adapter, a(0.8, 0.8, 0.8, 12, 3000)),
    ],
  });
  const row = report.settings.find((s) => s.setting === 'composition:all')!;
  assert.deepEqual(row.loads, ['adapter:lora']);
  assert.equal(row.trainableParams, 10_000, '0 of its own + 10,000 of the adapter run');
  assert.equal(row.bytesPerAttribute, 3500, '500 (heads) + 3000 (the adapter)');
  close(row.msPerStep.mean, 12, 'step time');
  // Equal accuracy at equal cost: both on the frontier, the composition no longer alone on it for free.
  assert.deepEqual(report.frontiers.sentiment.params, ['adapter:lora · r=8', 'composition:all']);
});
