import { alignUp, ByteWriter } from './byte-writer.js';
import { writeTypedValue } from './encode-value.js';
import { GgufWriteError } from './errors.js';
import { resolveGgmlType, tensorBytes, type GgmlTypeInfo, type GgmlTypeRef } from './ggml-types.js';
import type { GgufValue } from './gguf-value.js';

export const GGUF_MAGIC = 'GGUF';
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;
export const ALIGNMENT_KEY = 'general.alignment';
/** ggml limits (ggml.h): GGML_MAX_DIMS = 4, names shorter than GGML_MAX_NAME = 64 bytes. */
const MAX_DIMS = 4;
const MAX_NAME_BYTES = 63;

export type TensorData = Uint8Array | (() => Uint8Array);

export interface TensorSpec {
  name: string;
  /** ggml order: ne0 (the contiguous row length) first. */
  dims: readonly number[];
  type: GgmlTypeRef;
  /** Only used in 'full' mode; a function lets callers produce data lazily, one tensor at a time. */
  data?: TensorData;
}

export interface GgufSpec {
  /** KV pairs, written in this order. */
  metadata: ReadonlyArray<readonly [string, GgufValue]>;
  tensors: readonly TensorSpec[];
  /** Data alignment; when given and `general.alignment` is absent, that key is appended. */
  alignment?: number;
}

export interface TensorLayout {
  name: string;
  dims: readonly number[];
  type: GgmlTypeInfo;
  /** Offset relative to the start of the data section (what the tensor info stores). */
  offset: number;
  byteLength: number;
}

export interface EncodedHeader {
  /** Header + tensor infos + padding up to the data section. */
  bytes: Uint8Array;
  alignment: number;
  /** Absolute file offset of the data section (= bytes.length). */
  dataStart: number;
  tensors: TensorLayout[];
  /** Full file size: every tensor, including the last, is padded to `alignment` as ggml does. */
  fileSize: number;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && n <= 0xffffffff && (n & (n - 1)) === 0;
}

/** Resolves the effective alignment; llama.cpp requires a u32 power of two. */
function resolveAlignment(spec: GgufSpec): { alignment: number; metadata: Array<readonly [string, GgufValue]> } {
  const metadata = [...spec.metadata];
  const entry = metadata.find(([k]) => k === ALIGNMENT_KEY);
  if (entry === undefined) {
    const alignment = spec.alignment ?? GGUF_DEFAULT_ALIGNMENT;
    if (!isPowerOfTwo(alignment)) {
      throw new GgufWriteError('BAD_ALIGNMENT', `alignment ${alignment} must be a power of two that fits in u32`);
    }
    // Readers only know the alignment through the key, so record a non-default request.
    if (spec.alignment !== undefined) metadata.push([ALIGNMENT_KEY, { type: 'u32', value: alignment }]);
    return { alignment, metadata };
  }
  const [, value] = entry;
  if (value.type !== 'u32' || !isPowerOfTwo(value.value)) {
    throw new GgufWriteError(
      'BAD_ALIGNMENT',
      `${ALIGNMENT_KEY} must be { type: 'u32', value: <power of two> }, got { type: '${value.type}', value: ${String(value.value)} }`,
    );
  }
  if (spec.alignment !== undefined && spec.alignment !== value.value) {
    throw new GgufWriteError(
      'BAD_ALIGNMENT',
      `alignment option ${spec.alignment} disagrees with ${ALIGNMENT_KEY}=${value.value}; set only one`,
    );
  }
  return { alignment: value.value, metadata };
}

function checkTensor(t: TensorSpec, seen: Set<string>): void {
  const nameBytes = new TextEncoder().encode(t.name).length;
  if (nameBytes === 0 || nameBytes > MAX_NAME_BYTES) {
    throw new GgufWriteError('BAD_NAME', `tensor name "${t.name}" must be 1..${MAX_NAME_BYTES} UTF-8 bytes`);
  }
  if (seen.has(t.name)) {
    throw new GgufWriteError('DUPLICATE_TENSOR', `tensor ${t.name} appears twice; tensor names must be unique`);
  }
  seen.add(t.name);
  if (t.dims.length < 1 || t.dims.length > MAX_DIMS || !t.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new GgufWriteError(
      'BAD_DIMS',
      `tensor ${t.name}: dims [${t.dims.join(', ')}] must be 1..${MAX_DIMS} non-negative integers, ne0 first`,
    );
  }
}

/** Encodes everything before the data section and lays out tensor offsets. */
export function encodeGgufHeader(spec: GgufSpec): EncodedHeader {
  const { alignment, metadata } = resolveAlignment(spec);
  const keys = new Set<string>();
  for (const [key] of metadata) {
    if (keys.has(key)) throw new GgufWriteError('DUPLICATE_KEY', `metadata key ${key} appears twice; keep one`);
    keys.add(key);
  }

  const names = new Set<string>();
  const tensors: TensorLayout[] = [];
  let cursor = 0;
  for (const t of spec.tensors) {
    checkTensor(t, names);
    const type = resolveGgmlType(t.type);
    let byteLength: number;
    try {
      byteLength = tensorBytes(type.id, t.dims);
    } catch (e) {
      // Re-throw with the tensor name so the caller knows which one to fix.
      if (e instanceof GgufWriteError) throw new GgufWriteError(e.code, `tensor ${t.name}: ${e.detail}`);
      throw e;
    }
    tensors.push({ name: t.name, dims: [...t.dims], type, offset: cursor, byteLength });
    cursor += alignUp(byteLength, alignment);
  }

  const w = new ByteWriter();
  w.bytes(new TextEncoder().encode(GGUF_MAGIC));
  w.u32(GGUF_VERSION);
  w.u64(tensors.length);
  w.u64(metadata.length);
  for (const [key, value] of metadata) {
    w.string(key);
    writeTypedValue(w, value, key);
  }
  for (const t of tensors) {
    w.string(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(t.type.id);
    w.u64(t.offset);
  }
  w.zeros(alignUp(w.length, alignment) - w.length);

  const bytes = w.finish();
  return { bytes, alignment, dataStart: bytes.length, tensors, fileSize: bytes.length + cursor };
}
