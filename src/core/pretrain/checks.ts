// Checks of a pre-training config that its JSON Schema cannot express: corpus and objective names, the corpus each
// objective reads, and that corpus files exist. Each problem names the JSON path it is about, for line:column.
import { pathProblem } from '../io/pathProblem';
import { type PretrainConfig, isBuiltinCorpus, isUserCorpus, isUserObjective } from './spec';

export interface CrossCheckProblem {
  at: (string | number)[];
  part?: 'key' | 'value';
  message: string;
  code: string;
}

// Names become tensor names (cls.{name}.weight, heads.{name}.…) and metric keys.
const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
// Built-in objectives and the corpus whose labels they read.
const NEEDS_CORPUS: Record<string, string> = { pos: 'brown', genre: 'brown' };

export function crossCheckProblems(config: PretrainConfig, corporaGiven: boolean, objectivesGiven: boolean): CrossCheckProblem[] {
  const problems: CrossCheckProblem[] = [];
  if (config.maxLength > config.shape.maxPositions) {
    problems.push({
      at: ['maxLength'],
      message: `maxLength ${config.maxLength} exceeds the ${config.shape.maxPositions} positions of "shape" (maxPositions); lower maxLength or raise maxPositions`,
      code: 'max-length-too-large',
    });
  }
  const corpusNames = new Set<string>();
  config.corpora.forEach((corpus, i) => {
    if (!isUserCorpus(corpus)) {
      if (corpusNames.has(corpus)) problems.push({ at: ['corpora', i], message: `"${corpus}" is listed twice`, code: 'duplicate-corpus' });
      corpusNames.add(corpus);
      return;
    }
    const at = ['corpora', i];
    if (isBuiltinCorpus(corpus.name))
      problems.push({ at: [...at, 'name'], message: `"${corpus.name}" is a built-in corpus; give yours another name`, code: 'corpus-name-taken' });
    else if (corpusNames.has(corpus.name)) problems.push({ at: [...at, 'name'], message: `two corpora are named "${corpus.name}"`, code: 'duplicate-corpus' });
    corpusNames.add(corpus.name);
    if (corpus.textField !== undefined && corpus.tokensField !== undefined) {
      problems.push({
        at: [...at, 'tokensField'],
        part: 'key',
        message: 'give either "textField" (a string per row) or "tokensField" (a list of words per row), not both',
        code: 'text-and-tokens',
      });
    }
    const unusable = pathProblem(corpus.path, 'file');
    if (unusable)
      problems.push({
        at: [...at, 'path'],
        message: unusable === 'not found' ? `no such file: ${corpus.path}` : `${corpus.path}: ${unusable}`,
        code: 'missing-file',
      });
  });
  if (!objectivesGiven) return problems;
  const userCorpora = config.corpora.filter(isUserCorpus);
  if (Object.hasOwn(config.objectives, 'clm')) {
    // clm trains a decoder, which has no sentence pooling or masked positions for the encoder's objectives to use.
    for (const name of Object.keys(config.objectives).filter((n) => n !== 'clm'))
      problems.push({
        at: ['objectives', name],
        part: 'key',
        message: `"clm" pre-trains a decoder on its own; "${name}" belongs to an encoder: remove it or pre-train the encoder in another config`,
        code: 'clm-alone',
      });
    if (config.shape.vocabSize < 257)
      problems.push({
        at: ['shape', 'vocabSize'],
        message: 'a byte-level vocabulary needs at least 257 tokens (256 bytes and <|endoftext|>)',
        code: 'vocab-too-small',
      });
  }
  for (const [name, spec] of Object.entries(config.objectives)) {
    const at = ['objectives', name];
    if (!NAME.test(name) || name === 'predictions') {
      const why = name === 'predictions' ? '"predictions" is the masked-LM head (cls.predictions)' : 'use letters, digits, "_" and "-", starting with a letter';
      problems.push({ at, part: 'key', message: `objective name "${name}": ${why}`, code: 'objective-name' });
    }
    const needs = NEEDS_CORPUS[name];
    if (!isUserObjective(spec)) {
      if (needs && !corpusNames.has(needs)) {
        problems.push({
          at,
          part: 'key',
          message: `"${name}" learns labels of the ${needs} corpus: add "${needs}" to "corpora"`,
          code: 'objective-without-corpus',
        });
      }
      continue;
    }
    const corpus = userCorpora.find((c) => c.name === spec.corpus);
    if (!corpus) {
      const yours = userCorpora.map((c) => `"${c.name}"`).join(', ') || 'none yet';
      const message = isBuiltinCorpus(spec.corpus)
        ? `an objective of your own reads a corpus of your own; "${spec.corpus}" is built in${spec.corpus === 'brown' ? ' (its labels are the built-in objectives pos and genre)' : ' and unlabelled'}`
        : `no corpus "${spec.corpus}" in ${corporaGiven ? '"corpora"' : 'the default corpora (add a "corpora" list)'}; corpora of your own: ${yours}`;
      problems.push({ at: [...at, 'corpus'], message, code: 'unknown-corpus' });
    } else if (spec.type === 'token-classification' && corpus.tokensField === undefined) {
      problems.push({
        at: [...at, 'corpus'],
        message: `token-classification needs each row's words with one label each: give corpus "${corpus.name}" a "tokensField"`,
        code: 'tokens-needed',
      });
    }
  }
  return problems;
}
