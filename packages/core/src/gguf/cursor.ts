import type { ByteSource } from './byte-source.js';
import { GgufError, type GgufErrorCode } from './errors.js';

/** Where the parser is, for error messages: the key or tensor being read. */
export interface ParseContext {
  key?: string | undefined;
  tensor?: string | undefined;
}

/**
 * A forward-only buffered reader over a ByteSource. `has(n)` is the synchronous fast path;
 * `fill(n)` reads more, at most `readAhead` bytes beyond what is needed and never past
 * `maxBytes` or the end of the source. Only the bytes not consumed yet are kept.
 */
export class HeaderCursor {
  /** Absolute offset of the next byte to consume. */
  pos = 0;
  /** Bytes fetched from the source so far. */
  bytesFetched = 0;
  /** One past the highest offset fetched so far. */
  highWater = 0;
  private buf = new Uint8Array(0);
  private view = new DataView(this.buf.buffer);
  /** Absolute offset of buf[0]. */
  private bufStart = 0;
  private ended = false;

  constructor(
    readonly source: ByteSource,
    readonly maxBytes: number,
    readonly readAhead: number,
    readonly context: ParseContext,
  ) {}

  /** A typed error at `offset` that names the current key or tensor. */
  error(code: GgufErrorCode, offset: number, problem: string, fix: string): GgufError {
    const { key, tensor } = this.context;
    const where = key !== undefined ? `, key ${key}` : tensor !== undefined ? `, tensor ${tensor}` : '';
    return new GgufError(code, this.source.name, `${problem} (offset ${offset}${where})`, fix, { offset, key, tensor });
  }

  private get bufEnd(): number {
    return this.bufStart + this.buf.length;
  }

  /** The source size if known. */
  get size(): number | undefined {
    return this.source.size;
  }

  has(n: number): boolean {
    return this.pos + n <= this.bufEnd;
  }

  /**
   * Makes `n` bytes at `pos` available or throws TRUNCATED (the source ends first) or
   * HEADER_TOO_LARGE (they lie past the cap). `what` names the field for the message.
   */
  async fill(n: number, what: string): Promise<void> {
    const end = this.pos + n;
    if (end <= this.bufEnd) return;
    this.checkReachable(this.pos, n, what);
    if (this.ended) throw this.truncated(n, what);
    const from = this.bufEnd;
    let want = Math.max(end - from, this.readAhead);
    want = Math.min(want, this.maxBytes - from);
    if (this.size !== undefined) want = Math.min(want, this.size - from);
    let chunk: Uint8Array;
    try {
      chunk = await this.source.read(from, want);
    } catch (error) {
      if (error instanceof GgufError) throw error;
      throw new GgufError('GGUF_UNREADABLE', this.source.name, `reading ${want} bytes at offset ${from} failed (${(error as Error)?.message ?? String(error)})`, 'Check the file or URL and try again', { offset: from, cause: error });
    }
    if (chunk.length > want) chunk = chunk.subarray(0, want);
    this.bytesFetched += chunk.length;
    this.highWater = Math.max(this.highWater, from + chunk.length);
    if (chunk.length < want) this.ended = true;
    const keep = this.buf.subarray(this.pos - this.bufStart);
    const next = new Uint8Array(keep.length + chunk.length);
    next.set(keep, 0);
    next.set(chunk, keep.length);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
    this.bufStart = this.pos;
    if (end > this.bufEnd) throw this.truncated(n, what);
  }

  /**
   * Throws early when `n` bytes at `offset` cannot exist: past the end of a source of known
   * size (TRUNCATED) or past the cap (HEADER_TOO_LARGE). Used before allocating for a count.
   */
  checkReachable(offset: number, n: number, what: string): void {
    const end = offset + n;
    if (this.size !== undefined && end > this.size) {
      throw this.error('TRUNCATED', offset, `the ${what} needs ${n} bytes but the file ends at byte ${this.size}`, 'The file is incomplete: download it again (compare its size with the published one)');
    }
    if (end > this.maxBytes) {
      throw this.error('HEADER_TOO_LARGE', offset, `the ${what} needs ${n} bytes, past the cap of ${this.maxBytes} header bytes`, 'No real model has a header this large; if this file is genuine, raise limits.maxHeaderBytes');
    }
  }

  private truncated(n: number, what: string): GgufError {
    return this.error('TRUNCATED', this.pos, `the ${what} needs ${n} bytes but the source ends at byte ${this.bufEnd}`, 'The file is incomplete: download it again (compare its size with the published one)');
  }

  private at(n: number): number {
    const index = this.pos - this.bufStart;
    this.pos += n;
    return index;
  }

  u8(): number {
    return this.view.getUint8(this.at(1));
  }
  i8(): number {
    return this.view.getInt8(this.at(1));
  }
  u16(): number {
    return this.view.getUint16(this.at(2), true);
  }
  i16(): number {
    return this.view.getInt16(this.at(2), true);
  }
  u32(): number {
    return this.view.getUint32(this.at(4), true);
  }
  i32(): number {
    return this.view.getInt32(this.at(4), true);
  }
  f32(): number {
    return this.view.getFloat32(this.at(4), true);
  }
  f64(): number {
    return this.view.getFloat64(this.at(8), true);
  }
  u64(): bigint {
    return this.view.getBigUint64(this.at(8), true);
  }
  i64(): bigint {
    return this.view.getBigInt64(this.at(8), true);
  }
  /** Up to `n` buffered bytes at `pos`, without consuming them. */
  peek(n: number): Uint8Array {
    const index = this.pos - this.bufStart;
    return this.buf.subarray(index, Math.min(index + n, this.buf.length));
  }
  /** The u64 at `pos`, without consuming it; the bytes must be buffered. */
  peekU64(): bigint {
    return this.view.getBigUint64(this.pos - this.bufStart, true);
  }
  /** `n` bytes as a view into the buffer (valid until the next fill). */
  bytes(n: number): Uint8Array {
    const index = this.at(n);
    return this.buf.subarray(index, index + n);
  }
}
