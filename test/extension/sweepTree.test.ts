// A sweep in the Runs tree, from synthetic run records: its runs under a sweep node by setting, one run per seed with
// the seed's earlier attempts folded under it, progress counted once per seed, the experiment's plain runs beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord, RunStatus, RunSummary } from '../../src/common/runRecord';
import { type RunEntry, runAccessibilityLabel, runTooltip } from '../../src/extension/runsModel';
import { type RunsTreeNode, buildNodes, contextValueOf, idOf, layoutOf, runDirOf, runsOfNode, takeData } from '../../src/extension/runsTreeNodes';
import { groupSweep, settingDescription, settingTooltip, sweepDescription, sweepTooltip } from '../../src/extension/sweepGroups';

const CONFIG_FILE = '/ws/tiny.adapterlab.json';
const FIRST = '2026-01-01T10:00:00.000Z'; // the sweep queues all its runs at one instant
const RESUMED = '2026-01-02T10:00:00.000Z';

interface SweepRunSpec {
  setting: string;
  seed: number;
  status: RunStatus;
  createdAt: string;
  accuracy?: number; // test accuracy on mood, when completed
  key?: string; // by default one per setting and seed
  total?: number;
}

let lastId = 0;

function entry(name: string, createdAt: string, status: RunStatus, extra: Partial<RunRecord> = {}, accuracy?: number): RunEntry {
  const id = `${createdAt}-${++lastId}`;
  const record: RunRecord = {
    id,
    experiment: 'tiny',
    name,
    type: name.startsWith('adapter:') ? 'adapter' : 'full',
    tasks: ['mood', 'topic'],
    status,
    configFile: CONFIG_FILE,
    config: {},
    machine: { platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'cpu', memoryGiB: 8, node: 'v20' },
    createdAt,
    ...extra,
  };
  return { dir: `/ws/.adapterlab/runs/${id}`, record, ...(accuracy !== undefined && { summary: summary(accuracy) }) };
}

function sweepRun(s: SweepRunSpec): RunEntry {
  const name = s.setting.split(' · ')[0];
  const sweep = { key: s.key ?? `${s.setting}/${s.seed}`, setting: s.setting, values: {}, seed: s.seed, total: s.total ?? 6 };
  return entry(name, s.createdAt, s.status, { sweep }, s.accuracy);
}

const summary = (mood: number): RunSummary => ({
  id: 'x',
  name: 'adapter:lora',
  type: 'adapter',
  status: 'completed',
  backend: 'wasm',
  base: 'random',
  test: { mood: { accuracy: mood, macroF1: mood, loss: 0.5, count: 100 }, topic: { accuracy: 0.5, macroF1: 0.5, loss: 0.7, count: 100 } },
  validation: {},
  bestEpoch: 1,
  steps: 10,
  totalParams: 20000,
  trainableParams: 1200,
  trainablePercent: 6,
  bytesOnDisk: 4800,
  bytesPerTask: { mood: 4800 },
  msPerStep: 3,
  inferenceMsPerExample: 0.1,
  paddingShare: 0.2,
  wallMs: 1000,
});

const R8 = 'adapter:lora · r=8';
const R16 = 'adapter:lora · r=16';
const R4 = 'adapter:lora · r=4';

/**
 * A sweep of 3 settings × 2 seeds queued at once, then resumed with r=4 added (8 runs now): r=8 seed 2 failed and
 * completed on the resume; r=16 seed 2 is running; both seeds of full failed or were cancelled; r=4 is queued.
 */
function sweepRuns(): RunEntry[] {
  return [
    sweepRun({ setting: 'full', seed: 1, status: 'failed', createdAt: FIRST }),
    sweepRun({ setting: R16, seed: 2, status: 'running', createdAt: FIRST }),
    sweepRun({ setting: R8, seed: 2, status: 'completed', createdAt: RESUMED, accuracy: 0.86, total: 8 }),
    sweepRun({ setting: R16, seed: 1, status: 'completed', createdAt: FIRST, accuracy: 0.8 }),
    sweepRun({ setting: R4, seed: 1, status: 'queued', createdAt: RESUMED, total: 8 }),
    sweepRun({ setting: R8, seed: 1, status: 'completed', createdAt: FIRST, accuracy: 0.84 }),
    sweepRun({ setting: 'full', seed: 2, status: 'cancelled', createdAt: FIRST }),
    sweepRun({ setting: R8, seed: 2, status: 'failed', createdAt: FIRST }),
    sweepRun({ setting: R4, seed: 2, status: 'queued', createdAt: RESUMED, total: 8 }),
  ];
}

