// What the graph panel shows for a config's current text: the graph, or the problems that stop it. No VS Code
// types, so it is unit-tested directly. The base's config.json and the data (for label counts) are read once per
// base and data spec, not on every keystroke.
import * as fs from 'fs';
import { checkExperimentText } from '../../core/sweep/check';
import { parseJsonc } from '../../core/config/parse';
import type { BaseSpec, ExperimentConfig } from '../../core/config/types';
import { buildGraph } from '../../core/graph/build';
import { type BaseShape, baseShapeOf } from '../../core/parameters/baseShape';
import { type LabelCounts, labelCounts } from '../../core/parameters/labels';
import type { GraphToWebview } from '../../protocol/graph';
import { pathsOutside, workspaceDiskChecks } from '../runLocations';

/** Remembers the last result per key: the base and the data rarely change while a config is edited. */
class LastValue<T> {
  private key?: string;
  private value?: T;
  get(key: string, compute: () => T): T {
    if (this.key !== key) {
      this.value = compute();
      this.key = key;
    }
    return this.value as T;
  }
}

export class GraphContent {
  private readonly shapes = new LastValue<BaseShape>();
  private readonly labels = new LastValue<LabelCounts>();

  /** `roots`: the workspace folders; a config that reads files outside them is not followed there. */
  constructor(private readonly roots: readonly string[]) {}

  message(text: string, file: string): GraphToWebview {
    const { config, problems } = checkExperimentText(text, file, workspaceDiskChecks(this.roots));
    const errors = problems.filter((p) => p.severity === 'error');
    if (!config || errors.length)
      return {
        type: 'problems',
        file,
        problems: errors.map((p) => ({
          line: p.range.line,
          column: p.range.column,
          endLine: p.range.endLine,
          endColumn: p.range.endColumn,
          message: p.message,
        })),
      };
    const outside = pathsOutside(config, this.roots).filter((o) => o.what !== 'runs folder');
    if (outside.length)
      return { type: 'error', message: `Adapter Lab reads only inside the workspace: ${outside.map((o) => `${o.what} ${o.path}`).join('; ')}` };
    try {
      const shape = this.shapes.get(baseKey(config.base), () => baseShapeOf(config.base));
      const labels = this.labels.get(dataKey(config), () => labelCounts(config));
      return { type: 'graph', file, model: buildGraph(config, parseJsonc(text), shape.config, labels, shape.description) };
    } catch (e) {
      return { type: 'error', message: `cannot draw the graph of ${file}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
}

function baseKey(base: BaseSpec): string {
  return base.kind === 'random' ? JSON.stringify(base) : `${JSON.stringify(base)}@${mtimeOf(base.kind === 'path' ? `${base.path}/config.json` : '')}`;
}

function dataKey(config: ExperimentConfig): string {
  return `${JSON.stringify(config.data)}@${config.data.kind === 'file' ? mtimeOf(config.data.path) : ''}|${JSON.stringify(config.tasks)}`;
}

function mtimeOf(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
