// The comparison printed after training and by `adapter-lab compare`: one row per run, accuracy / macro-F1 per
// attribute, trainable parameters (and their share of full fine-tuning's), storage per attribute and speed.
import Table from 'cli-table3';
import type { RunSummary } from '../common/runRecord';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(2)} MB`;
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const pct = (x: number | undefined) => (x === undefined ? '–' : (100 * x).toFixed(1));

export interface ComparisonRow {
  label: string;
  summary: RunSummary;
}

/** The comparison table; `markdown` gives a GitHub table (for the README and reports). */
export function comparisonTable(rows: ComparisonRow[], options: { markdown?: boolean } = {}): string {
  const tasks = [...new Set(rows.flatMap((r) => Object.keys(r.summary.test)))];
  const full = rows.find((r) => r.summary.type === 'full')?.summary;
  const head = ['run', ...tasks.map((t) => `${t} acc / F1`), 'trainable params', 'vs full', 'storage / attribute', 'train ms/step', 'infer ms/ex'];
  const body = rows.map(({ label, summary: s }) => [
    s.status === 'completed' ? label : `${label} (${s.status})`,
    ...tasks.map((t) => (s.test[t] ? `${pct(s.test[t].accuracy)} / ${pct(s.test[t].macroF1)}` : '–')),
    `${formatCount(s.trainableParams)} (${s.trainablePercent.toFixed(2)}%)`,
    full ? `${((100 * s.trainableParams) / full.trainableParams).toFixed(1)}%` : '–',
    formatBytes(mean(Object.values(s.bytesPerTask))),
    s.msPerStep.toFixed(0),
    s.inferenceMsPerExample.toFixed(2),
  ]);
  if (options.markdown) {
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
  }
  const table = new Table({ head, style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  table.push(...body);
  return table.toString();
}

/**
 * What the table means for N attributes: full fine-tuning stores a whole model per attribute; adapters store the
 * base once plus one small adapter (+ head) per attribute.
 */
export function storageProjection(rows: ComparisonRow[]): string | undefined {
  const full = rows.find((r) => r.summary.type === 'full')?.summary;
  const adapters = rows.filter((r) => r.summary.type === 'adapter').map((r) => r.summary);
  if (!full || adapters.length === 0) return undefined;
  const fullPerTask = Math.max(...Object.values(full.bytesPerTask));
  const adapterPerTask = adapters.reduce((s, a) => s + Math.max(...Object.values(a.bytesPerTask)), 0) / adapters.length;
  const baseBytes = fullPerTask; // the shared frozen base is as large as one fine-tuned model
  const lines = [10, 100].map(
    (n) => `  ${n} attributes: full fine-tuning ${formatBytes(n * fullPerTask)} · adapters ${formatBytes(baseBytes + n * adapterPerTask)} (one base + ${n} adapters)`,
  );
  return ['Storage for N attributes:', ...lines].join('\n');
}
