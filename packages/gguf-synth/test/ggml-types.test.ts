import { GGMLQuantizationType } from '@huggingface/gguf';
import { describe, expect, it } from 'vitest';
import { GGML_TYPES, resolveGgmlType, rowSize, tensorBytes, type GgmlTypeKey } from '../src/index.js';

const QK_K = 256;
const HALF = 2; // sizeof(ggml_half)
const K_SCALE_SIZE = 12;

// [key, id, ggml_type_name, block size, bytes per block]; the byte counts are
// the static_assert formulas from ggml/src/ggml-common.h, written out here.
const EXPECTED: Array<[GgmlTypeKey, number, string, number, number]> = [
  ['F32', 0, 'f32', 1, 4],
  ['F16', 1, 'f16', 1, 2],
  ['Q4_0', 2, 'q4_0', 32, HALF + 32 / 2],
  ['Q4_1', 3, 'q4_1', 32, 2 * HALF + 32 / 2],
  ['Q5_0', 6, 'q5_0', 32, HALF + 4 + 32 / 2],
  ['Q5_1', 7, 'q5_1', 32, 2 * HALF + 4 + 32 / 2],
  ['Q8_0', 8, 'q8_0', 32, HALF + 32],
  ['Q8_1', 9, 'q8_1', 32, 2 * HALF + 32],
  ['Q2_K', 10, 'q2_K', QK_K, 2 * HALF + QK_K / 16 + QK_K / 4],
  ['Q3_K', 11, 'q3_K', QK_K, HALF + QK_K / 4 + QK_K / 8 + 12],
  ['Q4_K', 12, 'q4_K', QK_K, 2 * HALF + K_SCALE_SIZE + QK_K / 2],
  ['Q5_K', 13, 'q5_K', QK_K, 2 * HALF + K_SCALE_SIZE + QK_K / 2 + QK_K / 8],
  ['Q6_K', 14, 'q6_K', QK_K, HALF + QK_K / 16 + (3 * QK_K) / 4],
  ['Q8_K', 15, 'q8_K', QK_K, 4 + QK_K + (QK_K / 16) * 2],
  ['IQ2_XXS', 16, 'iq2_xxs', QK_K, HALF + (QK_K / 8) * 2],
  ['IQ2_XS', 17, 'iq2_xs', QK_K, HALF + (QK_K / 8) * 2 + QK_K / 32],
  ['IQ3_XXS', 18, 'iq3_xxs', QK_K, HALF + 3 * (QK_K / 8)],
  ['IQ1_S', 19, 'iq1_s', QK_K, HALF + QK_K / 8 + QK_K / 16],
  ['IQ4_NL', 20, 'iq4_nl', 32, HALF + 32 / 2],
  ['IQ3_S', 21, 'iq3_s', QK_K, HALF + 13 * (QK_K / 32) + 4],
  ['IQ2_S', 22, 'iq2_s', QK_K, HALF + QK_K / 4 + QK_K / 16],
  ['IQ4_XS', 23, 'iq4_xs', QK_K, HALF + 2 + QK_K / 64 + QK_K / 2],
  ['I8', 24, 'i8', 1, 1],
  ['I16', 25, 'i16', 1, 2],
  ['I32', 26, 'i32', 1, 4],
  ['I64', 27, 'i64', 1, 8],
  ['F64', 28, 'f64', 1, 8],
  ['IQ1_M', 29, 'iq1_m', QK_K, QK_K / 8 + QK_K / 16 + QK_K / 32],
  ['BF16', 30, 'bf16', 1, 2],
  ['TQ1_0', 34, 'tq1_0', QK_K, HALF + QK_K / 64 + (QK_K - (4 * QK_K) / 64) / 5],
  ['TQ2_0', 35, 'tq2_0', QK_K, HALF + QK_K / 4],
  ['MXFP4', 39, 'mxfp4', 32, 1 + 32 / 2],
  ['NVFP4', 40, 'nvfp4', 64, 64 / 16 + 64 / 2],
  ['Q1_0', 41, 'q1_0', 128, HALF + 128 / 8],
  ['Q2_0', 42, 'q2_0', 64, HALF + 64 / 4],
];

describe('GGML_TYPES', () => {
  it('covers exactly the expected ids', () => {
    expect(Object.keys(GGML_TYPES).sort()).toEqual(EXPECTED.map(([k]) => k).sort());
  });

  it.each(EXPECTED)('%s', (key, id, name, blockSize, typeSize) => {
    expect(GGML_TYPES[key]).toEqual({ id, name, blockSize, typeSize });
    expect(resolveGgmlType(id)).toBe(GGML_TYPES[key]);
    expect(resolveGgmlType(name)).toBe(GGML_TYPES[key]);
    expect(resolveGgmlType(key)).toBe(GGML_TYPES[key]);
  });

  it('agrees with the ids in @huggingface/gguf GGMLQuantizationType', () => {
    const theirs = GGMLQuantizationType as unknown as Record<string, number | string>;
    for (const [key, id] of EXPECTED) {
      const other = theirs[key];
      if (typeof other === 'number') expect(other, key).toBe(id);
    }
  });
});

describe('rowSize / tensorBytes', () => {
  const cases: Array<[string, number | string, number[], number]> = [
    ['q4_K 4096x4096', 12, [4096, 4096], (4096 * 4096 * 144) / 256],
    ['q6_K 4096x32000', 14, [4096, 32000], (4096 / 256) * 210 * 32000],
    ['f32 vector', 0, [4096], 4096 * 4],
    ['f16 3d', 1, [8, 3, 5], 8 * 3 * 5 * 2],
    ['q8_0 4d', 8, [64, 2, 3, 4], (64 / 32) * 34 * 2 * 3 * 4],
    ['mxfp4 by name', 'mxfp4', [2880, 2880], (2880 / 32) * 17 * 2880],
  ];
  it.each(cases)('%s', (_name, type, dims, expected) => {
    expect(tensorBytes(type, dims)).toBe(expected);
  });

  it('rowSize is bytes of one ne0 row', () => {
    expect(rowSize('q4_K', 4096)).toBe((4096 / 256) * 144);
    expect(rowSize('Q8_0', 32)).toBe(34);
  });
});