test('settings in the order their first run was created; those queued together in the order of their values', () => {
  const sweep = groupSweep(sweepRuns());
  assert.deepEqual(
    sweep.settings.map((s) => [s.setting, s.seeds.map((seed) => seed.seed)]),
    [
      [R8, [1, 2]],
      [R16, [1, 2]],
      ['full', [1, 2]],
      [R4, [1, 2]],
    ],
  );
  assert.equal(sweep.configFile, CONFIG_FILE);
});

test('a seed that completed after a failed attempt is done once, not failed; the attempt folds under it', () => {
  const sweep = groupSweep(sweepRuns());
  const seed2 = sweep.settings[0].seeds[1];
  assert.equal(seed2.run.record.status, 'completed');
  assert.equal(seed2.run.record.createdAt, RESUMED);
  assert.deepEqual(
    seed2.earlier.map((e) => [e.attempt, e.entry.record.status, e.otherInputs]),
    [[1, 'failed', false]],
  );
  // done: r=8 × 2, r=16 seed 1; failed: full × 2 (one cancelled); running: r=16 seed 2; total from the newest runs
  assert.deepEqual(sweep.progress, { done: 3, failed: 2, running: 1, total: 8 });
  assert.equal(sweepDescription(sweep.progress), '3/8 done · 2 failed · 1 running');
});

test('a completed run decides its seed even when a later attempt of the same key failed', () => {
  const sweep = groupSweep([
    sweepRun({ setting: R8, seed: 1, status: 'completed', createdAt: FIRST, accuracy: 0.84 }),
    sweepRun({ setting: R8, seed: 1, status: 'failed', createdAt: RESUMED }),
  ]);
  const [seed] = sweep.settings[0].seeds;
  assert.equal(seed.run.record.status, 'completed');
  assert.deepEqual(
    seed.earlier.map((e) => [e.attempt, e.entry.record.status]),
    [[2, 'failed']],
  );
  assert.deepEqual(sweep.progress, { done: 1, failed: 0, running: 0, total: 6 });
});

test('after the config changed a seed’s inputs, its newest run decides: the old completed one no longer counts', () => {
  const sweep = groupSweep([
    sweepRun({ setting: R8, seed: 1, status: 'completed', createdAt: FIRST, accuracy: 0.84, key: 'old' }),
    sweepRun({ setting: R8, seed: 1, status: 'running', createdAt: RESUMED, key: 'new' }),
  ]);
  const [seed] = sweep.settings[0].seeds;
  assert.equal(seed.run.record.sweep!.key, 'new');
  assert.deepEqual(
    seed.earlier.map((e) => [e.attempt, e.entry.record.status, e.otherInputs]),
    [[1, 'completed', true]],
  );
  assert.deepEqual(sweep.progress, { done: 0, failed: 0, running: 1, total: 6 });
  assert.equal(settingDescription(sweep.settings[0]), '1 seed · 1 running');
});

test('a setting shows its seeds and the mean ± sd of test accuracy on its first task over the completed ones', () => {
  const [r8, r16, full, r4] = groupSweep(sweepRuns()).settings;
  assert.equal(settingDescription(r8), '2 seeds · 85.0 ± 1.4'); // 84 and 86: sd = √2 points
  assert.equal(settingDescription(r16), '2 seeds · 80.0 · 1 running'); // one seed: no sd
  assert.equal(settingDescription(full), '2 seeds · 2 failed');
  assert.equal(settingDescription(r4), '2 seeds');
  assert.equal(settingTooltip(r8), `**${R8}** · seeds 1, 2  \nTest accuracy on mood: 85.0 ± 1.4 (mean ± sd over 2 completed seeds)`);
});

test('the sweep tooltip names the config and every count', () => {
  const tooltip = sweepTooltip('tiny', groupSweep(sweepRuns()));
  for (const part of [
    '**Sweep** of `tiny` · 3 of 8 runs done',
    `Config: \`${CONFIG_FILE}\``,
    '3 done · 2 failed or cancelled · 1 running · 2 not started or queued',
    '4 settings, 8 seed runs; 1 earlier attempt folded under their seeds',
  ]) {
    assert.ok(tooltip.includes(part), `tooltip has "${part}":\n${tooltip}`);
  }
});

/** The tree as labels, nested: what the user sees. */
function outline(node: RunsTreeNode): unknown {
  const children: readonly RunsTreeNode[] = node.children;
  const label =
    node.kind === 'experiment' ? node.group.experiment : node.kind === 'sweep' ? 'sweep' : node.kind === 'setting' ? node.setting.setting : node.label;
  return children.length ? [label, children.map(outline)] : label;
}

function treeOfTiny() {
  const plain = [entry('adapter:mood', '2025-12-31T10:00:00.000Z', 'completed'), entry('full', '2026-01-03T10:00:00.000Z', 'running')];
  const other = entry('full', '2025-12-01T10:00:00.000Z', 'completed', { experiment: 'other' });
  return { nodes: buildNodes([...sweepRuns(), plain[0], other, plain[1]]), plain };
}

