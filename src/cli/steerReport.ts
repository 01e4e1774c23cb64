// `adapter-lab steer-report <config> --judge <run>`: how well the attribute adapters of a causal-lm experiment steer
// its decoder, measured (core/generate/steerReport.ts) and printed as a Markdown table with three samples per setup.
import * as fs from 'fs';
import type { BackendName } from '../common/runRecord';
import { formatProblem, loadConfig } from '../core/config/validate';
import { openJudge } from '../core/run/judge';
import { type SteerRow, measureSetup, openBase, steerSetups } from '../core/run/steerReport';
import { selectBackend } from '../core/model/backend';
import { isLanguageModelExperiment } from '../core/run/plan';
import { EXIT } from './exit';
import { RunNotFound, resolveRun } from './findRuns';

export interface SteerReportArgs {
  judge: string;
  samples: number;
  seed: number;
  maxTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  out?: string;
  backend?: BackendName;
}

export async function steerReportCommand(configFile: string, args: SteerReportArgs): Promise<number> {
  const { config, problems } = loadConfig(configFile);
  for (const p of problems) console.error(formatProblem(p));
  if (!config) return EXIT.badInput;
  if (!isLanguageModelExperiment(config)) {
    console.error(`adapter-lab steer-report: ${config.name} has no causal-lm tasks; give the config of attribute adapters on a decoder`);
    return EXIT.badInput;
  }
  let judgeDir: string;
  try {
    judgeDir = resolveRun(args.judge);
  } catch (e) {
    if (e instanceof RunNotFound) {
      console.error(`adapter-lab steer-report: --judge: ${e.message}`);
      return EXIT.badInput;
    }
    throw e;
  }
  const setups = steerSetups(config, config.runsDir);
  if (!setups.length) {
    console.error(`adapter-lab steer-report: no completed adapter run of "${config.name}" in ${config.runsDir}: run adapter-lab train ${configFile} first`);
    return EXIT.badInput;
  }
  await selectBackend(args.backend ?? config.backend);
  const judge = openJudge(judgeDir);
  const base = openBase(setups[0].run);
  const rows: SteerRow[] = [];
  try {
    for (const setup of setups) {
      const measured = measureSetup(setup, judge, base, args);
      rows.push(...measured);
      for (const r of measured) console.error(`${r.setup} → ${targetText(r.target)}: ${shareText(r)}`);
    }
  } finally {
    judge.dispose();
    base.dispose();
  }
  console.log(steerTable(rows, args));
  if (args.out) fs.writeFileSync(args.out, `${JSON.stringify({ judge: judgeDir, options: { ...args, out: undefined }, rows }, null, 2)}\n`);
  return EXIT.ok;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const targetText = (t: Record<string, string>) => Object.values(t).join(' + ');
const shareText = (r: SteerRow) =>
  [...Object.entries(r.share).map(([f, s]) => `${f} ${pct(s)}`), ...(r.joint !== undefined ? [`joint ${pct(r.joint)}`] : [])].join(', ');

/** The Markdown table of the README, then three samples per setup. */
export function steerTable(rows: SteerRow[], o: { samples: number; seed: number }): string {
  const lines = [
    `${o.samples} samples per setup and target, seed ${o.seed}; judged by the full fine-tuning classifiers.`,
    '',
    '| setup | target | on target per attribute | joint | perplexity under base | distinct-2 | trainable params | ms/token |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.setup} | ${targetText(r.target)} | ${Object.entries(r.share)
          .map(([f, s]) => `${f} ${pct(s)}`)
          .join(
            ', ',
          )} | ${r.joint !== undefined ? pct(r.joint) : '–'} | ${r.perplexity.toFixed(1)} | ${r.distinct2.toFixed(3)} | ${r.trainableParams.toLocaleString('en')} | ${r.msPerToken.toFixed(1)} |`,
    ),
    '',
  ];
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.setup)) continue;
    seen.add(r.setup);
    lines.push(`${r.setup}:`, ...r.examples.map((e) => `  - ${JSON.stringify(e)}`));
  }
  return lines.join('\n');
}
