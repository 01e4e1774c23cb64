// A pre-training corpus of the user's own: one JSON object per line holding either its text (a string, split into
// words later by the tokenizer) or its words (a list, as in Hugging Face's token-classification datasets), plus the
// label fields that objectives read — one label per text, or a list with one label per word. A row without a label
// field simply has no label for that objective; a malformed row is a problem with its file and line.
import type { LabelledSentence } from './corpora';
import { type DataProblem, readJsonlObjects } from './load';

export interface JsonlCorpusSpec {
  path: string;
  textField?: string; // exactly one of textField and tokensField
  tokensField?: string;
}

export interface LabelField {
  objective: string;
  field: string;
  per: 'text' | 'word';
}

export function loadJsonlCorpus(spec: JsonlCorpusSpec, fields: readonly LabelField[]): { sentences: LabelledSentence[]; problems: DataProblem[] } {
  const file = spec.path;
  const { objects, problems } = readJsonlObjects(file);
  const sentences: LabelledSentence[] = [];
  const labelled = new Set<string>();
  for (const { value, line } of objects) {
    const problem = (message: string) => problems.push({ file, line, message });
    const sentence = spec.tokensField !== undefined ? wordsOf(value, spec.tokensField, problem) : textOf(value, spec.textField ?? 'text', problem);
    if (!sentence) continue;
    let ok = true;
    for (const { objective, field, per } of fields) {
      const raw = value[field];
      if (raw === undefined || raw === null || raw === '') continue;
      if (per === 'text') {
        if (!isScalar(raw)) {
          problem(`label field "${field}" is ${describe(raw)}, not a string, number or boolean`);
          ok = false;
        } else (sentence.labels ??= {})[objective] = String(raw);
      } else {
        const labels = wordLabelsOf(raw, field, sentence.words.length, problem);
        if (labels) (sentence.wordLabels ??= {})[objective] = labels;
        else ok = false;
      }
      labelled.add(objective);
    }
    if (ok) sentences.push(sentence);
  }
  if (objects.length === 0 && problems.length === 0) problems.push({ file, line: 1, message: 'the file has no data rows' });
  else if (objects.length > 0) {
    for (const { objective, field } of fields.filter((f) => !labelled.has(f.objective))) {
      // One problem instead of silence: a misspelt field would otherwise train a head on nothing.
      const found = [...new Set(objects.flatMap((o) => Object.keys(o.value)))].sort();
      problems.push({
        file,
        line: objects[0].line,
        message: `no row has label field "${field}" for objective "${objective}" (fields found: ${found.join(', ')})`,
      });
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return { sentences, problems };
}

function textOf(value: Record<string, unknown>, field: string, problem: (m: string) => void): LabelledSentence | undefined {
  const text = value[field];
  if (typeof text === 'string' && text.trim() !== '') return { words: [], text };
  problem(
    text === undefined
      ? `missing text field "${field}"`
      : typeof text === 'string'
        ? `text field "${field}" is empty`
        : `text field "${field}" is ${describe(text)}, not a string`,
  );
  return undefined;
}

function wordsOf(value: Record<string, unknown>, field: string, problem: (m: string) => void): LabelledSentence | undefined {
  const words = value[field];
  if (words === undefined) problem(`missing tokens field "${field}"`);
  else if (!Array.isArray(words) || words.length === 0) problem(`tokens field "${field}" is ${describe(words)}, not a non-empty list of words`);
  else {
    const bad = words.findIndex((w) => typeof w !== 'string' || w.trim() === '');
    if (bad < 0) return { words: words as string[] };
    problem(`tokens field "${field}": word ${bad + 1} is ${describe(words[bad])}, not a non-empty string`);
  }
  return undefined;
}

function wordLabelsOf(raw: unknown, field: string, wordCount: number, problem: (m: string) => void): (string | null)[] | undefined {
  if (!Array.isArray(raw)) {
    problem(`label field "${field}" is ${describe(raw)}, not a list with one label per word`);
    return undefined;
  }
  if (raw.length !== wordCount) {
    problem(`label field "${field}" has ${raw.length} labels for ${wordCount} words`);
    return undefined;
  }
  const bad = raw.findIndex((label) => label !== null && !isScalar(label));
  if (bad >= 0) {
    problem(`label field "${field}": label ${bad + 1} is ${describe(raw[bad])}, not a string, number, boolean or null`);
    return undefined;
  }
  return raw.map((label) => (label === null || label === '' ? null : String(label)));
}

const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