test('under the experiment: the sweep by setting and seed, then its plain runs as before, newest first', () => {
  const { nodes } = treeOfTiny();
  assert.deepEqual(nodes.map(outline), [
    [
      'tiny',
      [
        [
          'sweep',
          [
            [R8, ['seed 1', ['seed 2', ['attempt 1']]]],
            [R16, ['seed 1', 'seed 2']],
            ['full', ['seed 1', 'seed 2']],
            [R4, ['seed 1', 'seed 2']],
          ],
        ],
        'full',
        'adapter:mood',
      ],
    ],
    ['other', ['full']],
  ]);
  const idsUnder = (node: RunsTreeNode): string[] => [idOf(node), ...(node.children as readonly RunsTreeNode[]).flatMap(idsUnder)];
  const ids = nodes.flatMap(idsUnder);
  assert.equal(ids.length, 2 + 1 + 4 + 9 + 3);
  assert.equal(new Set(ids).size, ids.length, 'every tree item has its own id');
});

test('the sweep node is "sweep" to menus and carries its config file; seeds and attempts have the run menus', () => {
  const { nodes } = treeOfTiny();
  const sweep = nodes[0].children[0];
  assert.equal(sweep.kind, 'sweep');
  assert.equal(contextValueOf(sweep), 'sweep');
  assert.equal((sweep as unknown as { configFile: string }).configFile, CONFIG_FILE); // what adapterLab.showSweep reads
  const setting = sweep.children[0] as Extract<RunsTreeNode, { kind: 'setting' }>;
  assert.equal(contextValueOf(setting), 'sweepSetting');
  const seed2 = setting.children[1];
  const attempt = seed2.children[0];
  assert.equal(contextValueOf(seed2), 'run.completed');
  assert.equal(contextValueOf(attempt), 'run.failed');
  assert.equal(runDirOf(seed2), seed2.entry.dir);
  assert.equal(runDirOf(attempt), attempt.entry.dir);
  assert.equal(runAccessibilityLabel(attempt.entry, undefined, attempt.spokenName), `${R8}, seed 2, attempt 1, failed, failed`);
  assert.ok(runTooltip(seed2.entry).includes(`Sweep: ${R8} · seed 2`));
});

test('a command on a group acts on every run folder under it; on a seed, on that run alone', () => {
  const { nodes, plain } = treeOfTiny();
  const [experiment] = nodes;
  const sweep = experiment.children[0];
  assert.equal(runsOfNode(experiment).length, 9 + plain.length);
  assert.equal(runsOfNode(sweep).length, 9);
  const r8 = sweep.children[0] as Extract<RunsTreeNode, { kind: 'setting' }>;
  assert.equal(runsOfNode(r8).length, 3); // two seeds and the failed attempt
  assert.deepEqual(runsOfNode(r8.children[1]), [r8.children[1].entry]);
});

test('a refresh with the same runs keeps the node objects and gives them the new data', () => {
  const runs = sweepRuns();
  const shown = buildNodes(runs);
  const finished = runs.map((r) =>
    r.record.status === 'running' ? { ...r, record: { ...r.record, status: 'completed' as const }, summary: summary(0.82) } : r,
  );
  const fresh = buildNodes(finished);
  assert.equal(layoutOf(fresh), layoutOf(shown));
  const seedNode = shown[0].children[0].children[1].children[1];
  takeData(shown[0], fresh[0]);
  assert.equal(shown[0].children[0].children[1].children[1], seedNode, 'the same object');
  assert.equal(seedNode.kind === 'run' && seedNode.entry.record.status, 'completed');
  const sweep = shown[0].children[0];
  assert.equal(sweep.kind === 'sweep' && sweepDescription(sweep.sweep.progress), '4/8 done · 2 failed');
  assert.equal(idOf(sweep), 'sweep:tiny');
});

test('a config trained twice: its plain runs are told apart by attempt, named as the panels name them', () => {
  const first = entry('full', '2026-02-01T10:00:00.000Z', 'completed');
  const second = entry('full', '2026-02-01T11:00:00.000Z', 'completed');
  const once = entry('head-only', '2026-02-01T10:00:00.000Z', 'completed');
  const other = entry('full', '2026-02-01T12:00:00.000Z', 'completed', { experiment: 'other' });
  const nodes = buildNodes([first, second, once, other]);
  assert.deepEqual(nodes.map(outline), [
    ['other', ['full']],
    ['tiny', ['full #2', 'full #1', 'head-only']],
  ]);
  const run = nodes[1].children[0];
  assert.ok(run.kind === 'run');
  assert.match(runAccessibilityLabel(run.entry, undefined, run.spokenName), /^full #2, completed/);
});
