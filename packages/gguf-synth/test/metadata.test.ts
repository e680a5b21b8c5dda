import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGgufHeader, inferValue, writeGguf, type GgufValue } from '../src/index.js';
import { makeTmpDir, readBack, SPEC_TYPE } from './helpers.js';

const UTF8 = 'héllo · 世界 · 🚀 · \u0000nul';

// [key, value to write, expected JS value read back, expected spec type id, expected array sub-type]
const ROWS: Array<[string, GgufValue, unknown, number, number?]> = [
  ['t.u8', { type: 'u8', value: 255 }, 255, SPEC_TYPE.UINT8],
  ['t.i8', { type: 'i8', value: -128 }, -128, SPEC_TYPE.INT8],
  ['t.u16', { type: 'u16', value: 65535 }, 65535, SPEC_TYPE.UINT16],
  ['t.i16', { type: 'i16', value: -32768 }, -32768, SPEC_TYPE.INT16],
  ['t.u32', { type: 'u32', value: 4294967295 }, 4294967295, SPEC_TYPE.UINT32],
  ['t.i32', { type: 'i32', value: -2147483648 }, -2147483648, SPEC_TYPE.INT32],
  ['t.f32.exact', { type: 'f32', value: 1.5 }, 1.5, SPEC_TYPE.FLOAT32],
  ['t.f32.rounded', { type: 'f32', value: 0.1 }, Math.fround(0.1), SPEC_TYPE.FLOAT32],
  ['t.bool.true', { type: 'bool', value: true }, true, SPEC_TYPE.BOOL],
  ['t.bool.false', { type: 'bool', value: false }, false, SPEC_TYPE.BOOL],
  ['t.string', { type: 'string', value: UTF8 }, UTF8, SPEC_TYPE.STRING],
  ['t.string.empty', { type: 'string', value: '' }, '', SPEC_TYPE.STRING],
  ['t.u64.max', { type: 'u64', value: 2n ** 64n - 1n }, 2n ** 64n - 1n, SPEC_TYPE.UINT64],
  ['t.u64.number', { type: 'u64', value: 7 }, 7n, SPEC_TYPE.UINT64],
  ['t.i64.min', { type: 'i64', value: -(2n ** 63n) }, -(2n ** 63n), SPEC_TYPE.INT64],
  ['t.f64', { type: 'f64', value: Math.PI }, Math.PI, SPEC_TYPE.FLOAT64],
  ['t.arr.u8', { type: 'array', itemType: 'u8', value: [0, 1, 255] }, [0, 1, 255], SPEC_TYPE.ARRAY, SPEC_TYPE.UINT8],
  ['t.arr.empty', { type: 'array', itemType: 'i32', value: [] }, [], SPEC_TYPE.ARRAY, SPEC_TYPE.INT32],
  ['t.arr.f32', { type: 'array', itemType: 'f32', value: [0, -1.5, 2.25] }, [0, -1.5, 2.25], SPEC_TYPE.ARRAY, SPEC_TYPE.FLOAT32],
  ['t.arr.bool', { type: 'array', itemType: 'bool', value: [true, false] }, [true, false], SPEC_TYPE.ARRAY, SPEC_TYPE.BOOL],
  ['t.arr.str', { type: 'array', itemType: 'string', value: ['a', UTF8, ''] }, ['a', UTF8, ''], SPEC_TYPE.ARRAY, SPEC_TYPE.STRING],
  ['t.arr.u64', { type: 'array', itemType: 'u64', value: [0n, 2n ** 40n] }, [0n, 2n ** 40n], SPEC_TYPE.ARRAY, SPEC_TYPE.UINT64],
  ['t.arr.i64', { type: 'array', itemType: 'i64', value: [-1n] }, [-1n], SPEC_TYPE.ARRAY, SPEC_TYPE.INT64],
  ['t.arr.f64', { type: 'array', itemType: 'f64', value: [Math.E] }, [Math.E], SPEC_TYPE.ARRAY, SPEC_TYPE.FLOAT64],
  ['t.arr.i8', { type: 'array', itemType: 'i8', value: [-1, 1] }, [-1, 1], SPEC_TYPE.ARRAY, SPEC_TYPE.INT8],
  ['t.arr.u16', { type: 'array', itemType: 'u16', value: [65535] }, [65535], SPEC_TYPE.ARRAY, SPEC_TYPE.UINT16],
  ['t.arr.i16', { type: 'array', itemType: 'i16', value: [-2] }, [-2], SPEC_TYPE.ARRAY, SPEC_TYPE.INT16],
  ['t.arr.u32', { type: 'array', itemType: 'u32', value: [3] }, [3], SPEC_TYPE.ARRAY, SPEC_TYPE.UINT32],
  [
    't.arr.nested',
    {
      type: 'array',
      itemType: 'array',
      value: [
        { type: 'array', itemType: 'u32', value: [1, 2] },
        { type: 'array', itemType: 'u32', value: [] },
        { type: 'array', itemType: 'u32', value: [3] },
      ],
    },
    [[1, 2], [], [3]],
    SPEC_TYPE.ARRAY,
    SPEC_TYPE.ARRAY,
  ],
  ['t.arr.nested.empty', { type: 'array', itemType: 'array', value: [] }, [], SPEC_TYPE.ARRAY, SPEC_TYPE.ARRAY],
];

