/*
 * A GGUF v2/v3 header parser that trusts nothing: every count and length is checked against the
 * limits and against the bytes that can exist before anything is allocated, and every failure is a
 * GgufError with the byte offset of the field at fault. Layout (ggml/docs/gguf.md, gguf.cpp):
 *   "GGUF" | u32 version | u64 n_tensors | u64 n_kv | n_kv × (string key, u32 type, value)
 *   | n_tensors × (string name, u32 n_dims, n_dims × u64 ne, u32 ggml type, u64 offset)
 *   | padding to general.alignment | tensor data (never read here)
 */
import { ggmlTypeById } from '../ggml/types.js';
import type { MetadataValue } from '../model/metadata.js';
import type { HeaderCursor } from './cursor.js';
import { GgufError } from './errors.js';
import type { GgufLimits } from './limits.js';
import type { TensorInfo } from './types.js';
import { GGUF_TYPE, ggufFixedSize, ggufMinSize, ggufTypeName, isGgufTypeId, type GgufTypeId } from './value-types.js';

export const GGUF_DEFAULT_ALIGNMENT = 32;
const ALIGNMENT_KEY = 'general.alignment';
const MAGIC = [0x47, 0x47, 0x55, 0x46]; // "GGUF"
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

export interface ParseOptions {
  readonly limits: GgufLimits;
  /** 'replace': invalid UTF-8 in string values becomes U+FFFD; 'error': BAD_UTF8. Keys and names are always strict. */
  readonly invalidUtf8: 'replace' | 'error';
}

export interface ParsedHeader {
  readonly version: number;
  readonly metadata: Record<string, MetadataValue>;
  readonly tensors: TensorInfo[];
  readonly alignment: number;
  readonly dataOffset: number;
}

const REDOWNLOAD = 'The file is corrupt: download or convert it again';

/** The three kinds of strings: their limit, and whether invalid UTF-8 is an error. */
interface StringKind {
  readonly max: bigint;
  readonly limit: string;
  readonly strict: boolean;
}

/** u64 as a number when it is a safe integer, else the bigint. */
function u64Value(value: bigint): number | bigint {
  return value <= MAX_SAFE ? Number(value) : value;
}

function i64Value(value: bigint): number | bigint {
  return value <= MAX_SAFE && value >= MIN_SAFE ? Number(value) : value;
}

function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

