import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  readSafetensors,
  readSafetensorsFile,
  SafetensorsError,
  writeSafetensors,
  writeSafetensorsFile,
  type TensorToWrite,
} from '../../src/core/io/safetensors';
import { readWeightsFile } from '../../src/core/io/weightsFile';

/** Builds a file byte by byte per the spec, independently of the writer. */
function handMade(header: string | number[], data: number[], headerLength?: bigint): Uint8Array {
  const headerBytes = typeof header === 'string' ? [...Buffer.from(header, 'utf8')] : header;
  const n = headerLength ?? BigInt(headerBytes.length);
  const lengthBytes = Array.from({ length: 8 }, (_, k) => Number((n >> BigInt(8 * k)) & 0xffn));
  return Uint8Array.from([...lengthBytes, ...headerBytes, ...data]);
}

const json = (value: unknown) => JSON.stringify(value);

test('reads a hand-made file (odd header length, so data is unaligned and copied)', () => {
  const header = ` ${json({
    __metadata__: { format: 'pt' },
    b: { dtype: 'I32', shape: [1, 1], data_offsets: [8, 12] },
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    c: { dtype: 'I64', shape: [1], data_offsets: [12, 20] },
  })}`; // 197 bytes: JSON allows the leading space
  const data = [
    ...[0x00, 0x00, 0x80, 0x3f], // 1.0f
    ...[0x00, 0x00, 0x20, 0xc0], // -2.5f
    ...[0xf9, 0xff, 0xff, 0xff], // -7
    ...[0x05, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00], // 2^40 + 5
  ];
  const bytes = handMade(header, data);
  const { tensors, metadata } = readSafetensors(bytes, 'hand.safetensors');
  assert.deepEqual(metadata, { format: 'pt' });
  assert.deepEqual([...tensors.keys()], ['a', 'b', 'c']); // data-section order
  const a = tensors.get('a')!;
  assert.equal(a.dtype, 'F32');
  assert.deepEqual(a.shape, [2]);
  assert.ok(a.data instanceof Float32Array);
  assert.deepEqual([...a.data], [1, -2.5]);
  assert.notEqual(a.data.buffer, bytes.buffer);
  assert.deepEqual(tensors.get('b'), { dtype: 'I32', shape: [1, 1], data: Int32Array.from([-7]) });
  assert.deepEqual(tensors.get('c'), { dtype: 'I64', shape: [1], data: BigInt64Array.from([2n ** 40n + 5n]) });
});

test('decodes F16 and BF16 to Float32Array', () => {
  const f16 = [0x3c00, 0xc000, 0x3800, 0x7c00, 0xfc00, 0x8000, 0x7bff, 0x0001, 0x7e00];
  const bf16 = [0x3f80, 0xc000, 0x3f00, 0x7f80, 0xff80];
  const le16 = (values: number[]) => values.flatMap((v) => [v & 0xff, v >> 8]);
  const header = json({
    h: { dtype: 'F16', shape: [f16.length], data_offsets: [0, f16.length * 2] },
    b: { dtype: 'BF16', shape: [bf16.length], data_offsets: [f16.length * 2, (f16.length + bf16.length) * 2] },
  });
  const { tensors } = readSafetensors(handMade(header, [...le16(f16), ...le16(bf16)]), 'half.safetensors');
  const h = tensors.get('h')!.data as Float32Array;
  const b = tensors.get('b')!.data as Float32Array;
  assert.ok(h instanceof Float32Array && b instanceof Float32Array);
  assert.deepEqual([...h], [1, -2, 0.5, Infinity, -Infinity, -0, 65504, 2 ** -24, NaN]);
  assert.deepEqual([...b], [1, -2, 0.5, Infinity, -Infinity]);
});

