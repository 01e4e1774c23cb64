// `adapter-lab steer-report <config> --judge <run>`: how well the attribute adapters of a causal-lm experiment steer
// its decoder, measured (core/generate/steerReport.ts) and printed as a Markdown table with three samples per setup.
import * as path from 'path';
import type { BackendName } from '../common/runRecord';
import { formatProblem, loadConfig } from '../core/config/validate';
import { writeJsonAtomic } from '../core/io/atomic';
import { openJudge } from '../core/run/judge';
import { type SteerOptions, type SteerRow, checkTargets, measureHeldOut, measureSetup, openBase, shareError, steerSetups } from '../core/run/steerReport';
import { selectBackend } from '../core/model/backend';
import { isLanguageModelExperiment } from '../core/run/plan';
import { loadExperimentData } from '../core/run/experiment';
import { EXIT } from './exit';
import { RunNotFound, resolveRun } from './findRuns';

export interface SteerReportArgs extends SteerOptions {
  judge: string;
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
    rows.push(...measureHeldOut(loadExperimentData(config).rows.test, setups[0].targets, judge, base));
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
  // The judge as a path from the output's folder, so the file means the same wherever the project is.
  if (args.out) writeJsonAtomic(args.out, { judge: path.relative(path.dirname(path.resolve(args.out)), judgeDir), options: { ...args, out: undefined }, rows });
  return EXIT.ok;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const pctError = (x: number, n: number) => `${pct(x)} ± ${(100 * shareError(x, n)).toFixed(1)}`;
const points = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;
const targetText = (t: Record<string, string>) => Object.values(t).join(' + ');
const shareText = (r: SteerRow) =>
  [...Object.entries(r.share).map(([f, s]) => `${f} ${pct(s)}`), ...(r.joint !== undefined ? [`joint ${pct(r.joint)}`] : [])].join(', ');

/**
 * The Markdown of the README: one table for single-attribute targets, one for two-attribute targets (grouped by
 * target, so a composition stands beside the single setups), the issue's two targets checked, three samples per setup.
 */
export function steerTable(rows: SteerRow[], o: Omit<SteerOptions, 'topK'> & { topK?: number }): string {
  const measures = (r: SteerRow) =>
    `${r.perplexity.toFixed(1)} | ${r.distinct2.toFixed(3)} | ${r.trainableParams.toLocaleString('en')} | ${r.msPerToken === null ? '–' : r.msPerToken.toFixed(1)}`;
  const name = (r: SteerRow) => (r.kind === 'held-out' ? `${r.setup} (${r.samples})` : r.setup);
  const shares = (r: SteerRow) =>
    Object.entries(r.share)
      .map(([f, s]) => `${f} ${pctError(s, r.samples)}`)
      .join(', ');
  const single = rows.filter((r) => r.joint === undefined);
  const targets = [...new Set(rows.filter((r) => r.joint !== undefined).map((r) => targetText(r.target)))];
  const pairs = targets.flatMap((t) => rows.filter((r) => r.joint !== undefined && targetText(r.target) === t));
  const { singles, joints } = checkTargets(rows);
  const lines = [
    `${o.samples} samples per setup (seeds ${o.seed}…${o.seed + o.samples - 1}, at most ${o.maxTokens} tokens, temperature ${o.temperature}, top-p ${o.topP}), ` +
      'judged by the full fine-tuning classifiers; ± one standard error over the samples. Perplexity of the samples under the base decoder; ' +
      'ms/token writing one sample at a time. "held-out reviews (n)": the n test-split reviews carrying the target, judged the same way.',
    '',
    'One attribute:',
    '',
    '| setup | target | on target | perplexity under base | distinct-2 | trainable params | ms/token |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...single.map((r) => `| ${name(r)} | ${targetText(r.target)} | ${shares(r)} | ${measures(r)} |`),
    '',
    'Two attributes:',
    '',
    '| setup | target | on target per attribute | joint | perplexity under base | distinct-2 | trainable params | ms/token |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...pairs.map((r) => `| ${name(r)} | ${targetText(r.target)} | ${shares(r)} | ${pctError(r.joint!, r.samples)} | ${measures(r)} |`),
    '',
    `Each single adapter ≥ 80% on its attribute: ${singles.filter((c) => c.met).length} of ${singles.length} (${singles
      .map((c) => `${c.setup} ${pct(c.share)} ± ${(100 * c.error).toFixed(1)}`)
      .join(', ')}).`,
    `A two-attribute composition beats each single adapter on the joint share (by more than two standard errors): ${joints.filter((j) => j.beatsEach).length} of ${joints.length}.`,
    ...joints.map(
      (j) =>
        `- ${j.setup} ${pct(j.joint)}: ${j.versus.map((v) => `vs ${v.setup} ${pct(v.joint)} ${points(v.difference)} ± ${(100 * v.error).toFixed(1)}`).join(', ')}${j.beatsEach ? ' — beats each' : ''}`,
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
