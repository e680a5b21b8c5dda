/*
 * Test helpers that write and walk GGUF bytes directly, independent of the reader under test:
 * RawGguf writes any header, valid or not; walkFields maps the fields of a valid one so that
 * mutations can target them (length fields, type ids, section boundaries).
 */
import { encodeGgufHeader, type GgufSpec } from '@arch-registry/gguf-synth';

/** GGUF value type ids from the spec (gguf.h), written out rather than imported from src. */
export const T = { u8: 0, i8: 1, u16: 2, i16: 3, u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10, i64: 11, f64: 12 } as const;

/** Little-endian writer for hand-made headers. */
export class RawGguf {
  private parts: number[] = [];

  get length(): number {
    return this.parts.length;
  }
  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.parts.push((bytes[i] ?? 0) & 0xff);
    return this;
  }
  u8(v: number): this {
    return this.raw([v]);
  }
  u32(v: number): this {
    return this.raw([v, v >>> 8, v >>> 16, v >>> 24]);
  }
  u64(v: number | bigint): this {
    let b = BigInt.asUintN(64, BigInt(v));
    for (let i = 0; i < 8; i++) {
      this.parts.push(Number(b & 0xffn));
      b >>= 8n;
    }
    return this;
  }
  f32(v: number): this {
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, v, true);
    return this.raw(new Uint8Array(view.buffer));
  }
  str(s: string | Uint8Array): this {
    const bytes = typeof s === 'string' ? new TextEncoder().encode(s) : s;
    return this.u64(bytes.length).raw(bytes);
  }
  /** Magic, version and counts. */
  head(nTensors: number | bigint, nKv: number | bigint, version = 3): this {
    return this.raw([0x47, 0x47, 0x55, 0x46]).u32(version).u64(nTensors).u64(nKv);
  }
  /** A u32 KV pair. */
  kvU32(key: string, v: number): this {
    return this.str(key).u32(T.u32).u32(v);
  }
  kvString(key: string, v: string): this {
    return this.str(key).u32(T.string).str(v);
  }
  tensor(name: string, dims: readonly (number | bigint)[], type: number, offset: number | bigint): this {
    this.str(name).u32(dims.length);
    for (const d of dims) this.u64(d);
    return this.u32(type).u64(offset);
  }
  zeros(n: number): this {
    for (let i = 0; i < n; i++) this.parts.push(0);
    return this;
  }
  padTo(alignment: number): this {
    return this.zeros((alignment - (this.parts.length % alignment)) % alignment);
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A whole in-memory file from a gguf-synth spec: the header, then zeroed tensor data. */
export function synthFile(spec: GgufSpec): { bytes: Uint8Array; dataStart: number } {
  const header = encodeGgufHeader(spec);
  const bytes = new Uint8Array(header.fileSize);
  bytes.set(header.bytes, 0);
  return { bytes, dataStart: header.dataStart };
}

export type FieldKind =
  | 'magic'
  | 'version'
  | 'tensorCount'
  | 'kvCount'
  | 'keyLength'
  | 'valueType'
  | 'stringLength'
  | 'arrayItemType'
  | 'arrayLength'
  | 'scalar'
  | 'nameLength'
  | 'nDims'
  | 'dim'
  | 'tensorType'
  | 'tensorOffset';

export interface Field {
  readonly offset: number;
  readonly size: number;
  readonly kind: FieldKind;
  /** For scalar values: their GGUF type id. */
  readonly type?: number;
}

const SCALAR_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** The fields of a valid GGUF v2/v3 header, in file order, and where its data section starts. */
export function walkFields(bytes: Uint8Array): { fields: Field[]; infoEnd: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: Field[] = [];
  let pos = 0;
  const u32 = (kind: FieldKind): number => {
    fields.push({ offset: pos, size: 4, kind });
    pos += 4;
    return view.getUint32(pos - 4, true);
  };
  const u64 = (kind: FieldKind): number => {
    fields.push({ offset: pos, size: 8, kind });
    pos += 8;
    return Number(view.getBigUint64(pos - 8, true));
  };
  const str = (kind: FieldKind): void => {
    const length = u64(kind);
    pos += length;
  };
  const value = (type: number): void => {
    if (type === T.string) return str('stringLength');
    if (type === T.array) {
      const item = u32('arrayItemType');
      const n = u64('arrayLength');
      for (let i = 0; i < n; i++) value(item);
      return;
    }
    const size = SCALAR_SIZE[type] ?? 0;
    fields.push({ offset: pos, size, kind: 'scalar', type });
    pos += size;
  };
  fields.push({ offset: 0, size: 4, kind: 'magic' });
  pos = 4;
  u32('version');
  const nTensors = u64('tensorCount');
  const nKv = u64('kvCount');
  for (let i = 0; i < nKv; i++) {
    str('keyLength');
    value(u32('valueType'));
  }
  for (let i = 0; i < nTensors; i++) {
    str('nameLength');
    const nDims = u32('nDims');
    for (let d = 0; d < nDims; d++) u64('dim');
    u32('tensorType');
    u64('tensorOffset');
  }
  return { fields, infoEnd: pos };
}
