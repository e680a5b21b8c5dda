import { GgufWriteError } from './errors.js';

/** GGUF metadata value type ids, as in the GGUF spec (gguf_type in gguf.h). */
export const GGUF_VALUE_TYPE = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;

/** JS representation accepted for each scalar GGUF type. */
export interface GgufScalarValueMap {
  u8: number;
  i8: number;
  u16: number;
  i16: number;
  u32: number;
  i32: number;
  f32: number;
  f64: number;
  bool: boolean;
  string: string;
  // 64-bit ints may exceed 2^53, so bigint is the canonical form; safe-integer
  // numbers are accepted for convenience.
  u64: bigint | number;
  i64: bigint | number;
}

export type GgufScalarType = keyof GgufScalarValueMap;

export type GgufScalar = {
  [K in GgufScalarType]: { type: K; value: GgufScalarValueMap[K] };
}[GgufScalarType];

/**
 * Arrays carry one item type for all elements (the spec stores it once).
 * Nested arrays use itemType 'array'; each inner array has its own itemType.
 * Caveat: the GGUF spec allows nested arrays and @huggingface/gguf reads them,
 * but llama.cpp's gguf.cpp (pinned checkout) rejects them as an invalid type.
 */
export type GgufArray =
  | {
      [K in GgufScalarType]: { type: 'array'; itemType: K; value: readonly GgufScalarValueMap[K][] };
    }[GgufScalarType]
  | { type: 'array'; itemType: 'array'; value: readonly GgufArray[] };

export type GgufValue = GgufScalar | GgufArray;
export type GgufItemType = GgufArray['itemType'];

/** Plain JS values that inferValue understands. */
export type PlainGgufValue = number | boolean | string | bigint | readonly PlainGgufValue[];

type InferredScalarType = 'u32' | 'i32' | 'f32' | 'bool' | 'string' | 'u64';

function inferScalarType(v: number | boolean | string | bigint): InferredScalarType {
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'bigint':
      return 'u64';
    case 'number':
      if (!Number.isInteger(v)) return 'f32';
      return v >= 0 ? 'u32' : 'i32';
  }
}

/**
 * Picks a GGUF type for a plain JS value: non-negative integer -> u32,
 * negative integer -> i32, other number -> f32, boolean -> bool,
 * string -> string, bigint -> u64, arrays -> array of the inferred item type.
 * Arrays mixing item types throw MIXED_ARRAY: silently widening would change
 * what readers see, so the caller must pick the type explicitly.
 */
export function inferValue(v: PlainGgufValue, key = '<value>'): GgufValue {
  if (!Array.isArray(v)) {
    const scalar = v as number | boolean | string | bigint;
    return { type: inferScalarType(scalar), value: scalar } as GgufScalar;
  }
  const items = v as readonly PlainGgufValue[];
  const inferred = items.map((item, i) => inferValue(item, `${key}[${i}]`));
  const first = inferred[0];
  if (first === undefined) {
    // An empty array has no element to infer from; u32 is an arbitrary but valid choice.
    return { type: 'array', itemType: 'u32', value: [] };
  }
  const bad = inferred.findIndex((item) => item.type !== first.type);
  if (bad !== -1) {
    throw new GgufWriteError(
      'MIXED_ARRAY',
      `${key}: array mixes ${first.type} and ${inferred[bad]?.type} (index ${bad}); ` +
        `build it explicitly as { type: 'array', itemType, value } with one item type`,
    );
  }
  if (first.type === 'array') {
    return { type: 'array', itemType: 'array', value: inferred as GgufArray[] };
  }
  return {
    type: 'array',
    itemType: first.type,
    value: inferred.map((item) => item.value),
  } as GgufArray;
}
