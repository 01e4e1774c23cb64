// A problem found by the schema or semantic checks, located by JSON path; validate.ts turns it into a ConfigProblem.
import type { JSONPath } from 'jsonc-parser';

export interface Issue {
  path: JSONPath;
  /** Underline the property key instead of its value (unknown or conflicting properties). */
  part?: 'key' | 'value';
  /** Only part of a string value: decoded characters [start, start + length) (a composition setup). */
  span?: { start: number; length: number };
  code: string;
  message: string;
}