describe('metadata round-trip through @huggingface/gguf', () => {
  let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
  let result: Awaited<ReturnType<typeof readBack>>;

  beforeAll(async () => {
    tmp = await makeTmpDir();
    const path = tmp.file('meta.gguf');
    await writeGguf(path, { metadata: ROWS.map(([k, v]) => [k, v] as const), tensors: [], mode: 'full' });
    result = await readBack(path);
  });
  afterAll(() => tmp.cleanup());

  it('writes version 3 and the counts', () => {
    expect(result.metadata.version).toBe(3);
    expect(result.metadata.tensor_count).toBe(0n);
    expect(result.metadata.kv_count).toBe(BigInt(ROWS.length));
  });

  it('preserves key order', () => {
    const keys = Object.keys(result.metadata).filter((k) => k.startsWith('t.'));
    expect(keys).toEqual(ROWS.map(([k]) => k));
  });

  it.each(ROWS)('%s', (key, _value, expected, typeId, subType) => {
    const typed = result.typedMetadata[key];
    expect(typed?.value).toEqual(expected);
    expect(typed?.type).toBe(typeId);
    if (subType !== undefined) expect(typed?.subType).toBe(subType);
  });
});

describe('header bytes follow the spec layout', () => {
  it('encodes a single u8 KV byte-for-byte', () => {
    const { bytes, dataStart } = encodeGgufHeader({ metadata: [['a', { type: 'u8', value: 7 }]], tensors: [] });
    const u64 = (n: number) => [n, 0, 0, 0, 0, 0, 0, 0];
    const expected = [
      ...[0x47, 0x47, 0x55, 0x46], // "GGUF"
      ...[3, 0, 0, 0], // version
      ...u64(0), // tensor_count
      ...u64(1), // kv_count
      ...u64(1), // key length
      0x61, // "a"
      ...[0, 0, 0, 0], // UINT8
      7,
    ];
    // 38 bytes of content, zero-padded up to the default alignment of 32 -> 64.
    expect(expected.length).toBe(38);
    expect(dataStart).toBe(64);
    expect([...bytes]).toEqual([...expected, ...new Array<number>(64 - 38).fill(0)]);
  });
});

describe('inferValue', () => {
  const cases: Array<[string, Parameters<typeof inferValue>[0], GgufValue]> = [
    ['non-negative int -> u32', 5, { type: 'u32', value: 5 }],
    ['zero -> u32', 0, { type: 'u32', value: 0 }],
    ['negative int -> i32', -3, { type: 'i32', value: -3 }],
    ['fraction -> f32', 0.5, { type: 'f32', value: 0.5 }],
    ['boolean -> bool', true, { type: 'bool', value: true }],
    ['string -> string', 'x', { type: 'string', value: 'x' }],
    ['bigint -> u64', 10n, { type: 'u64', value: 10n }],
    ['int array', [1, 2], { type: 'array', itemType: 'u32', value: [1, 2] }],
    ['string array', ['a', 'b'], { type: 'array', itemType: 'string', value: ['a', 'b'] }],
    ['empty array', [], { type: 'array', itemType: 'u32', value: [] }],
    [
      'nested array',
      [[1], [-1]],
      {
        type: 'array',
        itemType: 'array',
        value: [
          { type: 'array', itemType: 'u32', value: [1] },
          { type: 'array', itemType: 'i32', value: [-1] },
        ],
      },
    ],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(inferValue(input)).toEqual(expected);
  });
});

describe('large headers', () => {
  it('round-trips a 50k-token vocabulary (header grows well past its initial buffer)', async () => {
    const tmp = await makeTmpDir();
    try {
      const tokens = Array.from({ length: 50_000 }, (_, i) => `tok_${i}_é`);
      const scores = Array.from({ length: 50_000 }, (_, i) => -i / 2);
      const path = tmp.file('vocab.gguf');
      await writeGguf(path, {
        metadata: [
          ['tokenizer.ggml.tokens', { type: 'array', itemType: 'string', value: tokens }],
          ['tokenizer.ggml.scores', { type: 'array', itemType: 'f32', value: scores }],
          ['after', { type: 'u64', value: 123n }],
        ],
        tensors: [],
        mode: 'header-only',
      });
      const read = await readBack(path);
      expect(read.typedMetadata['tokenizer.ggml.tokens']?.value).toEqual(tokens);
      expect(read.typedMetadata['tokenizer.ggml.scores']?.value).toEqual(scores);
      expect(read.typedMetadata['after']?.value).toBe(123n);
    } finally {
      await tmp.cleanup();
    }
  });
});
