// `adapter-lab check <config>`: every problem as file:line:column, including those of each sweep point, and the
// number of points when the config has a sweep.
import { formatProblem } from '../core/config/validate';
import { loadExperiment } from '../core/sweep/check';
import { EXIT } from './exit';

export function checkCommand(configFile: string, shown: string, out: { log: (line: string) => void; error: (line: string) => void } = console): number {
  const { problems, sweep } = loadExperiment(configFile);
  for (const p of problems) out.error(formatProblem(p));
  const failed = problems.some((p) => p.severity === 'error');
  if (!failed && sweep?.summary) out.log(`sweep: ${sweep.summary}`);
  if (!failed) out.log(`${shown}: ok`);
  return failed ? EXIT.badInput : EXIT.ok;
}
