// The README's base-model table: the example experiment (examples/reviews.adapterlab.json) trained on several bases
// and seeds, then test accuracy per run and attribute as mean ± standard deviation over the seeds.
// Usage: npx tsx bench/bases.ts [--seeds 42,1,2] [--bases random,builtin:lab-base,path:../.adapterlab/models/mlm-only]
//        [--out bench/bases.md]
// Each (base, seed) is one `adapter-lab train` of the example with only `base` and `seed` changed; runs go to
// .adapterlab/bases/<base>-<seed>/ and a completed run is reused while its settings are unchanged (so it can be
// resumed, and an edit of the example retrains only the runs it changes).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { applyEdits, modify } from 'jsonc-parser';
import type { ExperimentConfig } from '../src/core/config/types';
import { loadConfig } from '../src/core/config/validate';
import { listRuns } from '../src/core/io/runStore';
import { writeFileAtomic } from '../src/core/io/atomic';

type RunEntry = ReturnType<typeof listRuns>['runs'][number];

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE = path.join(ROOT, 'examples', 'reviews.adapterlab.json');
const WORK = path.join(ROOT, '.adapterlab', 'bases');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const seeds = option('seeds', '42,1,2').split(',').map(Number);
const bases = option('bases', 'random,builtin:lab-base').split(',');
const out = path.resolve(option('out', path.join(ROOT, 'bench', 'bases.md')));

/** `random` → a random base of lab-base's shape; `builtin:x`; `path:p` (relative to the repository root). */
function baseValue(base: string): object {
  if (base === 'random') return { random: { hiddenSize: 128, layers: 2, heads: 4, intermediateSize: 512, vocabSize: 8000, maxPositions: 128 } };
  if (base.startsWith('builtin:')) return { builtin: base.slice('builtin:'.length) };
  if (base.startsWith('path:')) return { path: path.resolve(ROOT, base.slice('path:'.length)) };
  throw new Error(`unknown base "${base}": use random, builtin:<name> or path:<folder>`);
}

function configFor(base: string, seed: number, runsDir: string): string {
  let text = fs.readFileSync(EXAMPLE, 'utf8');
  const set = (p: (string | number)[], value: unknown) => {
    text = applyEdits(text, modify(text, p, value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
  };
  set(['$schema'], path.join(ROOT, 'schemas', 'adapterlab.schema.json'));
  set(['base'], baseValue(base));
  set(['seed'], seed);
  set(['data'], { builtin: 'reviews' });
  set(['runsDir'], runsDir);
  return text;
}

type Accuracies = Record<string, Record<string, number[]>>; // run → task → accuracy per seed
const SPLITS = ['test', 'validation'] as const;
const results: Record<(typeof SPLITS)[number], Record<string, Accuracies>> = { test: {}, validation: {} };

/**
 * What a run was trained with, from a resolved config: a completed run is reused only while this is unchanged
 * (an edit of the example's adapters retrains the adapter runs alone). A changed base folder's weights are not
 * seen: delete its .adapterlab/bases/<base>-* folders.
 */
function runSettings(config: ExperimentConfig, run: string): string {
  const common = { base: config.base, data: config.data, split: config.split, tasks: config.tasks, seed: config.seed };
  if (run.startsWith('adapter:')) {
    const { train, ...adapter } = config.adapters.find((a) => `adapter:${a.name}` === run)!;
    return JSON.stringify({ ...common, adapter, train: { ...config.train.adapter, ...train } });
  }
  return JSON.stringify({ ...common, train: config.train[run as 'full' | 'head-only'] });
}

for (const base of bases) {
  for (const split of SPLITS) results[split][base] = {};
  for (const seed of seeds) {
    const dir = path.join(WORK, `${base.replace(/[^a-z0-9-]+/gi, '_')}-${seed}`);
    const runsDir = path.join(dir, 'runs');
    fs.mkdirSync(dir, { recursive: true });
    const configFile = path.join(dir, 'reviews.adapterlab.json');
    writeFileAtomic(configFile, configFor(base, seed, runsDir));
    const { config, problems } = loadConfig(configFile);
    if (!config) throw new Error(`${configFile}: ${problems.map((p) => p.message).join('; ')}`);
    const wanted = [...config.adapters.map((a) => `adapter:${a.name}`), ...config.baselines];
    // The newest completed run of each name whose settings are the config's.
    const current = () => {
      const byName = new Map<string, RunEntry>();
      for (const run of listRuns(runsDir).runs) {
        const name = run.record.name;
        if (!run.summary || run.record.status !== 'completed' || !wanted.includes(name)) continue;
        if (runSettings(run.record.config as ExperimentConfig, name) !== runSettings(config, name)) continue;
        if (!byName.has(name) || run.record.createdAt > byName.get(name)!.record.createdAt) byName.set(name, run);
      }
      return byName;
    };
    const missing = wanted.filter((name) => !current().has(name));
    if (missing.length) {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'adapter-lab.js'), 'train', configFile, '--only', ...missing], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error(`training ${base} seed ${seed} failed (exit ${r.status})`);
    }
    for (const run of current().values()) {
      for (const split of SPLITS) {
        for (const [task, m] of Object.entries(run.summary![split])) {
          ((results[split][base][run.record.name] ??= {})[task] ??= []).push(m.accuracy * 100);
        }
      }
    }
  }
}

const meanSd = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return xs.length > 1 ? `${mean.toFixed(1)} ± ${sd.toFixed(1)}` : mean.toFixed(1);
};
const table = (split: (typeof SPLITS)[number]) => [
  '| base | head-only sentiment / domain | adapters sentiment / domain | full sentiment / domain |',
  '|---|---|---|---|',
  ...bases.map((base) => {
    const acc = (run: string, task: string) => (results[split][base][run]?.[task]?.length ? meanSd(results[split][base][run][task]) : '–');
    return `| ${base} | ${acc('head-only', 'sentiment')} / ${acc('head-only', 'domain')} | ${acc('adapter:sentiment', 'sentiment')} / ${acc('adapter:domain', 'domain')} | ${acc('full', 'sentiment')} / ${acc('full', 'domain')} |`;
  }),
];
const lines = [
  `Test accuracy (%) on the reviews example, mean ± sd over seeds ${seeds.join(', ')} (training seed; the split is fixed).`,
  '',
  ...table('test'),
  '',
  'Validation accuracy (%) of the same runs, at the epoch each run kept (the best on this split, so slightly optimistic).',
  '',
  ...table('validation'),
];
writeFileAtomic(out, lines.join('\n') + '\n');
console.log(lines.join('\n'));
