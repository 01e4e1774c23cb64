// `adapter-lab report <config>`: a sweep's finished runs aggregated over seeds (mean ± sd, paired differences with
// their standard error against a reference setting, the best setting chosen on validation, the trade-off frontiers),
// as a table, Markdown, CSV or JSON. Also printed at the end of `adapter-lab train` for a sweep.
import type { SweepReport } from '../common/sweep';
import type { ExperimentConfig } from '../core/config/types';
import { formatProblem } from '../core/config/validate';
import { type SweepExpansion, loadExperiment } from '../core/sweep/check';
import { sweepReport } from '../core/sweep/report';
import { type SweepRun, planSweepRuns } from '../core/sweep/runs';
import { EXIT } from './exit';
import { sweepCsv, sweepJson, sweepTable } from './sweepTable';
import { terminalColumns, wrapWords } from './terminalWidth';

export interface ReportArgs {
  markdown?: boolean;
  csv?: boolean;
  json?: boolean;
  reference?: string;
}

export function reportCommand(configFile: string, args: ReportArgs): number {
  const { config, problems, sweep } = loadExperiment(configFile);
  for (const p of problems) console.error(formatProblem(p));
  if (!config || problems.some((p) => p.severity === 'error')) return EXIT.badInput;
  if (!sweep) {
    console.error(`${configFile} has no "sweep": \`adapter-lab report\` aggregates a sweep's runs; for single runs use \`adapter-lab compare\``);
    return EXIT.badInput;
  }
  let report: SweepReport;
  try {
    report = sweepReport(config, sweep, planSweepRuns(sweep.points), args.reference);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return EXIT.badInput;
  }
  if (args.json) console.log(sweepJson(report));
  else if (args.csv) process.stdout.write(sweepCsv(report));
  else {
    const width = terminalColumns();
    console.log(sweepTable(report, { markdown: args.markdown, width: args.markdown ? undefined : width && width - 1 }));
  }
  return report.progress.completed === 0 ? EXIT.trainingFailed : EXIT.ok;
}

/** The report after training a sweep; exit code ok unless nothing of the sweep is done. */
export function printSweepReport(config: ExperimentConfig, sweep: SweepExpansion, runs: SweepRun[], width: number | undefined): number {
  const report = sweepReport(config, sweep, runs);
  if (report.progress.completed === 0) return EXIT.trainingFailed;
  console.log(
    `\n${wrapWords(`Sweep results (${config.name}; base: ${report.base}; test accuracy, mean ± sd over seeds; Δ paired by seed ± standard error)`, width && width - 1)}`,
  );
  console.log(sweepTable(report, { width: width && width - 1 }));
  return EXIT.ok;
}
