import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayName, identify, labelRuns, runDetail, runLabel, shortId, shortTime } from '../../src/common/runIdentity';

const run = (id: string, experiment: string, name: string, createdAt: string) => ({ id, experiment, name, createdAt });

test('the k-th training of one name in one experiment is attempt k, by creation time; other experiments count apart', () => {
  const runs = [
    run('b', 'tiny', 'full', '2026-12-05T10:05:00.000Z'),
    run('a', 'tiny', 'full', '2026-12-05T10:00:00.000Z'),
    run('c', 'tiny', 'adapter:mood', '2026-12-05T10:00:00.000Z'),
    run('d', 'other', 'full', '2026-12-05T09:00:00.000Z'),
    run('a', 'tiny', 'full', '2026-12-05T10:00:00.000Z'), // listed twice (shown and among its siblings): counts once
  ];
  const ids = identify(runs);
  assert.deepEqual(
    ['a', 'b', 'c', 'd'].map((id) => [ids.get(id)!.attempt, ids.get(id)!.attempts]),
    [
      [1, 2],
      [2, 2],
      [1, 1],
      [1, 1],
    ],
  );
});

test('labels: the attempt when a name was trained more than once, the experiment when the runs shown span several', () => {
  const ids = identify([
    run('a', 'tiny', 'full', '2026-12-05T10:00:00Z'),
    run('b', 'tiny', 'full', '2026-12-05T10:05:00Z'),
    run('c', 'tiny', 'adapter:mood', '2026-12-05T10:00:00Z'),
    run('d', 'other', 'full', '2026-12-05T09:00:00Z'),
  ]);
  assert.equal(runLabel(ids.get('c')!, false), 'adapter:mood');
  assert.equal(runLabel(ids.get('b')!, false), 'full #2');
  const oneExperiment = labelRuns([ids.get('a')!, ids.get('b')!, ids.get('c')!]);
  assert.deepEqual([...oneExperiment.values()], ['full #1', 'full #2', 'adapter:mood']);
  const mixed = labelRuns([...ids.values()]);
  assert.deepEqual([...mixed.values()].sort(), ['other · full', 'tiny · adapter:mood', 'tiny · full #1', 'tiny · full #2']);
  assert.equal(new Set(mixed.values()).size, mixed.size, 'every label differs');
});

test('a sweep run is named by its setting and seed; the detail line has the attempt, a short time and a short id', () => {
  assert.equal(displayName({ name: 'adapter:lora', sweep: { setting: 'adapter:lora · r=8', seed: 2 } }), 'adapter:lora · r=8 · seed 2');
  const created = '2026-12-05T21:04:09.000Z';
  const local = new Date(created);
  const two = (n: number) => String(n).padStart(2, '0');
  assert.equal(shortTime(created), `${two(local.getMonth() + 1)}-${two(local.getDate())} ${two(local.getHours())}:${two(local.getMinutes())}`);
  assert.equal(shortTime('not a date'), '');
  const id = '2026-12-05T21-04-09-tiny-full';
  assert.match(shortId(id), /^[0-9a-z]{6}$/);
  assert.equal(shortId(id), shortId(id));
  assert.notEqual(shortId(id), shortId('2026-12-05T21-04-10-tiny-full'), 'a second apart: different handles');
  assert.equal(runDetail({ id, attempt: 2, createdAt: created }), `#2 · ${shortTime(created)} · ${shortId(id)}`);
});
