import { cite } from '../schema/cite.js';
import { GGML_TYPES, type GgmlTypeInfo } from './types.js';

/**
 * The nine KV-cache types llama.cpp accepts, in the order `common/arg.cpp`
 * lists them (`kv_cache_types`). Names are `ggml_type_name` spellings.
 */
export const CACHE_TYPES = ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1', 'iq4_nl', 'q5_0', 'q5_1'] as const;

export type CacheType = (typeof CACHE_TYPES)[number];

/** Block layouts of the cache types, taken from the ggml type table. */
export const CACHE_TYPE_LAYOUT: Readonly<Record<CacheType, GgmlTypeInfo>> = {
  f32: GGML_TYPES.F32,
  f16: GGML_TYPES.F16,
  bf16: GGML_TYPES.BF16,
  q8_0: GGML_TYPES.Q8_0,
  q4_0: GGML_TYPES.Q4_0,
  q4_1: GGML_TYPES.Q4_1,
  iq4_nl: GGML_TYPES.IQ4_NL,
  q5_0: GGML_TYPES.Q5_0,
  q5_1: GGML_TYPES.Q5_1,
};

export const CACHE_TYPE_LAYOUT_CITE = cite('ggml/src/ggml.c', 'type_traits', 'blck_size / type_size per ggml_type');

/** `ggml_is_quantized`: everything but the float types. bf16 is not quantized. */
export function isQuantized(type: CacheType): boolean {
  return CACHE_TYPE_LAYOUT[type].blockSize > 1;
}

export function isCacheType(value: string): value is CacheType {
  return (CACHE_TYPES as readonly string[]).includes(value);
}

/**
 * `ggml_row_size`: bytes of one row of `width` elements. The runtime refuses
 * widths the block size does not divide before it ever sizes a row, so this throws.
 */
export function rowBytes(type: CacheType, width: number): number {
  const { blockSize, typeSize } = CACHE_TYPE_LAYOUT[type];
  if (width % blockSize !== 0) {
    throw new RangeError(`row width ${width} is not a multiple of the ${type} block size ${blockSize}`);
  }
  return (typeSize * width) / blockSize;
}
