import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeGgufHeader,
  GgufWriteError,
  inferValue,
  randomTensorData,
  rowSize,
  tensorBytes,
  writeGguf,
  type GgufValue,
  type GgufWriteErrorCode,
  type TensorSpec,
} from '../src/index.js';

const u32 = (value: number): GgufValue => ({ type: 'u32', value });
const header = (tensors: TensorSpec[], metadata: Array<[string, GgufValue]> = [], alignment?: number) => () =>
  encodeGgufHeader({ metadata, tensors, ...(alignment === undefined ? {} : { alignment }) });
const neverWritten = join(tmpdir(), 'gguf-synth-never-written.gguf');

// [description, code, action, text the message must mention]
const ROWS: Array<[string, GgufWriteErrorCode, () => unknown, string]> = [
  ['mixed array', 'MIXED_ARRAY', () => inferValue([1, 'a'], 'tok.list'), 'tok.list'],
  ['u8 out of range', 'BAD_VALUE', header([], [['k.u8', { type: 'u8', value: 256 }]]), 'k.u8'],
  ['u32 non-integer', 'BAD_VALUE', header([], [['k.u32', u32(1.5)]]), 'k.u32'],
  ['i64 unsafe number', 'BAD_VALUE', header([], [['k.i64', { type: 'i64', value: 2 ** 60 }]]), 'k.i64'],
  ['u64 negative', 'BAD_VALUE', header([], [['k.u64', { type: 'u64', value: -1n }]]), 'k.u64'],
  ['array item out of range', 'BAD_VALUE', header([], [['k.arr', { type: 'array', itemType: 'i8', value: [200] }]]), 'k.arr[0]'],
  ['empty dims', 'BAD_DIMS', header([{ name: 't.empty', dims: [], type: 'f32' }]), 't.empty'],
  ['five dims', 'BAD_DIMS', header([{ name: 't.5d', dims: [1, 1, 1, 1, 1], type: 'f32' }]), 't.5d'],
  ['negative dim', 'BAD_DIMS', header([{ name: 't.neg', dims: [4, -1], type: 'f32' }]), 't.neg'],
  ['fractional dim', 'BAD_DIMS', () => tensorBytes('f32', [2.5]), 'ne0'],
  ['name too long', 'BAD_NAME', header([{ name: 'x'.repeat(64), dims: [1], type: 'f32' }]), 'xxxx'],
  ['empty name', 'BAD_NAME', header([{ name: '', dims: [1], type: 'f32' }]), 'tensor name'],
  ['q4_K row of 100', 'ROW_NOT_DIVISIBLE', header([{ name: 't.q4k', dims: [100, 2], type: 'q4_K' }]), 't.q4k'],
  ['rowSize q8_0 of 33', 'ROW_NOT_DIVISIBLE', () => rowSize('q8_0', 33), '32'],
  ['unknown name', 'UNKNOWN_TYPE', header([{ name: 't.unk', dims: [1], type: 'q9_Z' }]), 'q9_Z'],
  ['removed id 4 (Q4_2)', 'UNKNOWN_TYPE', header([{ name: 't.q42', dims: [32], type: 4 }]), '4'],
  ['duplicate key', 'DUPLICATE_KEY', header([], [['dup.key', u32(1)], ['dup.key', u32(2)]]), 'dup.key'],
  [
    'duplicate tensor',
    'DUPLICATE_TENSOR',
    header([
      { name: 't.dup', dims: [1], type: 'f32' },
      { name: 't.dup', dims: [1], type: 'f32' },
    ]),
    't.dup',
  ],
  ['alignment not a power of two', 'BAD_ALIGNMENT', header([], [], 48), '48'],
  ['alignment key not u32', 'BAD_ALIGNMENT', header([], [['general.alignment', { type: 'u64', value: 32n }]]), 'general.alignment'],
  ['alignment option disagrees with key', 'BAD_ALIGNMENT', header([], [['general.alignment', u32(64)]], 32), 'general.alignment'],
  ['random q4_K data', 'UNSUPPORTED_TYPE', () => randomTensorData('q4_K', [256], 1), 'q4_K'],
  [
    'eager data too short',
    'DATA_SIZE',
    () => writeGguf(neverWritten, { metadata: [], tensors: [{ name: 't.short', dims: [4], type: 'f32', data: new Uint8Array(8) }], mode: 'full' }),
    't.short',
  ],
  [
    'lazy data too long',
    'DATA_SIZE',
    () => writeGguf(neverWritten, { metadata: [], tensors: [{ name: 't.long', dims: [4], type: 'f16', data: () => new Uint8Array(16) }], mode: 'full' }),
    't.long',
  ],
  [
    'full mode without data',
    'MISSING_DATA',
    () => writeGguf(neverWritten, { metadata: [], tensors: [{ name: 't.nodata', dims: [4], type: 'f32' }], mode: 'full' }),
    't.nodata',
  ],
];

async function capture(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('GgufWriteError codes', () => {
  it.each(ROWS)('%s -> %s', async (_name, code, action, mention) => {
    const err = await capture(action);
    expect(err).toBeInstanceOf(GgufWriteError);
    expect((err as GgufWriteError).code).toBe(code);
    expect((err as GgufWriteError).message).toContain(mention);
  });

  it('every error code is exercised by a row', () => {
    const all: GgufWriteErrorCode[] = [
      'MIXED_ARRAY',
      'BAD_VALUE',
      'BAD_DIMS',
      'BAD_NAME',
      'DATA_SIZE',
      'MISSING_DATA',
      'ROW_NOT_DIVISIBLE',
      'UNKNOWN_TYPE',
      'DUPLICATE_KEY',
      'DUPLICATE_TENSOR',
      'BAD_ALIGNMENT',
      'UNSUPPORTED_TYPE',
    ];
    expect(new Set(ROWS.map(([, code]) => code))).toEqual(new Set(all));
  });
});
