// The parts of a pre-training config that name corpora and objectives: built-in ones by name, the user's own as
// objects (a JSONL corpus; a classification objective reading one of its fields).
import type { EncoderShape } from '../config/types';
import { BUILTIN_CORPORA, type BuiltinCorpusName } from '../data/corpora';

/** The built-in objectives, in the order their heads are built and run (which keeps their numerics fixed). */
export const BUILTIN_OBJECTIVES = ['mlm', 'pos', 'polarity', 'genre', 'bow', 'tone', 'clm'] as const;
export type BuiltinObjectiveName = (typeof BUILTIN_OBJECTIVES)[number];
export type ClassificationType = 'token-classification' | 'text-classification';

/** A JSONL file of the user's; `path` is absolute once loaded. Exactly one of textField / tokensField. */
export interface UserCorpusSpec {
  name: string;
  path: string;
  textField?: string;
  tokensField?: string;
}
export type CorpusSpec = BuiltinCorpusName | UserCorpusSpec;

/** A classification objective of the user's: its labels are the values of `field` in the rows of `corpus`. */
export interface UserObjectiveSpec {
  type: ClassificationType;
  corpus: string;
  field: string;
  weight: number;
}
export type ObjectiveSpec = { weight: number } | UserObjectiveSpec;

export const isUserObjective = (spec: ObjectiveSpec): spec is UserObjectiveSpec => 'type' in spec;
export const isUserCorpus = (spec: CorpusSpec): spec is UserCorpusSpec => typeof spec !== 'string';
export const isBuiltinObjective = (name: string): name is BuiltinObjectiveName => (BUILTIN_OBJECTIVES as readonly string[]).includes(name);
export const isBuiltinCorpus = (name: string): name is BuiltinCorpusName => (BUILTIN_CORPORA as readonly string[]).includes(name);

/** A `*.pretrain.json` after defaults and validation (./config reads it). */
export interface PretrainConfig {
  file: string;
  name: string;
  output: string; // absolute: the Hugging Face folder written at the end
  shape: EncoderShape;
  corpora: CorpusSpec[];
  objectives: Record<string, ObjectiveSpec>; // in the config's order
  steps: number;
  batchSize: number;
  maxLength: number;
  learningRate: number;
  warmupSteps: number;
  weightDecay: number;
  maxGradNorm: number;
  dropout: number;
  maskProbability: number;
  heldOut: number; // share of each corpus kept for held-out accuracy
  evalEvery: number;
  checkpointEvery: number;
  logEvery: number;
  seed: number;
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  runsDir: string;
}
