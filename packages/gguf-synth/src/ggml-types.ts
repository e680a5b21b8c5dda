import { GGML_TYPES, type GgmlTypeInfo, type GgmlTypeKey, type GgmlTypeName } from '@arch-registry/core';
import { GgufWriteError } from './errors.js';

export { GGML_TYPES, type GgmlTypeInfo, type GgmlTypeKey, type GgmlTypeName };
/** A type id, an enum-style key ("Q4_K") or a ggml name ("q4_K"); case-insensitive. */
// `string & {}` keeps editor completion for the literal names while still
// accepting runtime strings (which are validated by resolveGgmlType).
export type GgmlTypeRef = number | GgmlTypeKey | GgmlTypeName | (string & {});

const ALL_TYPES: readonly GgmlTypeInfo[] = Object.values(GGML_TYPES);
const BY_ID = new Map<number, GgmlTypeInfo>(ALL_TYPES.map((t) => [t.id, t]));
const BY_NAME = new Map<string, GgmlTypeInfo>(ALL_TYPES.map((t) => [t.name.toLowerCase(), t]));

export function resolveGgmlType(ref: GgmlTypeRef): GgmlTypeInfo {
  const found = typeof ref === 'number' ? BY_ID.get(ref) : BY_NAME.get(ref.toLowerCase());
  if (found === undefined) {
    throw new GgufWriteError(
      'UNKNOWN_TYPE',
      `unknown ggml type "${String(ref)}"; use an id or name from GGML_TYPES (e.g. 0/"f32", 12/"q4_K")`,
    );
  }
  return found;
}

/** Bytes in one row of `ne0` elements; ggml requires whole blocks per row. */
export function rowSize(type: GgmlTypeRef, ne0: number): number {
  const info = resolveGgmlType(type);
  if (!Number.isSafeInteger(ne0) || ne0 < 0) {
    throw new GgufWriteError('BAD_DIMS', `ne0 must be a non-negative integer, got ${ne0}`);
  }
  if (ne0 % info.blockSize !== 0) {
    throw new GgufWriteError(
      'ROW_NOT_DIVISIBLE',
      `ne0=${ne0} is not a multiple of the ${info.name} block size ${info.blockSize}; ` +
        `pad ne0 to a multiple of ${info.blockSize} or pick another type`,
    );
  }
  return (ne0 / info.blockSize) * info.typeSize;
}

/** Total data bytes of a contiguous tensor with `dims` (ne0 first). */
export function tensorBytes(type: GgmlTypeRef, dims: readonly number[]): number {
  const [ne0, ...rest] = dims;
  if (ne0 === undefined) {
    throw new GgufWriteError('BAD_DIMS', 'dims must have at least one entry (ne0)');
  }
  let bytes = rowSize(type, ne0);
  for (const d of rest) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new GgufWriteError('BAD_DIMS', `dims must be non-negative integers, got [${dims.join(', ')}]`);
    }
    bytes *= d;
  }
  if (!Number.isSafeInteger(bytes)) {
    throw new GgufWriteError('BAD_DIMS', `tensor of dims [${dims.join(', ')}] exceeds 2^53 bytes`);
  }
  return bytes;
}
