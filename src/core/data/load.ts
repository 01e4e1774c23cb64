// Loads a dataset into rows of text + string labels. Bad rows are never dropped silently: each one
// becomes a DataProblem with its file and line, and the caller decides whether problems are fatal.
import { readFileSync } from 'node:fs';
import { fsErrorReason } from '../io/fsErrors';
import type { DataSpec, TaskSpec } from '../config/types';
import { parseCsv } from './csv';
import { loadReviews } from './reviews';
import { loadWordNetRelations } from './wordnet';

export interface Row {
  text: string;
  labels: Record<string, string>; // every scalar field but the text, as strings
  line: number; // 1-based line in the source file (record number for the built-in dataset)
}

export interface DataProblem {
  file: string;
  line: number;
  message: string;
}

export interface LoadedRows {
  file: string; // the path, or "builtin:<name>"; what problems are reported against
  rows: Row[];
  problems: DataProblem[];
}

/** A data file that cannot be read at all (missing, a folder, the path too long, no permission); the message names it. */
export class DataReadError extends Error {}

function readDataFile(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new DataReadError(`${file}: cannot read the data: ${fsErrorReason(e)}`);
  }
}

export function loadRows(spec: DataSpec): LoadedRows {
  if (spec.kind === 'builtin') {
    const rows =
      spec.name === 'wordnet-relations'
        ? loadWordNetRelations().map(({ text, relation }, index) => ({ text, labels: { relation }, line: index + 1 }))
        : loadReviews().map(({ text, sentiment, domain }, index) => ({ text, labels: { sentiment, domain }, line: index + 1 }));
    return { file: `builtin:${spec.name}`, rows, problems: [] };
  }
  const { path: file, format, textField } = spec;
  const problems: DataProblem[] = [];
  const text = decodeUtf8(readDataFile(file), file, problems);
  const rows = format === 'jsonl' ? parseJsonl(text, file, textField, problems) : parseCsvRows(text, file, textField, problems);
  if (rows.length === 0 && problems.length === 0) problems.push({ file, line: 1, message: 'the file has no data rows' });
  return { file, rows, problems };
}

/** Decodes UTF-8 (dropping a BOM); a file saved in another encoding is reported rather than silently garbled. */
function decodeUtf8(bytes: Uint8Array, file: string, problems: DataProblem[]): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const line = text.slice(0, text.indexOf('\uFFFD')).split('\n').length;
    problems.push({ file, line, message: 'the file is not valid UTF-8 (first bad byte on this line); save it as UTF-8' });
    return text;
  }
}

function parseJsonl(text: string, file: string, textField: string, problems: DataProblem[]): Row[] {
  const rows: Row[] = [];
  forEachJsonlObject(text, file, problems, (value, line) => addRow(Object.entries(value), textField, line, file, rows, problems));
  return rows;
}

export interface JsonlObject {
  value: Record<string, unknown>;
  line: number; // 1-based
}

/** One JSON object per non-blank line of a UTF-8 file; every other line becomes a problem with its line number. */
export function readJsonlObjects(file: string): { objects: JsonlObject[]; problems: DataProblem[] } {
  const problems: DataProblem[] = [];
  const objects: JsonlObject[] = [];
  forEachJsonlObject(decodeUtf8(readDataFile(file), file, problems), file, problems, (value, line) => objects.push({ value, line }));
  return { objects, problems };
}

function forEachJsonlObject(text: string, file: string, problems: DataProblem[], visit: (value: Record<string, unknown>, line: number) => void): void {
  text.split('\n').forEach((source, index) => {
    const line = index + 1;
    if (source.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      problems.push({ file, line, message: `invalid JSON: ${(error as Error).message}` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ file, line, message: `expected a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}` });
      return;
    }
    visit(value as Record<string, unknown>, line);
  });
}

