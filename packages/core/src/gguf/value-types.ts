/** GGUF metadata value type ids (gguf_type in ggml/include/gguf.h). */
export const GGUF_TYPE = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;

export type GgufTypeId = (typeof GGUF_TYPE)[keyof typeof GGUF_TYPE];

const NAMES = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'bool', 'string', 'array', 'u64', 'i64', 'f64'] as const;

/** Bytes of one fixed-size value, 0 for string and array. */
const SIZES = [1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8] as const;

export function isGgufTypeId(id: number): id is GgufTypeId {
  return Number.isInteger(id) && id >= 0 && id < NAMES.length;
}

export function ggufTypeName(id: GgufTypeId): string {
  return NAMES[id];
}

/** Fixed byte size of a value of this type, or 0 when it has a length prefix (string, array). */
export function ggufFixedSize(id: GgufTypeId): number {
  return SIZES[id];
}

/** Fewest bytes a value of this type can take: its size, or its length prefix(es). */
export function ggufMinSize(id: GgufTypeId): number {
  if (id === GGUF_TYPE.STRING) return 8;
  if (id === GGUF_TYPE.ARRAY) return 12;
  return SIZES[id];
}
