// `adapter-lab drop <run>`: AdapterDrop at inference — the run's model evaluated with the adapters of the first n
// layers dropped, for every n, with accuracy per task and forward time per example.
import type { BackendName } from '../common/runRecord';
import { adapterDropSweep } from '../core/run/adapterDropSweep';
import { EXIT } from './exit';
import { fitRows, tableWidth } from './fitTable';
import { wrapWords } from './terminalWidth';
import { withLoadedRun } from './loadRun';

export interface DropArgs {
  split: 'validation' | 'test';
  repeats: number;
  backend?: BackendName;
  json?: boolean;
}

export async function dropCommand(runDir: string, args: DropArgs): Promise<number> {
  return withLoadedRun(runDir, args.backend, ({ run, backend }) => {
    const points = adapterDropSweep(run, args.split, args.repeats);
    if (args.json) {
      console.log(JSON.stringify({ run: run.record.name, backend: backend.name, split: args.split, points }, null, 2));
      return EXIT.ok;
    }
    const layers = run.model.setup!.layers;
    const tasks = run.plan.tasks;
    const say = (text: string) => console.log(wrapWords(text, tableWidth()));
    say(
      `AdapterDrop on ${run.record.name} (${run.record.id}), ${args.split} split, ${run.data[args.split].length} examples, backend ${backend.name}; base: ${run.base.description}`,
    );
    const parallel = points[0].separateMsPerExample !== undefined;
    const head = [
      'dropped layers',
      'adapters in',
      ...tasks.map((t) => `${t} acc`),
      parallel ? 'CPU ms / example (one pass)' : 'CPU ms / example',
      'vs n = 0',
      ...(parallel ? ['separate passes', 'one pass saves'] : []),
      'wall ms / example',
    ];
    const rows: string[][] = [];
    const reference = points[0].cpuMsPerExample;
    const percent = (x: number) => `${(100 * x).toFixed(0)}%`;
    for (const p of points) {
      const kept = p.skipped >= layers ? 'none' : p.skipped === layers - 1 ? `layer ${layers - 1}` : `layers ${p.skipped}–${layers - 1}`;
      const separate = p.separateCpuMsPerExample ?? 0;
      rows.push([
        p.skipped === 0 ? '–' : p.skipped === 1 ? '0' : `0–${p.skipped - 1}`,
        kept,
        ...tasks.map((t) => (100 * (p.metrics[t]?.accuracy ?? 0)).toFixed(1)),
        p.cpuMsPerExample.toFixed(3),
        percent((p.cpuMsPerExample - reference) / reference),
        ...(parallel ? [separate.toFixed(3), percent(1 - p.cpuMsPerExample / separate)] : []),
        p.msPerExample.toFixed(3),
      ]);
    }
    console.log(fitRows(head, rows, 1, tableWidth()));
    if (parallel) say('Separate passes: each branch on its own, one forward pass per attribute; one pass: the Parallel setup, lower layers shared.');
    say('CPU time of the evaluation (best of the repeats): on a shared machine steadier than wall-clock time, which counts the other processes too.');
    return EXIT.ok;
  });
}