function parseCsvRows(text: string, file: string, textField: string, problems: DataProblem[]): Row[] {
  // A lone empty field is a blank line (often the last one); skip it like a blank JSONL line.
  const [header, ...records] = parseCsv(text).filter((r) => r.error || r.fields.length > 1 || r.fields[0] !== '');
  if (!header) return [];
  const columns = header.fields.map((name) => name.trim());
  const duplicate = columns.find((name, index) => columns.indexOf(name) !== index);
  const headerProblem = header.error
    ? `header: ${header.error}`
    : duplicate !== undefined
      ? `the header names column "${duplicate}" twice`
      : !columns.includes(textField)
        ? `no text column "${textField}" in the header (columns: ${columns.join(', ')})`
        : undefined;
  if (headerProblem) {
    problems.push({ file, line: header.line, message: headerProblem });
    return [];
  }
  const rows: Row[] = [];
  for (const { fields, line, error } of records) {
    if (error) problems.push({ file, line, message: error });
    else if (fields.length !== columns.length) {
      problems.push({ file, line, message: `expected ${columns.length} fields, got ${fields.length}` });
    } else
      addRow(
        columns.map((name, k) => [name, fields[k]]),
        textField,
        line,
        file,
        rows,
        problems,
      );
  }
  return rows;
}

/** Checks the text field and turns scalar fields into string labels; empty and null values count as absent. */
function addRow(fields: [string, unknown][], textField: string, line: number, file: string, rows: Row[], problems: DataProblem[]): void {
  const text = fields.find(([name]) => name === textField)?.[1];
  if (typeof text !== 'string' || text.trim() === '') {
    const message =
      text === undefined
        ? `missing text field "${textField}"`
        : typeof text === 'string'
          ? `text field "${textField}" is empty`
          : `text field "${textField}" is ${JSON.stringify(text)}, not a string`;
    problems.push({ file, line, message });
    return;
  }
  const labels = fields
    .filter(([name, value]) => name !== textField && ['string', 'number', 'boolean'].includes(typeof value) && value !== '')
    .map(([name, value]) => [name, String(value)]);
  rows.push({ text, labels: Object.fromEntries(labels), line });
}

const labelOf = (row: Row, field: string): string | undefined => (Object.hasOwn(row.labels, field) ? row.labels[field] : undefined);
const compareCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Checks that each row has a valid label for every task and resolves each task's label list: the given
 * labels, or the sorted distinct values found. Problems come sorted by line.
 */
export function checkRowsForTasks(rows: readonly Row[], tasks: readonly TaskSpec[], file: string): { labels: Map<string, string[]>; problems: DataProblem[] } {
  const labels = new Map<string, string[]>();
  const problems: DataProblem[] = [];
  for (const task of tasks) {
    const values = rows.map((row) => labelOf(row, task.field));
    const missing = rows.filter((_, k) => values[k] === undefined);
    if (rows.length > 0 && missing.length === rows.length) {
      // One problem instead of one per row: the field name is most likely wrong.
      const found = [...new Set(rows.flatMap((row) => Object.keys(row.labels)))].sort(compareCodeUnits);
      const message = `no row has label field "${task.field}" for task "${task.name}" (label fields found: ${found.join(', ') || 'none'})`;
      problems.push({ file, line: rows[0].line, message });
    } else {
      for (const row of missing) problems.push({ file, line: row.line, message: `missing label field "${task.field}" for task "${task.name}"` });
    }
    const given = task.labels;
    if (given) {
      const allowed = new Set(given);
      rows.forEach((row, k) => {
        const value = values[k];
        if (value !== undefined && !allowed.has(value)) {
          problems.push({ file, line: row.line, message: `label "${value}" for task "${task.name}" is not one of its labels (${given.join(', ')})` });
        }
      });
      labels.set(task.name, [...given]);
    } else {
      labels.set(task.name, [...new Set(values.filter((v) => v !== undefined))].sort(compareCodeUnits));
    }
  }
  problems.sort((a, b) => a.line - b.line); // stable: same-line problems keep task order
  return { labels, problems };
}

/** One `file:line: message` line per problem, at most `limit`, then "... and N more". */
export function formatProblems(problems: readonly DataProblem[], limit = 20): string {
  const lines = problems.slice(0, limit).map(({ file, line, message }) => `${file}:${line}: ${message}`);
  if (problems.length > limit) lines.push(`... and ${problems.length - limit} more`);
  return lines.join('\n');
}
