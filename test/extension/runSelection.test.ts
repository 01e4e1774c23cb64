// What commands on the Runs tree's selection act on, and that a selection with a group row in it keeps its context
// menu: VS Code shows only the items every selected row has, so the multi-run commands are on group rows too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { RunRecord } from '../../src/common/runRecord';
import type { RunEntry } from '../../src/extension/runsModel';
import { runsOfSelection } from '../../src/extension/runSelection';
import { type RunsTreeNode, buildNodes, contextValueOf } from '../../src/extension/runsTreeNodes';

function entry(experiment: string, name: string, createdAt: string): RunEntry {
  const record: RunRecord = {
    id: `${experiment}-${name}`,
    experiment,
    name,
    type: name.startsWith('adapter:') ? 'adapter' : 'full',
    tasks: ['mood'],
    status: 'completed',
    configFile: `/ws/${experiment}.adapterlab.json`,
    config: {},
    machine: { platform: 'linux', arch: 'x64', cpus: 2, cpuModel: 'cpu', memoryGiB: 8, node: 'v20' },
    createdAt,
  };
  return { dir: `/ws/.adapterlab/runs/${record.id}`, record };
}

// Two experiments as the tree shows them: reviews (trained last) first, then tiny.
const [reviews, tiny] = buildNodes([
  entry('tiny', 'adapter:mood', '2026-01-01T10:00:00Z'),
  entry('tiny', 'full', '2026-01-01T10:00:01Z'),
  entry('reviews', 'adapter:domain', '2026-01-02T10:00:00Z'),
  entry('reviews', 'head-only', '2026-01-02T10:00:01Z'),
]);
const names = (runs: RunEntry[]) => runs.map((r) => `${r.record.experiment}/${r.record.name}`).sort();
const rowOf = (experiment: RunsTreeNode, name: string) => experiment.children.find((c) => c.kind === 'run' && c.entry.record.name === name)!;

test("a Shift-selection across two experiments acts on the runs selected, not on all of the second experiment's runs", () => {
  // From reviews' last run down to tiny's first: the rows in between include tiny's experiment row.
  const selection = [rowOf(reviews, 'adapter:domain'), tiny, rowOf(tiny, 'full')];
  assert.deepEqual(names(runsOfSelection(selection)), ['reviews/adapter:domain', 'tiny/full']);
});

test('experiment rows alone stand for their runs, each run once', () => {
  assert.deepEqual(names(runsOfSelection([tiny])), ['tiny/adapter:mood', 'tiny/full']);
  assert.deepEqual(names(runsOfSelection([tiny, reviews, tiny])), ['reviews/adapter:domain', 'reviews/head-only', 'tiny/adapter:mood', 'tiny/full']);
});

test('the commands that act on several runs are on every kind of row, so a mixed selection keeps its context menu', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
  const items: { command: string; when: string; group: string }[] = pkg.contributes.menus['view/item/context'];
  const shownOn = (command: string, viewItem: string) =>
    items.some((i) => i.command === command && !i.group.startsWith('inline') && new RegExp(/viewItem =~ \/(.*)\/$/.exec(i.when)![1]).test(viewItem));
  const rows = [contextValueOf(tiny), contextValueOf(rowOf(tiny, 'full')), 'sweep', 'sweepSetting'];
  for (const command of ['adapterLab.openCurves', 'adapterLab.compareRuns', 'adapterLab.deleteRun']) {
    for (const row of rows) assert.ok(shownOn(command, row), `${command} on a ${row} row`);
  }
  assert.ok(!shownOn('adapterLab.revealRun', 'experiment'), 'single-run commands stay on run rows');
});
