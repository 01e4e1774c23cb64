// Train/validation/test split that replays exactly from the config's seed and keeps every stratum's
// share (e.g. each domain × sentiment) the same in all three splits.
import type { SplitSpec } from '../config/types';
import type { Row } from './load';
import { createRng, shuffleInPlace } from './random';

export interface Splits<T> {
  train: T[];
  validation: T[];
  test: T[];
}

/**
 * Per stratum: shuffle, take round(n × test) for test, then round(n × validation) for validation, the rest
 * for train. Each split keeps the input order. Without `stratifyBy` all rows form one stratum.
 */
export function splitRows<T>(rows: readonly T[], split: SplitSpec, stratifyBy: (row: T) => string = () => ''): Splits<T> {
  const { validation, test, seed } = split;
  if (!(validation >= 0 && test >= 0 && validation + test < 1)) {
    throw new RangeError(`split fractions must be ≥ 0 and leave rows for training, got validation ${validation}, test ${test}`);
  }
  const strata = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const key = stratifyBy(row);
    const members = strata.get(key);
    if (members) members.push(index);
    else strata.set(key, [index]);
  });
  const rng = createRng(seed);
  const assigned = new Array<keyof Splits<T>>(rows.length);
  for (const members of strata.values()) {
    const indices = shuffleInPlace(members, rng);
    const testCount = Math.round(indices.length * test);
    const validationCount = Math.min(Math.round(indices.length * validation), indices.length - testCount);
    indices.forEach((index, k) => {
      assigned[index] = k < testCount ? 'test' : k < testCount + validationCount ? 'validation' : 'train';
    });
  }
  const result: Splits<T> = { train: [], validation: [], test: [] };
  rows.forEach((row, index) => result[assigned[index]].push(row));
  return result;
}

/** Stratification key from label fields; pass the tasks' fields so every label combination is balanced. */
export function stratifyByLabels(fields: readonly string[]): (row: Row) => string {
  return (row) => JSON.stringify(fields.map((field) => (Object.hasOwn(row.labels, field) ? row.labels[field] : null)));
}