/** A short, printable description of the first bytes, with a hint at what the file really is. */
function describeStart(bytes: Uint8Array): string {
  const text = String.fromCharCode(...bytes);
  const printable = /^[\x20-\x7e]*$/.test(text);
  const shown = printable ? JSON.stringify(text) : `bytes ${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
  return shown;
}

function magicHint(bytes: Uint8Array): string {
  const text = String.fromCharCode(...bytes.subarray(0, 4)).toLowerCase();
  if (text.startsWith('<')) return 'This looks like an HTML or XML page, not a model: use the download link of the .gguf file';
  if (text.startsWith('{') || text.startsWith('[')) return 'This looks like JSON, not a model: use the download link of the .gguf file';
  if (text.startsWith('vers')) return 'This looks like a Git LFS pointer: fetch the real file (git lfs pull)';
  if (text === 'ggjt' || text === 'ggml' || text === 'ggla' || text === 'ggmf' || text === 'tjgg' || text === 'lmgg') {
    return 'This is a pre-GGUF GGML file: convert it to GGUF with a current llama.cpp';
  }
  return 'Pass a .gguf file';
}

class Parser {
  private readonly keyKind: StringKind;
  private readonly nameKind: StringKind;
  private readonly valueKind: StringKind;
  private readonly maxArrayBig: bigint;
  private readonly maxDimBig: bigint;
  private totalElements = 0;

  constructor(
    private readonly c: HeaderCursor,
    private readonly limits: GgufLimits,
    invalidUtf8: 'replace' | 'error',
  ) {
    this.keyKind = { max: BigInt(limits.maxKeyBytes), limit: 'maxKeyBytes', strict: true };
    this.nameKind = { max: BigInt(limits.maxTensorNameBytes), limit: 'maxTensorNameBytes (llama.cpp: below 64)', strict: true };
    this.valueKind = { max: BigInt(limits.maxStringBytes), limit: 'maxStringBytes', strict: invalidUtf8 === 'error' };
    this.maxArrayBig = BigInt(limits.maxArrayLength);
    this.maxDimBig = BigInt(limits.maxDim);
  }

  private fail(code: GgufError['code'], offset: number, problem: string, fix: string): GgufError {
    return this.c.error(code, offset, problem, fix);
  }

  async parse(): Promise<ParsedHeader> {
    await this.magic();
    const version = await this.version();
    const nTensors = await this.count('tensor count', this.limits.maxTensorCount, 'TOO_MANY_TENSORS', 'maxTensorCount', 'tensors');
    const nKv = await this.count('key-value count', this.limits.maxKvCount, 'TOO_MANY_KV', 'maxKvCount', 'metadata keys');
    const metadata = await this.keyValues(nKv);
    const alignment = (metadata[ALIGNMENT_KEY] as number | undefined) ?? GGUF_DEFAULT_ALIGNMENT;
    const tensors = await this.tensorInfos(nTensors, alignment);
    return { version, metadata, tensors: tensors.infos, alignment, dataOffset: tensors.dataOffset };
  }

  private async magic(): Promise<void> {
    const c = this.c;
    // Read what there is of the first 4 bytes, so that a short file that is not a GGUF says so.
    const n = c.size === undefined ? 4 : Math.min(4, c.size);
    let truncated: GgufError | undefined;
    try {
      await c.fill(n, 'magic "GGUF"');
    } catch (error) {
      if (!(error instanceof GgufError) || error.code !== 'TRUNCATED') throw error;
      truncated = error;
    }
    const got = c.peek(4);
    if (got.some((byte, i) => byte !== MAGIC[i])) {
      throw this.fail('BAD_MAGIC', 0, `the file starts with ${describeStart(got)} instead of "GGUF"`, magicHint(got));
    }
    if (got.length < 4) throw truncated ?? this.fail('TRUNCATED', 0, `the file is ${got.length} bytes long, too short for a GGUF header`, 'The file is incomplete: download it again');
    c.pos += 4;
  }

  private async version(): Promise<number> {
    const c = this.c;
    if (!c.has(4)) await c.fill(4, 'version');
    const version = c.u32();
    if (version === 2 || version === 3) return version;
    let problem = `version ${version} is not supported (only 2 and 3 are)`;
    let fix = 'Convert the model again with a current llama.cpp';
    if (version === 1) problem = 'GGUF version 1 is not supported (llama.cpp dropped it; only 2 and 3 are)';
    else if (version !== 0 && (version & 0xffff) === 0) {
      problem = `version reads as 0x${version.toString(16)}: the file is big-endian`;
      fix = 'llama.cpp loads little-endian GGUF only: convert the model again without --bigendian';
    } else if (version > 3) fix = 'The file is newer than this reader, or corrupt; update arch-registry or convert the model again';
    throw this.fail('UNSUPPORTED_VERSION', 4, problem, fix);
  }

  private async count(what: string, max: number, code: 'TOO_MANY_TENSORS' | 'TOO_MANY_KV', limit: string, noun: string): Promise<number> {
    const c = this.c;
    if (!c.has(8)) await c.fill(8, what);
    const offset = c.pos;
    const n = c.u64();
    if (n > BigInt(max)) {
      throw this.fail(code, offset, `the header declares ${n} ${noun}, more than the limit of ${max}`, `The count is corrupt (real models have far fewer); if the file is genuine, raise limits.${limit}`);
    }
    return Number(n);
  }

  private async keyValues(nKv: number): Promise<Record<string, MetadataValue>> {
    const c = this.c;
    const ctx = c.context;
    const metadata = Object.create(null) as Record<string, MetadataValue>;
    for (let i = 0; i < nKv; i++) {
      ctx.key = undefined;
      const keyOffset = c.pos;
      const key = this.stringSync(this.keyKind, `key #${i}`) ?? (await this.string(this.keyKind, `key #${i}`));
      if (key === '') throw this.fail('EMPTY_KEY', keyOffset, `key #${i} is empty`, REDOWNLOAD);
      if (Object.hasOwn(metadata, key)) {
        ctx.key = key;
        throw this.fail('DUPLICATE_KEY', keyOffset, `key ${JSON.stringify(key)} appears twice`, 'llama.cpp refuses duplicate keys: remove one with a GGUF editor or convert the model again');
      }
      ctx.key = key;
      if (!c.has(4)) await c.fill(4, 'value type');
      const typeOffset = c.pos;
      const type = c.u32();
      if (!isGgufTypeId(type)) {
        throw this.fail('UNKNOWN_VALUE_TYPE', typeOffset, `value type ${type} is not a GGUF type (0..12)`, REDOWNLOAD);
      }
      const valueOffset = c.pos;
      const value = await this.value(type, 0);
      if (key === ALIGNMENT_KEY) this.checkAlignment(type, value, typeOffset, valueOffset);
      metadata[key] = value;
    }
    ctx.key = undefined;
    return metadata;
  }

  private checkAlignment(type: GgufTypeId, value: MetadataValue, typeOffset: number, valueOffset: number): void {
    if (type !== GGUF_TYPE.UINT32) {
      throw this.fail('BAD_ALIGNMENT', typeOffset, `${ALIGNMENT_KEY} is a ${ggufTypeName(type)}, but llama.cpp requires a u32`, `Write ${ALIGNMENT_KEY} as a u32 power of two (32 by default)`);
    }
    const n = value as number;
    if (n === 0 || (n & (n - 1)) !== 0) {
      throw this.fail('BAD_ALIGNMENT', valueOffset, `${ALIGNMENT_KEY} is ${n}, not a power of two`, `Write ${ALIGNMENT_KEY} as a u32 power of two (32 by default)`);
    }
  }

  /** Reads a length-prefixed string when it is already buffered; undefined (nothing consumed) when not. */
  private stringSync(kind: StringKind, what: string): string | undefined {
    const c = this.c;
    if (!c.has(8)) return undefined;
    const lengthOffset = c.pos;
    const length = c.peekU64();
    if (length > kind.max) this.tooLong(length, kind, lengthOffset, what);
    const n = Number(length);
    if (!c.has(8 + n)) return undefined;
    c.pos += 8;
    return this.decode(c.bytes(n), kind.strict, lengthOffset + 8, what);
  }

  private async string(kind: StringKind, what: string): Promise<string> {
    const c = this.c;
    if (!c.has(8)) await c.fill(8, `length of the ${what}`);
    const lengthOffset = c.pos;
    const length = c.u64();
    if (length > kind.max) this.tooLong(length, kind, lengthOffset, what);
    const n = Number(length);
    if (!c.has(n)) await c.fill(n, what);
    return this.decode(c.bytes(n), kind.strict, lengthOffset + 8, what);
  }

  private tooLong(length: bigint, kind: StringKind, offset: number, what: string): never {
    throw this.fail('STRING_TOO_LONG', offset, `the ${what} is ${length} bytes long, more than the limit of ${kind.max}`, `The length is corrupt; if the file is genuine, raise limits.${kind.limit}`);
  }

  private decode(bytes: Uint8Array, strict: boolean, offset: number, what: string): string {
    if (!strict) return lenientDecoder.decode(bytes);
    try {
      return strictDecoder.decode(bytes);
    } catch {
      throw this.fail('BAD_UTF8', offset, `the ${what} is not valid UTF-8`, REDOWNLOAD);
    }
  }

  private async value(type: GgufTypeId, depth: number): Promise<MetadataValue> {
    const c = this.c;
    switch (type) {
      case GGUF_TYPE.STRING:
        return this.stringSync(this.valueKind, 'string value') ?? (await this.string(this.valueKind, 'string value'));
      case GGUF_TYPE.ARRAY:
        return this.array(depth);
      default: {
        const size = ggufFixedSize(type);
        if (!c.has(size)) await c.fill(size, `${ggufTypeName(type)} value`);
        return this.fixed(type);
      }
    }
  }

  /** One fixed-size value; the bytes must be buffered. */
  private fixed(type: GgufTypeId): MetadataValue {
    const c = this.c;
    switch (type) {
      case GGUF_TYPE.UINT8:
        return c.u8();
      case GGUF_TYPE.INT8:
        return c.i8();
      case GGUF_TYPE.UINT16:
        return c.u16();
      case GGUF_TYPE.INT16:
        return c.i16();
      case GGUF_TYPE.UINT32:
        return c.u32();
      case GGUF_TYPE.INT32:
        return c.i32();
      case GGUF_TYPE.FLOAT32:
        return c.f32();
      case GGUF_TYPE.BOOL:
        return c.u8() !== 0;
      case GGUF_TYPE.UINT64:
        return u64Value(c.u64());
      case GGUF_TYPE.INT64:
        return i64Value(c.i64());
      case GGUF_TYPE.FLOAT64:
        return c.f64();
      default:
        throw new Error(`unreachable: ${type} is not a fixed-size type`);
    }
  }

  private async array(depth: number): Promise<MetadataValue[]> {
    const c = this.c;
    if (!c.has(12)) await c.fill(12, 'array header');
    const itemTypeOffset = c.pos;
    const itemType = c.u32();
    if (!isGgufTypeId(itemType)) {
      throw this.fail('UNKNOWN_VALUE_TYPE', itemTypeOffset, `array item type ${itemType} is not a GGUF type (0..12)`, REDOWNLOAD);
    }
    if (itemType === GGUF_TYPE.ARRAY && depth + 1 > this.limits.maxArrayNesting) {
      throw this.fail(
        'ARRAY_TOO_DEEP',
        itemTypeOffset,
        `arrays nest ${depth + 2} deep, more than the limit of ${this.limits.maxArrayNesting + 1}`,
        this.limits.maxArrayNesting === 0 ? 'llama.cpp rejects arrays of arrays: flatten the value' : 'Flatten the value, or raise limits.maxArrayNesting',
      );
    }
    const lengthOffset = c.pos;
    const length = c.u64();
    if (length > this.maxArrayBig) {
      throw this.fail('ARRAY_TOO_LONG', lengthOffset, `the array has ${length} elements, more than the limit of ${this.limits.maxArrayLength}`, 'The length is corrupt; if the file is genuine, raise limits.maxArrayLength');
    }
    const n = Number(length);
    this.totalElements += n;
    if (this.totalElements > this.limits.maxTotalArrayElements) {
      throw this.fail('ARRAY_TOO_LONG', lengthOffset, `the arrays of this header hold more than ${this.limits.maxTotalArrayElements} elements in all`, 'The lengths are corrupt; if the file is genuine, raise limits.maxTotalArrayElements');
    }
    const name = ggufTypeName(itemType);
    c.checkReachable(c.pos, n * ggufMinSize(itemType), `${n}-element ${name} array`);
    const size = ggufFixedSize(itemType);
    if (size > 0) {
      if (!c.has(n * size)) await c.fill(n * size, `${n}-element ${name} array`);
      const out = new Array<MetadataValue>(n);
      for (let i = 0; i < n; i++) out[i] = this.fixed(itemType);
      return out;
    }
    const out: MetadataValue[] = [];
    if (itemType === GGUF_TYPE.STRING) {
      for (let i = 0; i < n; i++) {
        out.push(this.stringSync(this.valueKind, 'string value') ?? (await this.string(this.valueKind, 'string value')));
      }
      return out;
    }
    for (let i = 0; i < n; i++) out.push(await this.array(depth + 1));
    return out;
  }

  private async tensorInfos(nTensors: number, alignment: number): Promise<{ infos: TensorInfo[]; dataOffset: number }> {
    const c = this.c;
    const ctx = c.context;
    const infos: TensorInfo[] = [];
    const layout: Array<{ bytes: number; offsetField: number }> = [];
    const names = new Set<string>();
    for (let i = 0; i < nTensors; i++) {
      ctx.tensor = undefined;
      const nameOffset = c.pos;
      const name = this.stringSync(this.nameKind, `name of tensor #${i}`) ?? (await this.string(this.nameKind, `name of tensor #${i}`));
      ctx.tensor = name;
      if (names.has(name)) {
        throw this.fail('DUPLICATE_TENSOR', nameOffset, `tensor name ${JSON.stringify(name)} appears twice`, 'llama.cpp refuses duplicate tensor names: convert the model again');
      }
      names.add(name);

      if (!c.has(4)) await c.fill(4, 'dimension count');
      const nDimsOffset = c.pos;
      const nDims = c.u32();
      if (nDims > this.limits.maxDims) {
        throw this.fail('BAD_NDIMS', nDimsOffset, `the tensor has ${nDims} dimensions, more than the limit of ${this.limits.maxDims}`, 'ggml tensors have at most 4 dimensions (GGML_MAX_DIMS); the file is corrupt: download or convert it again');
      }
      if (!c.has(8 * nDims)) await c.fill(8 * nDims, 'dimensions');
      const shape: number[] = [];
      let elements = 1;
      for (let d = 0; d < nDims; d++) {
        const dimOffset = c.pos;
        const dim = c.u64();
        if (dim > this.maxDimBig) {
          throw this.fail('BAD_DIM', dimOffset, `dimension ${d} is ${dim}, more than the limit of ${this.limits.maxDim}`, 'The shape is corrupt; if the file is genuine, raise limits.maxDim');
        }
        shape.push(Number(dim));
        elements *= Number(dim);
      }
      if (!Number.isSafeInteger(elements)) {
        throw this.fail('BAD_DIM', nDimsOffset + 4, `the shape [${shape.join(', ')}] has more than 2^53 elements`, REDOWNLOAD);
      }

      if (!c.has(12)) await c.fill(12, 'type and offset');
      const typeOffset = c.pos;
      const typeId = c.u32();
      const type = ggmlTypeById(typeId);
      if (type === undefined) {
        throw this.fail('UNKNOWN_TENSOR_TYPE', typeOffset, `ggml type ${typeId} is unknown (removed, repacked-only, or newer than this reader)`, 'Convert the model again with a current llama.cpp, or update arch-registry');
      }
      const ne0 = shape[0] ?? 1;
      if (ne0 % type.blockSize !== 0) {
        throw this.fail('BAD_DIM', nDimsOffset + 4, `ne0 = ${ne0} is not a multiple of the ${type.name} block size ${type.blockSize}`, 'llama.cpp refuses such a row: convert the model again');
      }
      const bytes = (elements / type.blockSize) * type.typeSize;
      if (!Number.isSafeInteger(bytes)) {
        throw this.fail('BAD_DIM', nDimsOffset + 4, `the tensor takes more than 2^53 bytes`, REDOWNLOAD);
      }
      const offsetField = c.pos;
      const offset = c.u64();
      infos.push({ name, shape, type: typeId, offset });
      layout.push({ bytes, offsetField });
    }
    ctx.tensor = undefined;
    const infoEnd = c.pos;
    const dataOffset = nTensors > 0 ? alignUp(infoEnd, alignment) : infoEnd;
    const size = c.size;
    if (nTensors > 0 && size !== undefined && dataOffset > size) {
      throw this.fail('TRUNCATED', infoEnd, `the data section would start at byte ${dataOffset}, past the end of the file (${size} bytes)`, 'The file is incomplete: download it again');
    }
    this.checkOffsets(infos, layout, alignment, dataOffset, size);
    return { infos, dataOffset };
  }

  private checkOffsets(infos: TensorInfo[], layout: Array<{ bytes: number; offsetField: number }>, alignment: number, dataOffset: number, size: number | undefined): void {
    const ctx = this.c.context;
    const align = BigInt(alignment);
    const dataSize = size === undefined ? undefined : BigInt(size - dataOffset);
    let expected = 0n;
    infos.forEach((info, i) => {
      const { bytes, offsetField } = layout[i] ?? { bytes: 0, offsetField: 0 };
      ctx.tensor = info.name;
      if (this.limits.requirePackedTensors && info.offset !== expected) {
        throw this.fail('BAD_TENSOR_OFFSET', offsetField, `the tensor's data offset is ${info.offset}, but llama.cpp expects ${expected} (tensors packed in header order, each padded to ${alignment} bytes)`, REDOWNLOAD);
      }
      if (info.offset % align !== 0n) {
        throw this.fail('BAD_TENSOR_OFFSET', offsetField, `the tensor's data offset ${info.offset} is not a multiple of the alignment ${alignment}`, REDOWNLOAD);
      }
      if (dataSize !== undefined && info.offset + BigInt(bytes) > dataSize) {
        throw this.fail(
          'TENSOR_OUT_OF_FILE',
          offsetField,
          `the tensor's ${bytes} bytes at data offset ${info.offset} end past the end of the file (${size} bytes, data from byte ${dataOffset})`,
          'The file is incomplete or corrupt: download it again (compare its size with the published one)',
        );
      }
      expected += ((BigInt(bytes) + align - 1n) / align) * align;
    });
    ctx.tensor = undefined;
  }
}

/** Parses the header at the cursor; every failure is a GgufError. */
export function parseHeader(cursor: HeaderCursor, options: ParseOptions): Promise<ParsedHeader> {
  return new Parser(cursor, options.limits, options.invalidUtf8).parse();
}
