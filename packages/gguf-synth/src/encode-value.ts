import type { ByteWriter } from './byte-writer.js';
import { GgufWriteError } from './errors.js';
import { GGUF_VALUE_TYPE, type GgufItemType, type GgufValue } from './gguf-value.js';

const INT_RANGES = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
} as const;

const BIG_RANGES = {
  u64: [0n, (1n << 64n) - 1n],
  i64: [-(1n << 63n), (1n << 63n) - 1n],
} as const;

function bad(key: string, msg: string): GgufWriteError {
  return new GgufWriteError('BAD_VALUE', `metadata ${key}: ${msg}`);
}

/**
 * Writes one value body (no type tag). Values are range-checked because
 * DataView silently wraps out-of-range integers, which would corrupt metadata.
 */
function writeBody(w: ByteWriter, type: GgufItemType, v: unknown, key: string): void {
  switch (type) {
    case 'u8':
    case 'i8':
    case 'u16':
    case 'i16':
    case 'u32':
    case 'i32': {
      const [lo, hi] = INT_RANGES[type];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
        throw bad(key, `${String(v)} is not a ${type} (integer in [${lo}, ${hi}]); pick a wider type`);
      }
      w[type](v);
      return;
    }
    case 'u64':
    case 'i64': {
      const [lo, hi] = BIG_RANGES[type];
      const ok = typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v));
      if (!ok || BigInt(v) < lo || BigInt(v) > hi) {
        throw bad(key, `${String(v)} is not a ${type}; pass a bigint in [${lo}, ${hi}]`);
      }
      w[type](BigInt(v));
      return;
    }
    case 'f32':
    case 'f64':
      if (typeof v !== 'number') throw bad(key, `${String(v)} is not a number for ${type}`);
      w[type](v);
      return;
    case 'bool':
      if (typeof v !== 'boolean') throw bad(key, `${String(v)} is not a boolean`);
      w.u8(v ? 1 : 0);
      return;
    case 'string':
      if (typeof v !== 'string') throw bad(key, `${String(v)} is not a string`);
      w.string(v);
      return;
    case 'array':
      writeArray(w, v, key);
      return;
  }
}

function writeArray(w: ByteWriter, v: unknown, key: string): void {
  if (typeof v !== 'object' || v === null || !('type' in v) || v.type !== 'array') {
    throw bad(key, `nested array items must be { type: 'array', itemType, value }`);
  }
  const arr = v as Extract<GgufValue, { type: 'array' }>;
  if (!(arr.itemType in GGUF_VALUE_TYPE)) {
    throw bad(key, `unknown array itemType "${String(arr.itemType)}"`);
  }
  if (!Array.isArray(arr.value)) throw bad(key, 'array value must be a JS array');
  w.u32(GGUF_VALUE_TYPE[arr.itemType]);
  w.u64(arr.value.length);
  arr.value.forEach((item: unknown, i: number) => writeBody(w, arr.itemType, item, `${key}[${i}]`));
}

/** Writes `u32 type` + value, the layout used for each KV pair's value. */
export function writeTypedValue(w: ByteWriter, value: GgufValue, key: string): void {
  if (!(value.type in GGUF_VALUE_TYPE)) {
    throw bad(key, `unknown value type "${String(value.type)}"`);
  }
  w.u32(GGUF_VALUE_TYPE[value.type]);
  writeBody(w, value.type, value.type === 'array' ? value : value.value, key);
}
