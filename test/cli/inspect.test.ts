// `adapter-lab inspect` on an example whose base is the built-in model: the shape comes from its config.json, and
// every method's count follows its formula (prefix: AdapterHub's PrefixTuning, shared part in its own column).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { ROOT, requireBuild, runCli } from '../helpers/workspace';

before(requireBuild);

test('inspect reads a built-in base’s shape and prints each method’s parameters per layer and shared', () => {
  const r = runCli(['inspect', path.join(ROOT, 'examples/reviews-methods.adapterlab.json')], ROOT);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Base: 2 layers × 128 hidden, 4 heads, FFN 512/m);
  const row = (name: string) =>
    r.stdout
      .split('\n')
      .find((l) => l.startsWith(`│ ${name} `))!
      .split('│')
      .map((c) => c.trim())
      .filter(Boolean);
  // d 128, n 2 layers, P 16, b 64: per layer b·2d + 2d = 16,640; shared P·d + d·b + b = 10,304; head 16,770.
  assert.deepEqual(row('prefix').slice(3, 7), ['16.6k', '16.6k', '10.3k', '16.8k']);
  assert.deepEqual(row('lora').slice(3, 6), ['4.1k', '4.1k', '0']);
  assert.deepEqual(row('arc').slice(3, 6), ['288', '288', '4.1k']);
});
