// Temporary experiment folders with a small synthetic data set, for end-to-end runs of the CLI and trainer.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

export const ROOT = path.resolve(__dirname, '../..');
export const CLI = path.join(ROOT, 'bin/adapter-lab.js');
export const TRAINER = path.join(ROOT, 'dist/trainer.js');

/** A stand-in trainer: `source` written to a trainer.js of its own, for a host to fork instead of dist/trainer.js. */
export function fakeTrainer(source: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-fake-')), 'trainer.js');
  fs.writeFileSync(file, source);
  return file;
}

export function requireBuild(): void {
  if (!fs.existsSync(TRAINER)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
}

/** 80 short "reviews": sentiment from the words used, topic from the nouns. */
export function syntheticRows(): { text: string; mood: string; topic: string }[] {
  const good = ['great', 'lovely', 'excellent', 'good'];
  const bad = ['awful', 'terrible', 'bad', 'poor'];
  const topics = { food: ['pizza', 'soup', 'pasta'], film: ['movie', 'actor', 'plot'] };
  const rows = [];
  for (let i = 0; i < 80; i++) {
    const positive = i % 2 === 0;
    const topic = i % 4 < 2 ? 'food' : 'film';
    const word = (positive ? good : bad)[i % 4];
    const noun = topics[topic][i % 3];
    rows.push({ text: `the ${noun} was ${word} , really ${word}`, mood: positive ? 'pos' : 'neg', topic });
  }
  return rows;
}

export function makeWorkspace(config: Record<string, unknown>, rows: object[] = syntheticRows()): { dir: string; configFile: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapterlab-test-'));
  fs.writeFileSync(path.join(dir, 'data.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const configFile = path.join(dir, 'tiny.adapterlab.json');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
  return { dir, configFile };
}

export function tinyConfig(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'tiny',
    base: { random: { hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 32, vocabSize: 120, maxPositions: 32 } },
    data: { path: './data.jsonl', textField: 'text' },
    split: { validation: 0.2, test: 0.2, seed: 1 },
    tasks: { mood: {}, topic: {} },
    adapters: { mood: { method: 'houlsby', bottleneckSize: 4 }, topic: { method: 'pfeiffer', bottleneckSize: 4 } },
    baselines: ['full', 'head-only'],
    train: {
      batchSize: 8,
      maxLength: 16,
      logEvery: 2,
      epochs: 2,
      adapter: { learningRate: 0.01 },
      full: { learningRate: 0.001 },
      'head-only': { learningRate: 0.01 },
    },
    ...over,
  };
}

export function runCli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
