// `adapter-lab merge-into-base <run>`: a trained LoRA, IA³ or ARC adapter folded into a copy of the base
// (core/run/foldRunIntoBase.ts), and what the check and the timing found.
import type { BackendName } from '../common/runRecord';
import { NotMergeableError } from '../core/adapters/foldIntoBase';
import { foldRunIntoBase } from '../core/run/foldRunIntoBase';
import { EXIT } from './exit';
import { withLoadedRun } from './loadRun';

export interface MergeIntoBaseArgs {
  out?: string;
  split: 'validation' | 'test';
  repeats: number;
  backend?: BackendName;
  json?: boolean;
}

export async function mergeIntoBaseCommand(runDir: string, args: MergeIntoBaseArgs): Promise<number> {
  return withLoadedRun(runDir, args.backend, ({ run, backend }) => {
    let result;
    try {
      result = foldRunIntoBase(run, runDir, args);
    } catch (e) {
      if (!(e instanceof NotMergeableError)) throw e;
      console.error(e.message);
      return EXIT.badInput;
    }
    if (args.json) {
      const { run: name, adapter, method, out, split, examples, maxLogitDifference, accuracy, msPerExample, cpuMsPerExample } = result;
      console.log(
        JSON.stringify(
          { run: name, adapter, method, out, backend: backend.name, split, examples, maxLogitDifference, accuracy, msPerExample, cpuMsPerExample },
          null,
          2,
        ),
      );
      return EXIT.ok;
    }
    const { adapter, merged: folded } = result.cpuMsPerExample;
    const saved = Math.round(100 * (1 - folded / adapter));
    console.log(`${result.method} adapter "${result.adapter}" of ${result.run} merged into ${run.base.modelName} → ${result.out}`);
    console.log(`  use it as "base": { "path": ${JSON.stringify(result.out)} }; its ${result.head} head is in heads/${result.head}/`);
    console.log(
      `  ${result.split} split, ${result.examples} examples, backend ${backend.name}: largest logit difference merged vs adapter ${result.maxLogitDifference.toExponential(2)}`,
    );
    console.log(
      `  ${result.head} accuracy ${(100 * result.accuracy.adapter).toFixed(1)}% with the adapter, ${(100 * result.accuracy.merged).toFixed(1)}% merged`,
    );
    console.log(
      `  CPU ms / example: ${adapter.toFixed(3)} with the adapter, ${folded.toFixed(3)} merged (${Math.abs(saved)}% ${saved >= 0 ? 'less' : 'more'}); wall-clock ${result.msPerExample.adapter.toFixed(3)} vs ${result.msPerExample.merged.toFixed(3)}`,
    );
    return EXIT.ok;
  });
}
