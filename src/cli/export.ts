// `adapter-lab export <run> --to adapterhub|peft [--out dir]`: a finished run's adapters in the layout AdapterHub or
// PEFT loads (core/interop). ARC has a format in neither library: its run is exported merged into the base, as
// `merge-into-base` writes it (a Hugging Face folder, the head beside it), after checking the logits match.
import * as fs from 'fs';
import * as path from 'path';
import type { ExperimentConfig } from '../core/config/types';
import { exportAdapterHub, listFiles } from '../core/interop/adapterhubExport';
import { BASE_FOLDER, exportBase } from '../core/interop/baseInfo';
import { NotExportable, exportPeft } from '../core/interop/peftExport';
import { ExportError, methodOfHubConfig, readRunFiles } from '../core/interop/runFiles';
import { foldRunIntoBase } from '../core/run/foldRunIntoBase';
import { EXIT } from './exit';
import { shownPath } from './findRuns';
import { withLoadedRun } from './loadRun';

export const EXPORT_FORMATS = ['adapterhub', 'peft'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportArgs {
  to: ExportFormat;
  out?: string;
}

export async function exportCommand(runDir: string, args: ExportArgs): Promise<number> {
  const out = path.resolve(args.out ?? path.join(runDir, `export-${args.to}`));
  let run;
  try {
    run = readRunFiles(runDir);
  } catch (e) {
    if (!(e instanceof ExportError)) throw e;
    console.error(e.message);
    return EXIT.badInput;
  }
  if (run.adapters.some((a) => methodOfHubConfig(a.hubConfig.config) === 'arc')) return exportMergedArc(runDir, out, args.to);
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    console.error(`${shownPath(out)} exists and is not empty; choose another --out`);
    return EXIT.badInput;
  }
  try {
    const result = args.to === 'adapterhub' ? exportAdapterHub(run, out) : exportWithBase(run, out, exportBase((run.record.config as ExperimentConfig).base));
    console.log(
      `${run.record.name} → ${shownPath(out)} (${args.to === 'adapterhub' ? 'AdapterHub load_adapter layout' : 'PEFT PeftModel.from_pretrained layout'})`,
    );
    for (const file of result.files) console.log(`  ${file}`);
    for (const note of result.notes) console.log(`note: ${note}`);
    return EXIT.ok;
  } catch (e) {
    if (!(e instanceof ExportError)) throw e;
    console.error(e instanceof NotExportable ? `cannot export to ${args.to}: ${e.message}` : e.message);
    return EXIT.badInput;
  }
}

/** PEFT needs the base by name or folder: a built-in base is copied in, so the export is complete on its own. */
function exportWithBase(run: ReturnType<typeof readRunFiles>, out: string, base: ReturnType<typeof exportBase>) {
  const result = exportPeft(run, base, out);
  if (base.copyFrom) {
    for (const file of fs.readdirSync(base.copyFrom)) fs.cpSync(path.join(base.copyFrom, file), path.join(out, BASE_FOLDER, file), { recursive: true });
    result.notes.push(`the built-in base is copied to ${BASE_FOLDER}/; run Python from the export folder, or change base_model_name_or_path`);
  }
  if (base.note) result.notes.push(base.note);
  return { ...result, files: listFiles(out) };
}

/** ARC exported as `merge-into-base` writes it, the merged model checked against the run's logits. */
async function exportMergedArc(runDir: string, out: string, to: ExportFormat): Promise<number> {
  return withLoadedRun(runDir, undefined, ({ run }) => {
    const result = foldRunIntoBase(run, runDir, { out, split: 'test', repeats: 1 });
    console.log(
      `${result.run}: ARC has no ${to === 'peft' ? 'PEFT' : 'AdapterHub'} format, so it is exported merged into the base (as merge-into-base does) → ${shownPath(out)}`,
    );
    console.log(`  a Hugging Face ${run.base.config.layers}-layer BERT folder; the ${result.head} head is in heads/${result.head}/ (AdapterHub layout)`);
    console.log(`  checked: largest logit difference merged vs the adapter on the test split ${result.maxLogitDifference.toExponential(2)}`);
    return EXIT.ok;
  });
}
