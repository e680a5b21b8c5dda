/* Valid GGUF headers written by gguf-synth: every value type, many tensor types, several alignments. */
import type { GgufSpec, GgufValue, TensorSpec } from '@arch-registry/gguf-synth';

const scalars: Array<[string, GgufValue]> = [
  ['general.architecture', { type: 'string', value: 'llama' }],
  ['general.name', { type: 'string', value: 'fuzz — ünïcode ✓ 🦙' }],
  ['t.u8', { type: 'u8', value: 255 }],
  ['t.i8', { type: 'i8', value: -128 }],
  ['t.u16', { type: 'u16', value: 65535 }],
  ['t.i16', { type: 'i16', value: -32768 }],
  ['t.u32', { type: 'u32', value: 4294967295 }],
  ['t.i32', { type: 'i32', value: -2147483648 }],
  ['t.f32', { type: 'f32', value: 0.5 }],
  ['t.f32_nan', { type: 'f32', value: Number.NaN }],
  ['t.f32_inf', { type: 'f32', value: Number.NEGATIVE_INFINITY }],
  ['t.bool_t', { type: 'bool', value: true }],
  ['t.bool_f', { type: 'bool', value: false }],
  ['t.string_empty', { type: 'string', value: '' }],
  ['t.u64_small', { type: 'u64', value: 4096n }],
  ['t.u64_safe_max', { type: 'u64', value: BigInt(Number.MAX_SAFE_INTEGER) }],
  ['t.u64_big', { type: 'u64', value: (1n << 64n) - 1n }],
  ['t.i64_neg', { type: 'i64', value: -5n }],
  ['t.i64_big', { type: 'i64', value: -(1n << 63n) }],
  ['t.f64', { type: 'f64', value: 1e-300 }],
];

const arrays: Array<[string, GgufValue]> = [
  ['a.u8', { type: 'array', itemType: 'u8', value: [0, 1, 255] }],
  ['a.i8', { type: 'array', itemType: 'i8', value: [-1, 0, 127] }],
  ['a.u16', { type: 'array', itemType: 'u16', value: [1, 65535] }],
  ['a.i16', { type: 'array', itemType: 'i16', value: [-2, 2] }],
  ['a.u32', { type: 'array', itemType: 'u32', value: [1, 2, 3] }],
  ['a.i32', { type: 'array', itemType: 'i32', value: [-7, 7] }],
  ['a.f32', { type: 'array', itemType: 'f32', value: [0.25, -1] }],
  ['a.bool', { type: 'array', itemType: 'bool', value: [true, false, true] }],
  ['a.string', { type: 'array', itemType: 'string', value: ['<s>', '</s>', '', 'ü'] }],
  ['a.u64', { type: 'array', itemType: 'u64', value: [1n, (1n << 60n)] }],
  ['a.i64', { type: 'array', itemType: 'i64', value: [-1n, 1n << 62n] }],
  ['a.f64', { type: 'array', itemType: 'f64', value: [Math.PI] }],
  ['a.empty', { type: 'array', itemType: 'u32', value: [] }],
];

const nested: Array<[string, GgufValue]> = [
  ['n.nested', { type: 'array', itemType: 'array', value: [{ type: 'array', itemType: 'u32', value: [1, 2] }, { type: 'array', itemType: 'string', value: ['x'] }] }],
];

const tensorTypes: TensorSpec[] = [
  { name: 'token_embd.weight', dims: [64, 8], type: 'f32' },
  { name: 'blk.0.attn_q.weight', dims: [256, 2], type: 'q4_K' },
  { name: 'blk.0.attn_k.weight', dims: [32, 3], type: 'q8_0' },
  { name: 'blk.0.attn_v.weight', dims: [64, 1, 1, 2], type: 'f16' },
  { name: 'blk.0.ffn_up.weight', dims: [32], type: 'iq4_nl' },
  { name: 'blk.0.ffn_down.weight', dims: [256], type: 'q6_K' },
  { name: 'blk.0.norm.weight', dims: [7], type: 'bf16' },
  { name: 'empty', dims: [0, 4], type: 'f32' },
  { name: 'mxfp4', dims: [32, 2], type: 'mxfp4' },
];

/** Named valid specs; `nested` needs limits.maxArrayNesting >= 1 (llama.cpp refuses arrays of arrays). */
export const SAMPLES: Record<string, GgufSpec> = {
  empty: { metadata: [], tensors: [] },
  scalars: { metadata: scalars, tensors: [] },
  arrays: { metadata: arrays, tensors: [] },
  tensors: { metadata: [['general.architecture', { type: 'string', value: 'llama' }]], tensors: tensorTypes },
  everything: { metadata: [...scalars, ...arrays], tensors: tensorTypes },
  aligned64: { metadata: [['general.architecture', { type: 'string', value: 'x' }]], tensors: tensorTypes.slice(0, 3), alignment: 64 },
  aligned1: { metadata: [], tensors: tensorTypes.slice(0, 4), alignment: 1 },
  nested: { metadata: nested, tensors: [] },
};

/** The samples llama.cpp would accept (no nested arrays): the ones the fuzzer mutates. */
export const FUZZ_SEEDS: GgufSpec[] = [SAMPLES.empty, SAMPLES.scalars, SAMPLES.arrays, SAMPLES.tensors, SAMPLES.everything, SAMPLES.aligned64, SAMPLES.aligned1].filter(
  (spec): spec is GgufSpec => spec !== undefined,
);
