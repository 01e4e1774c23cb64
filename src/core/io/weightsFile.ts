// Weights read from disk must be numbers: one NaN or ±Infinity in a base, adapter, head or fusion file makes every
// output NaN, and training then fails at its first step with advice about the learning rate. Checked on reading,
// the error names the file and the tensor instead.
import { fsErrorReason, isFsError } from './fsErrors';
import { type ReadTensor, type SafetensorsContents, SafetensorsError, readSafetensorsFile } from './safetensors';

/** Why a tensor's values are unusable as weights, or undefined when every value is finite. */
export function nonFiniteProblem(data: ReadTensor['data']): string | undefined {
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return undefined; // integers are always finite
  let first = -1;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    if (Number.isFinite(data[i])) continue;
    if (first < 0) first = i;
    count++;
  }
  if (first < 0) return undefined;
  return `holds ${data[first]} at index ${first} (${count} of ${data.length} values are NaN or ±Infinity): the file is damaged, or was saved from a run that diverged`;
}

/** Throws a SafetensorsError naming the file and the first tensor that holds NaN or ±Infinity. */
export function checkFinite(file: string, tensors: ReadonlyMap<string, ReadTensor>): void {
  for (const [name, tensor] of tensors) {
    const problem = nonFiniteProblem(tensor.data);
    if (problem) throw new SafetensorsError(file, name, problem);
  }
}

/**
 * A safetensors file of weights: readSafetensorsFile, then every floating-point value checked to be finite.
 * Every failure, an unreadable path included, is a SafetensorsError that names the file.
 */
export function readWeightsFile(file: string): SafetensorsContents {
  let contents: SafetensorsContents;
  try {
    contents = readSafetensorsFile(file);
  } catch (e) {
    if (isFsError(e)) throw new SafetensorsError(file, undefined, `cannot read: ${fsErrorReason(e)}`);
    throw e;
  }
  checkFinite(file, contents.tensors);
  return contents;
}
