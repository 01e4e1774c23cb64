// Hugging Face safetensors: an 8-byte little-endian u64 header length N, N bytes of UTF-8 JSON
// ({ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { string: string } }), then the raw
// little-endian tensor data, offsets relative to the start of that data section.
// Spec: https://github.com/huggingface/safetensors#format
// Typed arrays use the platform byte order; every platform Node and TensorFlow.js run on is little-endian.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic';

const BYTES_PER_ELEMENT = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 } as const;

/** The safetensors dtypes this module reads and writes (U16/U32/U64 and the F8 formats are not supported). */
export type Dtype = keyof typeof BYTES_PER_ELEMENT;

/** Array type handed to the writer per dtype; F16 and BF16 take their raw 16-bit patterns. */
interface WriteArrayFor {
  F64: Float64Array;
  F32: Float32Array;
  F16: Uint16Array;
  BF16: Uint16Array;
  I64: BigInt64Array;
  I32: Int32Array;
  I16: Int16Array;
  I8: Int8Array;
  U8: Uint8Array;
  BOOL: Uint8Array;
}

/** Array type returned by the reader per dtype: F16 and BF16 are decoded to Float32Array; I64 stays exact as BigInt64Array. */
interface ReadArrayFor extends Omit<WriteArrayFor, 'F16' | 'BF16'> {
  F16: Float32Array;
  BF16: Float32Array;
}

/** A tensor to write; `data` is the matching typed array, or its raw little-endian bytes as a Uint8Array. */
export type TensorToWrite = { [D in Dtype]: { dtype: D; shape: readonly number[]; data: WriteArrayFor[D] | Uint8Array } }[Dtype];

/** A tensor read from a file; narrow on `dtype` to get the array type. */
export type ReadTensor = { [D in Dtype]: { dtype: D; shape: number[]; data: ReadArrayFor[D] } }[Dtype];

export interface SafetensorsContents {
  tensors: Map<string, ReadTensor>; // in data-section order
  metadata: Record<string, string>;
}

/** A malformed file; the message names the file and, when one is at fault, the tensor. */
export class SafetensorsError extends Error {
  constructor(
    readonly file: string,
    readonly tensor: string | undefined,
    detail: string,
  ) {
    super(`${file}: ${tensor === undefined ? '' : `tensor ${JSON.stringify(tensor)}: `}${detail}`);
    this.name = 'SafetensorsError';
  }
}

// A real header is a few hundred bytes per tensor; a larger length means a corrupt or foreign file.
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const WRITE_ARRAY = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  I32: Int32Array,
  I16: Int16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
} as const;

const isDtype = (value: unknown): value is Dtype => typeof value === 'string' && Object.hasOwn(BYTES_PER_ELEMENT, value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const compareCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Serialises tensors deterministically: sorted by element size (largest first) then name, as the Python
 * implementation does, so with the header padded to 8 bytes every tensor starts aligned for its type.
 */
export function writeSafetensors(tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort((a, b) => BYTES_PER_ELEMENT[tensors[b].dtype] - BYTES_PER_ELEMENT[tensors[a].dtype] || compareCodeUnits(a, b));
  // The header is assembled by hand: JSON.stringify would move integer-like keys ("0", "1") first.
  const entries: string[] = [];
  const metadataKeys = Object.keys(metadata ?? {}).sort(compareCodeUnits);
  if (metadata && metadataKeys.length > 0) {
    for (const key of metadataKeys) {
      if (typeof metadata[key] !== 'string') throw new TypeError(`safetensors metadata "${key}" must be a string`);
    }
    entries.push(`"__metadata__":{${metadataKeys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  let offset = 0;
  for (const name of names) {
    const { dtype, shape, data } = tensors[name];
    const where = `safetensors tensor ${JSON.stringify(name)}`;
    if (name === '__metadata__') throw new TypeError(`"__metadata__" is reserved and cannot name a tensor`);
    if (!isDtype(dtype)) throw new TypeError(`${where}: unsupported dtype ${JSON.stringify(dtype)}`);
    if (!shape.every((d) => isCount(d))) throw new TypeError(`${where}: shape [${shape.join(', ')}] must hold non-negative integers`);
    if (!(data instanceof Uint8Array || data instanceof WRITE_ARRAY[dtype])) {
      throw new TypeError(`${where}: ${dtype} data must be a ${WRITE_ARRAY[dtype].name} or raw bytes in a Uint8Array`);
    }
    const byteLength = product(shape) * BYTES_PER_ELEMENT[dtype];
    if (data.byteLength !== byteLength) {
      throw new RangeError(`${where}: shape [${shape.join(', ')}] needs ${byteLength} bytes of ${dtype}, got ${data.byteLength}`);
    }
    entries.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype, shape, data_offsets: [offset, offset + byteLength] })}`);
    offset += byteLength;
  }
  const json = new TextEncoder().encode(`{${entries.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.fill(0x20, 8, 8 + headerLength); // pad with spaces, which JSON ignores
  out.set(json, 8);
  let position = 8 + headerLength;
  for (const name of names) {
    const { data } = tensors[name];
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    position += data.byteLength;
  }
  return out;
}

interface Entry {
  name: string;
  dtype: Dtype;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses and validates a safetensors file. The whole header is checked before any tensor is allocated,
 * so a corrupt file fails with a precise message instead of a huge allocation. Arrays are views into
 * `bytes` when aligned (copies otherwise): do not modify `bytes` afterwards.
 */
export function readSafetensors(bytes: Uint8Array, fileName: string): SafetensorsContents {
  const fail = (detail: string, tensor?: string): never => {
    throw new SafetensorsError(fileName, tensor, detail);
  };
  if (bytes.byteLength < 8) fail(`the file is ${bytes.byteLength} bytes, too short to hold the 8-byte header length`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    fail(`header length ${headerLength} bytes is over the ${MAX_HEADER_BYTES}-byte limit; this is not a safetensors file`);
  }
  const dataStart = 8 + Number(headerLength);
  if (dataStart > bytes.byteLength) {
    fail(`header length ${headerLength} bytes runs past the end of the file (${bytes.byteLength} bytes)`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (error) {
    fail(`the header is not valid UTF-8 JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(header)) return fail('the header is not a JSON object');

  const dataLength = bytes.byteLength - dataStart;
  const entries: Entry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') metadata = parseMetadata(info, fail);
    else entries.push(parseEntry(name, info, dataLength, fail));
  }
  checkCoverage(entries, dataLength, fail);

  const tensors = new Map<string, ReadTensor>();
  for (const { name, dtype, shape, begin } of entries) {
    tensors.set(name, { dtype, shape, data: decode(bytes, dataStart + begin, dtype, product(shape)) } as ReadTensor);
  }
  return { tensors, metadata };
}

