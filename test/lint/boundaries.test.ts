// The walls of .dependency-cruiser.cjs hold: a tree laid out like this one, with one wrong import planted at a
// time, fails the check naming the rule; the same tree without it passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const DEPCRUISE = path.join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** A miniature of the project: one file per folder the rules name, each importing what it may. */
const ALLOWED: Record<string, string> = {
  'src/common/events.ts': 'export const a = 1;\n',
  'src/protocol/trainer.ts': "import { a } from '../common/events';\nexport const b = a;\n",
  'src/core/model/ops.ts': "import * as tf from '@tensorflow/tfjs';\nexport const dense = tf.add;\n",
  'src/core/adapters/methods/lora.ts': "import { a } from '../../../common/events';\nexport const lora = a;\n",
  'src/core/adapters/modules/lora.ts': "import { dense } from '../../model/ops';\nimport { lora } from '../methods/lora';\nexport const m = [dense, lora];\n",
  'src/core/run/plan.ts': "import { lora } from '../adapters/methods/lora';\nexport const plan = lora;\n",
  'src/runner/queue.ts': "import { plan } from '../core/run/plan';\nimport { b } from '../protocol/trainer';\nexport const q = [plan, b];\n",
  'src/trainer/main.ts': "import { m } from '../core/adapters/modules/lora';\nexport const t = m;\n",
  'src/extension/extension.ts': "import { q } from '../runner/queue';\nexport const e = q;\n",
  'webview/curves/main.ts': "import { b } from '../../src/protocol/trainer';\nexport const w = b;\n",
};

function cruise(extra: Record<string, string>): { status: number | null; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-walls-'));
  try {
    for (const [file, text] of Object.entries({ ...ALLOWED, ...extra })) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    fs.copyFileSync(path.join(ROOT, '.dependency-cruiser.cjs'), path.join(dir, '.dependency-cruiser.cjs'));
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', strict: true }, include: ['src', 'webview'] }),
    );
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const r = spawnSync(process.execPath, [DEPCRUISE, 'src', 'webview', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the miniature with only allowed imports passes', () => {
  const { status, out } = cruise({});
  assert.equal(status, 0, out);
});

const WRONG: [string, Record<string, string>, RegExp][] = [
  ['a webview importing core', { 'webview/graph/main.ts': "import { plan } from '../../src/core/run/plan';\nexport const g = plan;\n" }, /webview-imports/],
  ['the protocol importing core', { 'src/protocol/curves.ts': "import { plan } from '../core/run/plan';\nexport const c = plan;\n" }, /protocol-imports/],
  ['core importing the protocol', { 'src/core/run/events.ts': "import { b } from '../../protocol/trainer';\nexport const x = b;\n" }, /core-imports/],
  ['the trainer importing the runner', { 'src/trainer/host.ts': "import { q } from '../runner/queue';\nexport const h = q;\n" }, /trainer-imports/],
  [
    'the model importing adapters (a lower layer a higher one)',
    { 'src/core/model/bert.ts': "import { m } from '../adapters/modules/lora';\nexport const bert = m;\n" },
    /core-layer-io-data-config-model/,
  ],
  ['the extension importing the trainer', { 'src/extension/training.ts': "import { t } from '../trainer/main';\nexport const tr = t;\n" }, /extension-imports/],
  [
    'the extension reaching TensorFlow.js through core',
    { 'src/extension/training.ts': "import { m } from '../core/adapters/modules/lora';\nexport const tr = m;\n" },
    /extension-without-tfjs/,
  ],
  [
    'a method descriptor reaching TensorFlow.js',
    { 'src/core/adapters/methods/arc.ts': "import { dense } from '../../model/ops';\nexport const arc = dense;\n" },
    /descriptors-without-tfjs/,
  ],
  ['browser code importing a Node built-in', { 'src/common/files.ts': "import * as fs from 'fs';\nexport const f = fs;\n" }, /browser-safe/],
  [
    'an import cycle',
    {
      'src/core/run/a.ts': "import { y } from './b';\nexport const x = () => y;\n",
      'src/core/run/b.ts': "import { x } from './a';\nexport const y = () => x;\n",
    },
    /no-circular/,
  ],
];

for (const [what, extra, rule] of WRONG) {
  test(`the check fails on ${what}`, () => {
    const { status, out } = cruise(extra);
    assert.notEqual(status, 0, out);
    assert.match(out, rule);
  });
}
