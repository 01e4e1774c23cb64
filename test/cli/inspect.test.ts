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

test('inspect prints what each composition trains: a Fuse over K-adapters 3(d² + d) for the fusion and a head on 2d', () => {
  const r = runCli(['inspect', path.join(ROOT, 'examples/knowledge.adapterlab.json')], ROOT);
  assert.equal(r.status, 0, r.stderr);
  const line = (name: string) => r.stdout.split('\n').find((l) => l.startsWith(`composition:${name} `))!;
  // d 128, 2 labels: fusion 3·(128² + 128) = 49,536; head on [base; fused] 256·128 + 128 + 128·2 + 2 = 33,154.
  assert.match(line('fuse-sentiment'), /Fuse\(linguistic, lexical\) {2}→ sentiment {2}· trains 82\.7k \(fusion 49\.5k, heads 33\.2k\)$/);
  // Concat: the head reads [base; linguistic; lexical], 384·128 + 128 + 128·2 + 2 = 49,538, and nothing else trains.
  assert.match(line('both-sentiment'), /· trains 49\.5k \(heads 49\.5k\)$/);
});
