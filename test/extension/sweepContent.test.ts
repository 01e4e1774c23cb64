// The sweep panel's host side on real run folders: the first read builds everything, an unchanged runs folder sends
// nothing, a run that changes is read again and sent, another reference recomputes the differences. With 200 runs it
// also measures what each costs (printed; no time is asserted: the machine is shared).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { DISK_CHECKS } from '../../src/core/config/diskChecks';
import { readRunFile, updateRun } from '../../src/core/io/runStore';
import { SweepContent } from '../../src/extension/webviews/sweepContent';
import { isSweepToWebview, type SweepMessage } from '../../src/protocol/sweep';
import { writeSyntheticSweep } from '../helpers/syntheticSweep';
import { makeWorkspace, tinyConfig } from '../helpers/workspace';

const colorsOf = (ids: string[]) => ids.map((_, i) => `#00000${i % 10}`);

function sweepMessage(m: ReturnType<SweepContent['update']>): SweepMessage {
  assert.ok(m && m.type === 'sweep', JSON.stringify(m)?.slice(0, 300));
  return m;
}

test('200 runs: built once, sent again only when a run changes or the reference does; each step timed', (t) => {
  const { dir } = makeWorkspace(tinyConfig());
  const { configFile, runDirs } = writeSyntheticSweep(dir, 'big');
  const content = new SweepContent({ configFile, diskChecks: DISK_CHECKS, colorsOf });

  let started = performance.now();
  content.prepare(); // what the panel does while its page loads
  const prepareMs = performance.now() - started;
  started = performance.now();
  const first = sweepMessage(content.update(undefined));
  const firstMs = performance.now() - started;
  assert.ok(isSweepToWebview(first), 'what the host sends passes the webview’s guard');
  assert.equal(first.runs.length, 200);
  assert.deepEqual(first.report.progress, { completed: 200, total: 200, failed: 0 });
  assert.equal(first.report.settings.length, 25, '12 Houlsby, 12 LoRA settings and full');
  assert.equal(first.report.reference, 'full', 'full fine-tuning is the reference by default');
  assert.ok(first.runs.every((r) => r.status === 'completed' && r.dir && r.color && r.tasks.mood));
  assert.deepEqual(first.pathLabels, {
    'adapters.houlsby.bottleneckSize': 'bottleneckSize',
    'adapters.lora.r': 'r',
    'train.adapter.learningRate': 'learningRate',
  });

  started = performance.now();
  assert.equal(content.update('full'), undefined, 'nothing changed: nothing to send');
  const idleMs = performance.now() - started;

  // A run is trained again (running now): its row shows it, the report still counts its completed run.
  const again = path.join(path.dirname(runDirs[0]), `${path.basename(runDirs[0])}-again`);
  fs.mkdirSync(again);
  fs.writeFileSync(path.join(again, 'run.json'), JSON.stringify({ ...readRunFile(runDirs[0]), id: path.basename(again), status: 'failed' }));
  started = performance.now();
  const changed = sweepMessage(content.update('full'));
  const changedMs = performance.now() - started;
  assert.equal(changed.runs.find((r) => r.key === first.runs[0].key)!.dir, runDirs[0], 'the completed folder stands for the run');
  assert.equal(changed.report.progress.completed, 200);

  updateRun(runDirs[1], { status: 'failed', reason: 'test' });
  const failed = sweepMessage(content.update('full'));
  assert.equal(failed.runs[1].status, 'failed');
  assert.equal(failed.report.progress.completed, 199);
  assert.equal(failed.report.progress.failed, 1);

  const reference = first.report.settings[0].setting;
  const differences = sweepMessage(content.update(reference));
  assert.equal(differences.report.reference, reference);
  assert.equal(differences.report.settings.find((s) => s.setting === 'full')!.tasks.mood.difference?.reference, reference);
  assert.ok(content.runDirs.has(runDirs[5]) && !content.runDirs.has(again), 'only the folders the table lists may be opened');

  t.diagnostic(
    `sweep panel host, 200 runs (384 points): check and plan the config and read 200 run folders ${prepareMs.toFixed(0)} ms, ` +
      `then aggregate and build the message ${firstMs.toFixed(0)} ms; ` +
      `a poll with nothing changed ${idleMs.toFixed(1)} ms; rebuild after one run folder changed ${changedMs.toFixed(1)} ms`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a config without a sweep, or with problems, is explained instead of shown', () => {
  const { dir, configFile } = makeWorkspace(tinyConfig());
  const content = new SweepContent({ configFile, diskChecks: DISK_CHECKS, colorsOf });
  const none = content.update(undefined);
  assert.equal(none?.type, 'error');
  assert.match(none!.type === 'error' ? none!.message : '', /has no "sweep"/);
  assert.equal(content.update(undefined), undefined, 'said once');
  fs.writeFileSync(configFile, JSON.stringify(tinyConfig({ sweep: { grid: { 'adapters.mood.bottleneckSize': [4, 400] } } })));
  const broken = content.update(undefined);
  assert.ok(broken?.type === 'error' && /bottleneckSize/.test(broken.detail ?? ''), JSON.stringify(broken));
  fs.rmSync(dir, { recursive: true, force: true });
});
