// The read-only Markdown documents the extension opens until the webviews exist: a comparison of runs and the
// parameters of one run. Pure text from run records and summaries.
import { comparisonTable, formatBytes, formatCount, storageProjection } from '../cli/report';
import type { RunEntry } from './runsModel';

/** The CLI's comparison table for the runs that finished; the others are listed with the reason they are missing. */
export function comparisonReport(runs: RunEntry[]): string {
  const rows = runs.flatMap((r) => (r.summary ? [{ label: r.record.name, summary: r.summary }] : []));
  const missing = runs.filter((r) => !r.summary);
  const experiments = [...new Set(runs.map((r) => r.record.experiment))].join(', ');
  const lines = [`# Compare runs: ${experiments}`, ''];
  if (rows.length) {
    lines.push(`Test set; base: ${rows[0].summary.base}; backend: ${rows[0].summary.backend}.`, '', comparisonTable(rows, { markdown: true }), '');
    const projection = storageProjection(rows);
    if (projection) lines.push('```', projection, '```', '');
  } else {
    lines.push('None of these runs has finished, so there is nothing to compare yet.', '');
  }
  if (missing.length) {
    lines.push('Not in the table (no summary.json):', '', ...missing.map((r) => `- ${r.record.name} (${r.record.id}): ${r.record.status}`), '');
  }
  lines.push('Runs:', '', ...runs.map((r) => `- ${r.record.name}: \`${r.dir}\``));
  return lines.join('\n') + '\n';
}

/** Parameter counts, storage and speed of one run, and the training options it ran with. */
export function runParametersReport(run: RunEntry): string {
  const { record, summary: s } = run;
  const lines = [`# ${record.name} — ${record.experiment}`, '', `Status: ${record.status}${record.reason ? ` (${record.reason.split('\n')[0]})` : ''}`, ''];
  if (s) {
    lines.push(
      '| | |',
      '| --- | --- |',
      `| base | ${s.base} |`,
      `| total parameters | ${formatCount(s.totalParams)} (${s.totalParams.toLocaleString('en-US')}) |`,
      `| trainable parameters | ${formatCount(s.trainableParams)} (${s.trainablePercent.toFixed(2)}% of total) |`,
      `| stored on disk | ${formatBytes(s.bytesOnDisk)} |`,
      ...Object.entries(s.bytesPerTask).map(([task, bytes]) => `| storage for ${task} | ${formatBytes(bytes)} |`),
      `| training | ${s.steps} steps, ${s.msPerStep.toFixed(0)} ms/step, best epoch ${s.bestEpoch} |`,
      `| inference | ${s.inferenceMsPerExample.toFixed(2)} ms/example |`,
      `| backend | ${s.backend} |`,
      '',
    );
  } else {
    lines.push('No summary.json yet: parameter counts are written when the run finishes.', '');
  }
  const options = (record.config as { train?: Record<string, unknown> } | undefined)?.train?.[record.type];
  if (options) lines.push(`Training options (${record.type}):`, '', '```json', JSON.stringify(options, null, 2), '```', '');
  lines.push(`Folder: \`${run.dir}\``);
  return lines.join('\n') + '\n';
}
