// Checks every point of a sweep before anything trains: each point's config (the config with the point's values set)
// goes through the same schema and semantic checks as the config itself, and each problem is reported at the sweep
// value that caused it, so `adapter-lab check` and training fail at once, never halfway through a sweep.
import type { JSONPath } from 'jsonc-parser';
import type { SourceRange } from '../../common/sourceRange';
import { DISK_CHECKS } from '../config/diskChecks';
import type { Issue } from '../config/issue';
import { type JsoncDocument, nodeAt, parseJsonc, positionAt, rangeInString, rangeOfPath, valueOf } from '../config/parse';
import { type RawConfig, resolveConfig } from '../config/resolve';
import { schemaIssues } from '../config/schema-errors';
import { type SemanticOptions, semanticIssues } from '../config/semantic';
import type { ConfigProblem, ExperimentConfig } from '../config/types';
import { type ConfigResult, checkConfigText, readConfigFile } from '../config/validate';
import { type SweepPoint, type SweepSetting, expandPoints } from './expand';
import { pathLabels } from './pointName';
import { type RawSweep, describeSweep, parseSweep, rawSweepOf } from './spec';

export interface CheckedSweepPoint extends SweepPoint {
  config?: ExperimentConfig; // the point's resolved config, when it has no problems
}

export interface SweepExpansion {
  points: CheckedSweepPoint[];
  problems: ConfigProblem[]; // in file order; none means every point can train
  /** "24 points (method 4 × r 2 × 3 seeds)"; absent when the sweep itself is malformed. */
  summary?: string;
}

export interface ExperimentResult extends ConfigResult {
  sweep?: SweepExpansion; // only when the config has a `sweep` and the config itself has no problems
}

/** loadConfig, and when the config has a sweep, every point checked too (the same disk checks as loadConfig). */
export function loadExperiment(file: string, opts: SemanticOptions = DISK_CHECKS): ExperimentResult {
  const read = readConfigFile(file);
  return 'text' in read ? checkExperimentText(read.text, file, opts) : read;
}

/** checkConfigText, then the sweep's points. A config without `sweep` gives exactly what checkConfigText gives. */
export function checkExperimentText(text: string, file: string, opts: SemanticOptions = {}): ExperimentResult {
  const result = checkConfigText(text, file, opts);
  if (!result.config) return result;
  const doc = parseJsonc(text);
  const raw = valueOf(doc) as RawConfig & { sweep?: RawSweep };
  if (!rawSweepOf(raw)) return result;
  const sweep = expandSweep(raw, doc, file, opts);
  return sweep.problems.length > 0 ? { problems: sweep.problems, sweep } : { config: result.config, problems: [], sweep };
}

/**
 * The points of the config's sweep, each with its raw config, and the problems of the sweep and its points at their
 * places in `doc`. `raw` is the document's value and must have passed checkConfigText (problems that exist without
 * the sweep are reported there, where they are).
 */
export function expandSweep(raw: RawConfig & { sweep?: RawSweep }, doc: JsoncDocument, file: string, opts: SemanticOptions = {}): SweepExpansion {
  const { spec, issues } = parseSweep(raw);
  if (!spec) return { points: [], problems: sortByPosition(issues.map((i) => toProblem(file, i.path, rangeOf(doc, i), i))) };
  const labels = pathLabels(spec.grid.map((d) => d.path));
  const summary = describeSweep(spec, labels);
  const found = new Map<string, { problem: ConfigProblem; points: string[] }>();
  const points = expandPoints(raw, spec).map((point): CheckedSweepPoint => {
    const { config, issues: pointIssues } = checkPoint(point, file, opts);
    for (const issue of pointIssues) {
      const { path, range, note } = locate(doc, point, issue);
      const key = `${range.offset}:${range.length}:${issue.code}:${issue.message}${note}`;
      const seen = found.get(key);
      if (seen) seen.points.push(point.name);
      else found.set(key, { problem: toProblem(file, path, range, { ...issue, message: `${issue.message}${note}` }), points: [point.name] });
    }
    return config ? { ...point, config } : point;
  });
  const problems = [...found.values()].map(({ problem, points: names }) => ({ ...problem, message: `${inPoints(names)}: ${problem.message}` }));
  return { points, problems: sortByPosition(problems), summary };
}

function checkPoint(point: SweepPoint, file: string, opts: SemanticOptions): { config?: ExperimentConfig; issues: Issue[] } {
  const schema = schemaIssues(point.rawConfig);
  if (schema.length > 0) return { issues: schema };
  let config: ExperimentConfig;
  try {
    config = resolveConfig(point.rawConfig, file);
  } catch (e) {
    return { issues: [{ path: point.settings[0]?.targets[0] ?? [], code: 'invalid-sweep-point', message: e instanceof Error ? e.message : String(e) }] };
  }
  const issues = semanticIssues(config, point.rawConfig, opts);
  return issues.length > 0 ? { issues } : { config, issues: [] };
}

const startsWith = (path: JSONPath, prefix: JSONPath) => prefix.length <= path.length && prefix.every((k, i) => k === path[i]);

/**
 * Where a point's problem is shown: inside the sweep value that set the offending config value (down to the item or
 * property of a list or object value), at the sweep entry's key when the problem is with the path itself or above
 * it, and otherwise at the point's first sweep value, with the place of the config's own offending value in the message.
 */
function locate(doc: JsoncDocument, point: SweepPoint, issue: Issue): { path: JSONPath; range: SourceRange; note: string } {
  for (const s of point.settings) {
    for (const target of s.targets) {
      if (startsWith(issue.path, target)) {
        const suffix = issue.path.slice(target.length);
        if (suffix.length === 0 && issue.part === 'key') return { path: s.entry, range: rangeOfPath(doc, s.entry, 'key'), note: '' };
        const inside = [...s.at, ...suffix];
        if (suffix.length > 0 && !nodeAt(doc, inside)) return { path: s.at, range: rangeOfPath(doc, s.at), note: '' };
        return { path: inside, range: rangeOf(doc, { ...issue, path: inside }), note: '' };
      }
      if (startsWith(target, issue.path)) return { path: s.entry, range: rangeOfPath(doc, s.entry, 'key'), note: '' };
    }
  }
  const first = point.settings.find((s) => s.path !== 'seed') ?? point.settings[0];
  return { path: first.at, range: rangeOfPath(doc, first.at), note: configPlace(doc, issue.path, first) };
}

/** ` (written at 12:7; this point sets "base" to {"builtin":"lab-base"})`: both places, the config's and the sweep's. */
function configPlace(doc: JsoncDocument, path: JSONPath, setting: SweepSetting): string {
  const node = nodeAt(doc, path);
  const where = node ? positionAt(doc, node.offset) : undefined;
  return ` (${where ? `written at ${where.line}:${where.column}; ` : ''}this point sets "${setting.path}" to ${JSON.stringify(setting.value)})`;
}

function rangeOf(doc: JsoncDocument, issue: Issue): SourceRange {
  return (issue.span && rangeInString(doc, issue.path, issue.span.start, issue.span.length)) || rangeOfPath(doc, issue.path, issue.part);
}

function toProblem(file: string, path: JSONPath, range: SourceRange, issue: Issue): ConfigProblem {
  return { file, range, severity: 'error', message: issue.message, path, code: issue.code };
}

/** `sweep point "r=x,seed=1"` or `sweep points "r=x,seed=1" and 2 more`. */
function inPoints(names: string[]): string {
  if (names.length === 1) return `sweep point "${names[0]}"`;
  return `sweep points "${names[0]}" and ${names.length - 1} more`;
}

function sortByPosition(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.range.offset - b.range.offset);
}
