// The read-only Markdown document the extension opens until the parameters webview exists: the parameters of one
// run. Pure text from the run record and summary.
import { formatBytes, formatCount } from '../cli/report';
import type { RunEntry } from './runsModel';

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