const sample = (): Record<string, TensorToWrite> => ({
  'z.weight': { dtype: 'F32', shape: [2, 3], data: Float32Array.from([0.1, -0.2, 3, 4e-8, -5e10, 6]) },
  'a.bias': { dtype: 'F32', shape: [3], data: Float32Array.from([1, 2, 3]) },
  position_ids: { dtype: 'I64', shape: [2], data: BigInt64Array.from([0n, -(2n ** 62n)]) },
  count: { dtype: 'I32', shape: [], data: Int32Array.from([42]) },
  mask: { dtype: 'U8', shape: [5], data: Uint8Array.from([1, 0, 1, 1, 0]) },
  empty: { dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
  '10': { dtype: 'I32', shape: [1], data: Int32Array.from([10]) },
  '2': { dtype: 'I32', shape: [1], data: Int32Array.from([2]) },
});

test('write → read → write is byte-identical and values survive', () => {
  const tensors = sample();
  const metadata = { format: 'pt', '1': 'integer-like key' };
  const first = writeSafetensors(tensors, metadata);
  const headerLength = Number(new DataView(first.buffer).getBigUint64(0, true));
  assert.equal(headerLength % 8, 0);

  const read = readSafetensors(first, 'mem.safetensors');
  assert.deepEqual(read.metadata, metadata);
  for (const [name, tensor] of Object.entries(tensors)) assert.deepEqual(read.tensors.get(name), tensor, name);

  const again = writeSafetensors(Object.fromEntries(read.tensors) as Record<string, TensorToWrite>, read.metadata);
  assert.deepEqual(again, first);
});

test('output does not depend on insertion order, and tensors are aligned views', () => {
  const tensors = sample();
  const reversed = Object.fromEntries(Object.entries(tensors).reverse());
  const bytes = writeSafetensors(tensors);
  assert.deepEqual(writeSafetensors(reversed), bytes);
  for (const { data } of readSafetensors(bytes, 'mem.safetensors').tensors.values()) assert.equal(data.buffer, bytes.buffer);
});

test('file helpers write atomically and read back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'safetensors-'));
  try {
    const path = join(dir, 'nested', 'adapter.safetensors');
    writeSafetensorsFile(path, sample(), { format: 'pt' });
    const { tensors, metadata } = readSafetensorsFile(path);
    assert.deepEqual(metadata, { format: 'pt' });
    assert.deepEqual(tensors.get('z.weight'), sample()['z.weight']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const malformed: [string, Uint8Array, RegExp][] = [
  ['shorter than 8 bytes', new Uint8Array(5), /the file is 5 bytes, too short/],
  ['absurd header length', handMade('{}', [], 2n ** 40n), /header length 1099511627776 bytes is over the 104857600-byte limit/],
  ['header length past the file', handMade('{}', [], 100n), /header length 100 bytes runs past the end of the file \(10 bytes\)/],
  ['invalid JSON', handMade('{"a":', []), /the header is not valid UTF-8 JSON/],
  ['invalid UTF-8', handMade([0x7b, 0xff, 0x7d], []), /the header is not valid UTF-8 JSON/],
  ['header not an object', handMade('[1,2]', []), /the header is not a JSON object/],
  ['entry not an object', handMade(json({ w: 5 }), []), /tensor "w": expected an object/],
  ['unknown dtype', handMade(json({ w: { dtype: 'F7', shape: [1], data_offsets: [0, 4] } }), [0, 0, 0, 0]), /tensor "w": unsupported dtype "F7"/],
  ['negative dim', handMade(json({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }), []), /tensor "w": shape \[-1\] is not/],
  ['fractional dim', handMade(json({ w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 0] } }), []), /tensor "w": shape/],
  ['shape not an array', handMade(json({ w: { dtype: 'F32', shape: '2', data_offsets: [0, 8] } }), []), /tensor "w": shape "2"/],
  ['missing shape', handMade(json({ w: { dtype: 'F32', data_offsets: [0, 0] } }), []), /tensor "w": shape undefined/],
  ['descending offsets', handMade(json({ w: { dtype: 'U8', shape: [4], data_offsets: [4, 0] } }), []), /tensor "w": data_offsets \[4,0\] is not/],
  ['one offset', handMade(json({ w: { dtype: 'U8', shape: [0], data_offsets: [0] } }), []), /tensor "w": data_offsets \[0\]/],
  ['fractional offset', handMade(json({ w: { dtype: 'U8', shape: [1], data_offsets: [0, 0.5] } }), []), /tensor "w": data_offsets/],
  [
    'byte length ≠ shape × dtype size',
    handMade(json({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }), [0, 0, 0, 0]),
    /tensor "w": data_offsets \[0, 4\] hold 4 bytes but F32 shape \[2\] needs 8/,
  ],
  [
    'overlap',
    handMade(json({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }), new Array(8).fill(0)),
    /tensor "b": data_offsets \[4, 8\] overlap tensor "a" \[0, 8\]/,
  ],
  [
    'hole between tensors',
    handMade(json({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }), new Array(12).fill(0)),
    /tensor "b": bytes \[4, 8\) before this tensor belong to no tensor/,
  ],
  ['hole at the start', handMade(json({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }), new Array(8).fill(0)), /tensor "a": bytes \[0, 4\)/],
  [
    'bytes after the last tensor',
    handMade(json({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }), new Array(8).fill(0)),
    /the last 4 bytes of the data section belong to no tensor/,
  ],
  ['metadata value not a string', handMade(json({ __metadata__: { version: 1 } }), []), /"__metadata__" value for "version" is a number/],
  ['metadata not an object', handMade(json({ __metadata__: ['x'] }), []), /"__metadata__" is not an object of strings/],
];

for (const [name, bytes, expected] of malformed) {
  test(`rejects: ${name}`, () => {
    assert.throws(
      () => readSafetensors(bytes, 'bad.safetensors'),
      (error: unknown) => {
        assert.ok(error instanceof SafetensorsError, `not a SafetensorsError: ${String(error)}`);
        assert.match(error.message, /^bad\.safetensors: /);
        assert.match(error.message, expected);
        return true;
      },
    );
  });
}

test('an offset past the data section names file, tensor and sizes', () => {
  const name = 'bert.embeddings.word_embeddings.weight';
  const bytes = handMade(json({ [name]: { dtype: 'F32', shape: [1024], data_offsets: [0, 4096] } }), new Array(2048).fill(0));
  assert.throws(() => readSafetensors(bytes, 'model.safetensors'), {
    name: 'SafetensorsError',
    message: `model.safetensors: tensor "${name}": data_offsets [0, 4096] end past the data section (2048 bytes)`,
  });
});

test('the writer rejects inconsistent tensors', () => {
  assert.throws(() => writeSafetensors({ w: { dtype: 'F32', shape: [3], data: new Float32Array(2) } }), /needs 12 bytes of F32, got 8/);
  assert.throws(() => writeSafetensors({ w: { dtype: 'F16', shape: [1], data: new Float32Array(1) as never } }), /F16 data must be a Uint16Array/);
  assert.throws(() => writeSafetensors({ __metadata__: { dtype: 'U8', shape: [0], data: new Uint8Array(0) } }), /reserved/);
});

// The format does not require the header to be padded: another writer's file may put the data at any offset, and
// a file read from disk is a Node Buffer (for small files a view into a shared pool, whose `.buffer` starts elsewhere).
test('files read from disk decode every dtype the same for every header length mod 8, small and large', () => {
  const dir = mkdtempSync(join(tmpdir(), 'safetensors-unpadded-'));
  try {
    for (const count of [3, 1500]) {
      const f32 = Float32Array.from({ length: count }, (_, i) => (i % 7) - 2.75 + i / 1024);
      const tensors: Record<string, TensorToWrite> = {
        f64: { dtype: 'F64', shape: [count], data: Float64Array.from(f32, (v) => v / 3) },
        i64: { dtype: 'I64', shape: [count], data: BigInt64Array.from(f32, (_, i) => BigInt(i) * 2n ** 33n - 5n) },
        f32: { dtype: 'F32', shape: [count], data: f32 },
        i32: { dtype: 'I32', shape: [count], data: Int32Array.from(f32, (_, i) => i * 65537 - 9) },
        f16: { dtype: 'F16', shape: [2], data: Uint16Array.from([0x3c00, 0xc100]) }, // 1, -2.5
        bf16: { dtype: 'BF16', shape: [2], data: Uint16Array.from([0x3f80, 0xc020]) }, // 1, -2.5
        i16: { dtype: 'I16', shape: [count], data: Int16Array.from(f32, (_, i) => (i % 300) - 150) },
        i8: { dtype: 'I8', shape: [3], data: Int8Array.from([-128, 5, 127]) },
        u8: { dtype: 'U8', shape: [3], data: Uint8Array.from([0, 200, 255]) },
      };
      const padded = writeSafetensors(tensors);
      const n = Number(new DataView(padded.buffer).getBigUint64(0, true));
      const json = Buffer.from(padded.subarray(8, 8 + n))
        .toString('utf8')
        .trimEnd();
      const data = padded.subarray(8 + n);
      for (let extra = 0; extra < 8; extra++) {
        const header = Buffer.from(json + ' '.repeat(extra), 'utf8');
        const length = Buffer.alloc(8);
        length.writeBigUInt64LE(BigInt(header.length));
        const file = join(dir, `h${header.length % 8}-${count}.safetensors`);
        writeFileSync(file, Buffer.concat([length, header, data]));
        const read = readSafetensorsFile(file).tensors;
        for (const [name, expected] of Object.entries(tensors)) {
          const got = read.get(name)!;
          const values = name === 'f16' || name === 'bf16' ? Float32Array.from([1, -2.5]) : expected.data;
          assert.deepEqual([...got.data], [...values], `${name}, header length ${header.length} (mod 8 = ${header.length % 8}), ${count} values`);
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readWeightsFile refuses NaN and ±Infinity in every float dtype, naming the file and the tensor; integers pass', () => {
  const dir = mkdtempSync(join(tmpdir(), 'safetensors-finite-'));
  try {
    const file = join(dir, 'w.safetensors');
    const cases: [TensorToWrite, RegExp][] = [
      [{ dtype: 'F32', shape: [3], data: Float32Array.from([1, NaN, NaN]) }, /holds NaN at index 1 \(2 of 3 values/],
      [{ dtype: 'F64', shape: [2], data: Float64Array.from([Infinity, 0]) }, /holds Infinity at index 0 \(1 of 2/],
      [{ dtype: 'F16', shape: [2], data: Uint16Array.from([0x3c00, 0xfc00]) }, /holds -Infinity at index 1/],
      [{ dtype: 'BF16', shape: [1], data: Uint16Array.from([0x7fc0]) }, /holds NaN at index 0/],
    ];
    for (const [tensor, expected] of cases) {
      writeSafetensorsFile(file, { ok: { dtype: 'F32', shape: [1], data: Float32Array.from([1]) }, 'layer.0.w': tensor });
      assert.throws(
        () => readWeightsFile(file),
        (e: unknown) => {
          assert.ok(e instanceof SafetensorsError);
          assert.equal(e.file, file);
          assert.equal(e.tensor, 'layer.0.w');
          assert.match(e.message, expected, tensor.dtype);
          return true;
        },
      );
    }
    writeSafetensorsFile(file, {
      i: { dtype: 'I32', shape: [2], data: Int32Array.from([-1, 2 ** 31 - 1]) },
      f: { dtype: 'F32', shape: [2], data: Float32Array.from([-3.4e38, 1e-45]) },
    });
    assert.deepEqual([...readWeightsFile(file).tensors.get('f')!.data], [...Float32Array.from([-3.4e38, 1e-45])]);
    assert.throws(() => readWeightsFile(join(dir, 'missing.safetensors')), {
      name: 'SafetensorsError',
      message: `${join(dir, 'missing.safetensors')}: cannot read: not found`,
    });
    assert.throws(() => readWeightsFile(dir), { name: 'SafetensorsError', message: `${dir}: cannot read: is a folder, not a file` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
