// `adapter-lab inspect <config>`: parameter counts per adapter and per layer, without training.
import { formatProblem, loadConfig } from '../core/config/validate';
import type { BertConfig } from '../core/model/shapes';
import { adapterHeadParams, adapterParamsPerLayer, adapterSharedParams, baseParamCounts, headParams } from '../core/parameters/counts';
import { loadExperimentData } from '../core/run/experiment';
import { baseShapeOf } from '../core/parameters/baseShape';
import { parameterReport } from '../core/parameters/report';
import { EXIT } from './exit';
import { fitRows, tableWidth } from './fitTable';
import { wrapWords } from './terminalWidth';
import { formatBytes, formatCount } from './report';

export function inspectCommand(configFile: string): number {
  const { config, problems } = loadConfig(configFile);
  for (const p of problems) console.error(formatProblem(p));
  if (!config) return EXIT.badInput;
  let bert: BertConfig;
  try {
    bert = baseShapeOf(config.base).config; // a built-in or local base: its config.json, no weights loaded
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return EXIT.badInput;
  }
  const base = baseParamCounts(bert);
  const labels = loadExperimentData(config).labels;
  const d = bert.hiddenSize;
  const say = (text: string) => console.log(wrapWords(text, tableWidth()));
  say(
    `Base: ${bert.modelType ? `${bert.modelType}, ` : ''}${bert.layers} layers × ${d} hidden, ${bert.heads} heads, FFN ${bert.intermediateSize}, vocabulary ${bert.vocabSize}`,
  );
  say(
    `  ${formatCount(base.total)} parameters (embeddings ${formatCount(base.embeddings)}, per layer ${formatCount(base.perLayer[0] ?? 0)}, ${bert.modelType === 'gpt2' ? 'final LayerNorm' : 'pooler'} ${formatCount(base.pooler)}), ${formatBytes(base.total * 4)} as float32\n`,
  );

  const columns = ['adapter', 'method', 'task', ...base.perLayer.map((_, i) => `layer ${i}`), 'shared', 'head', 'total', '% of base', 'float32'];
  const rows: string[][] = [];
  for (const a of config.adapters) {
    const perLayer = adapterParamsPerLayer(a, d, bert.layers, bert.intermediateSize);
    const shared = adapterSharedParams(a, d, bert.layers);
    // A causal-lm task writes through the decoder's own (tied) LM head: no head of its own.
    const lm = config.tasks.find((t) => t.name === a.task)?.objective === 'causal-lm';
    const head = lm ? 0 : adapterHeadParams(a, d, labels.get(a.task)?.length ?? 2);
    const total = perLayer.reduce((s, n) => s + n, 0) + shared + head;
    rows.push([
      a.name,
      a.method,
      a.task,
      ...perLayer.map(formatCount),
      formatCount(shared),
      formatCount(head),
      formatCount(total),
      `${((100 * total) / base.total).toFixed(2)}%`,
      formatBytes(total * 4),
    ]);
  }
  console.log(fitRows(columns, rows, 1, tableWidth()));
  // What each composition trains (fusion layers, heads), as the parameters view counts it.
  const report = parameterReport(config, bert, new Map([...labels].map(([task, names]) => [task, names.length])), '');
  for (const c of config.compositions) {
    const row = report.rows.find((r) => r.name === `composition:${c.name}`)!;
    const fusion = row.trainable - row.heads;
    const parts = [...(fusion > 0 ? [`fusion ${formatCount(fusion)}`] : []), ...(row.heads > 0 ? [`heads ${formatCount(row.heads)}`] : [])];
    console.log(
      `composition:${c.name}  ${c.setupText}  → ${c.tasks.join(', ')}  · trains ${formatCount(row.trainable)}${parts.length ? ` (${parts.join(', ')})` : ''}`,
    );
  }
  for (const m of config.merges)
    console.log(`merge:${m.name}  ${m.adapters.map((a, i) => `${Number(m.weights[i].toFixed(4))}·${a}`).join(' + ')}  → ${m.task}`);
  const decoder = bert.modelType === 'gpt2';
  const fullTrainable = decoder ? base.total : base.total - base.pooler + config.tasks.reduce((s, t) => s + headParams(d, labels.get(t.name)?.length ?? 2), 0);
  say(`\nFull fine-tuning trains ${formatCount(fullTrainable)} parameters and stores a whole model (${formatBytes(base.total * 4)}) per attribute.`);
  return EXIT.ok;
}