function parseMetadata(info: unknown, fail: (detail: string) => never): Record<string, string> {
  if (!isPlainObject(info)) return fail('"__metadata__" is not an object of strings');
  for (const [key, value] of Object.entries(info)) {
    if (typeof value !== 'string') fail(`"__metadata__" value for ${JSON.stringify(key)} is a ${typeof value}, not a string`);
  }
  return Object.fromEntries(Object.entries(info)) as Record<string, string>;
}

function parseEntry(name: string, info: unknown, dataLength: number, fail: (detail: string, tensor: string) => never): Entry {
  if (!isPlainObject(info)) return fail('expected an object with dtype, shape and data_offsets', name);
  const { dtype, shape, data_offsets: offsets } = info;
  if (!isDtype(dtype)) {
    return fail(`unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(BYTES_PER_ELEMENT).join(', ')})`, name);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    return fail(`shape ${JSON.stringify(shape)} is not an array of non-negative integers`, name);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    return fail(`data_offsets ${JSON.stringify(offsets)} is not two ascending non-negative integers`, name);
  }
  const [begin, end] = offsets as [number, number];
  const expected = product(shape) * BYTES_PER_ELEMENT[dtype];
  if (end - begin !== expected) {
    fail(`data_offsets [${begin}, ${end}] hold ${end - begin} bytes but ${dtype} shape [${shape.join(', ')}] needs ${expected}`, name);
  }
  if (end > dataLength) fail(`data_offsets [${begin}, ${end}] end past the data section (${dataLength} bytes)`, name);
  return { name, dtype, shape, begin, end };
}

/** The spec requires tensors to tile the data section exactly: no overlaps, no holes, nothing after the last. */
function checkCoverage(entries: Entry[], dataLength: number, fail: (detail: string, tensor?: string) => never): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | undefined;
  for (const entry of entries) {
    if (previous && entry.begin < covered) {
      fail(`data_offsets [${entry.begin}, ${entry.end}] overlap tensor ${JSON.stringify(previous.name)} [${previous.begin}, ${previous.end}]`, entry.name);
    }
    if (entry.begin > covered) fail(`bytes [${covered}, ${entry.begin}) before this tensor belong to no tensor`, entry.name);
    covered = entry.end;
    previous = entry;
  }
  if (covered < dataLength) fail(`the last ${dataLength - covered} bytes of the data section belong to no tensor`);
}

function decode(bytes: Uint8Array, offset: number, dtype: Dtype, count: number): ReadArrayFor[Dtype] {
  if (dtype === 'F16' || dtype === 'BF16') {
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 2);
    const out = new Float32Array(count);
    if (dtype === 'F16') {
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
    } else {
      // bfloat16 is the top half of a float32: shift the bits back into place.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, true) << 16;
    }
    return out;
  }
  const ArrayType = WRITE_ARRAY[dtype];
  const start = bytes.byteOffset + offset;
  // Typed-array views need offsets aligned to their element size; copy when the file does not provide that.
  if (start % ArrayType.BYTES_PER_ELEMENT === 0) return new ArrayType(bytes.buffer as ArrayBuffer, start, count);
  // Copy into an array of its own: `bytes.slice` is a copy for a Uint8Array but a view for a Node Buffer (whose
  // `.buffer` is the whole file, or a shared pool), so its `.buffer` cannot be relied on.
  const copy = new ArrayType(count);
  new Uint8Array(copy.buffer).set(bytes.subarray(offset, offset + count * ArrayType.BYTES_PER_ELEMENT));
  return copy;
}

/** IEEE 754 binary16 bits → number (exact: every half value is representable as float32). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

export function readSafetensorsFile(path: string): SafetensorsContents {
  return readSafetensors(readFileSync(path), path);
}

/** Writes atomically, so an interrupted save never leaves a truncated checkpoint. */
export function writeSafetensorsFile(path: string, tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): void {
  writeFileAtomic(path, writeSafetensors(tensors, metadata));
}
