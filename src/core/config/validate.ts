// Entry points for reading and checking a `*.adapterlab.json` experiment.
// Three phases, each run only when the previous found no errors, since later phases need its result:
// syntax (and duplicate keys) → JSON Schema → semantic checks on the resolved config.
import { readFileSync } from 'node:fs';
import { fsErrorReason } from '../io/fsErrors';
import { DISK_CHECKS } from './diskChecks';
import type { Issue } from './issue';
import { type JsoncDocument, duplicateKeys, parseJsonc, rangeAt, rangeInString, rangeOfPath, valueOf } from './parse';
import { type RawConfig, resolveConfig } from './resolve';
import { schemaIssues } from './schema-errors';
import { type SemanticOptions, semanticIssues } from './semantic';
import type { ConfigProblem, ExperimentConfig } from './types';

export interface ConfigResult {
  config?: ExperimentConfig; // only when there are no errors
  problems: ConfigProblem[];
}

/** Reads and checks a config file; data and model paths are checked on disk (the editor passes its own rules). */
export function loadConfig(file: string, opts: SemanticOptions = DISK_CHECKS): ConfigResult {
  const read = readConfigFile(file);
  return 'text' in read ? checkConfigText(read.text, file, opts) : read;
}

/** A config file's text, or the one problem that it cannot be read. */
export function readConfigFile(file: string): { text: string } | { problems: ConfigProblem[] } {
  try {
    return { text: readFileSync(file, 'utf8').replace(/^\uFEFF/, '') }; // editors hide the BOM, so columns match theirs
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : fsErrorReason(err);
    const range = { offset: 0, length: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };
    return { problems: [{ file, range, severity: 'error', message: `cannot read config: ${reason}`, path: [], code: 'unreadable-file' }] };
  }
}

/** Checks config text without touching the disk unless `fileExists` is given (the editor calls it on every edit). */
export function checkConfigText(text: string, file: string, opts: SemanticOptions = {}): ConfigResult {
  const doc = parseJsonc(text);
  const problem = (issue: Issue): ConfigProblem => ({
    file,
    range: (issue.span && rangeInString(doc, issue.path, issue.span.start, issue.span.length)) || rangeOfPath(doc, issue.path, issue.part),
    severity: 'error',
    message: issue.message,
    path: issue.path,
    code: issue.code,
  });

  const structural = structuralProblems(doc, file);
  if (structural.length > 0) return { problems: structural };

  const raw = valueOf(doc);
  const schemaProblems = schemaIssues(raw).map(problem);
  if (schemaProblems.length > 0) return { problems: sortByPosition(schemaProblems) };

  const config = resolveConfig(raw as RawConfig, file);
  const semanticProblems = semanticIssues(config, raw as RawConfig, opts).map(problem);
  if (semanticProblems.length > 0) return { problems: sortByPosition(semanticProblems) };
  return { config, problems: [] };
}

function structuralProblems(doc: JsoncDocument, file: string): ConfigProblem[] {
  const syntax = doc.syntaxErrors.map((e): ConfigProblem => ({
    file,
    range: rangeAt(doc, e.offset, e.length),
    severity: 'error',
    message: e.message,
    path: [],
    code: 'syntax-error',
  }));
  const duplicates = duplicateKeys(doc.root).map(({ key, path }): ConfigProblem => ({
    file,
    range: rangeAt(doc, key.offset, key.length),
    severity: 'error',
    message: `duplicate property ${JSON.stringify(path[path.length - 1])}: only the last one would count; rename or remove one`,
    path,
    code: 'duplicate-key',
  }));
  return sortByPosition([...syntax, ...duplicates]);
}

function sortByPosition(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.range.offset - b.range.offset);
}

/** `path/to/x.adapterlab.json:12:7: error: message`, the form compilers print and terminals make clickable. */
export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.range.line}:${p.range.column}: ${p.severity}: ${p.message}`;
}
