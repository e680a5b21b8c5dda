/**
 * Growable little-endian byte buffer for the GGUF header. Headers are small
 * (a few MB even with a 150k-token vocab), so building them in memory is fine;
 * tensor data never goes through here.
 */
export class ByteWriter {
  private buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  private len = 0;
  private static readonly encoder = new TextEncoder();

  get length(): number {
    return this.len;
  }

  private reserve(n: number): number {
    const at = this.len;
    if (at + n > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < at + n) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.len += n;
    return at;
  }

  // Each writer reserves *before* touching this.view/this.buf: `this.view.setX(this.reserve(n))`
  // would read the old (pre-growth) view before reserve() runs and write out of bounds.
  u8(v: number): void {
    const at = this.reserve(1);
    this.view.setUint8(at, v);
  }
  i8(v: number): void {
    const at = this.reserve(1);
    this.view.setInt8(at, v);
  }
  u16(v: number): void {
    const at = this.reserve(2);
    this.view.setUint16(at, v, true);
  }
  i16(v: number): void {
    const at = this.reserve(2);
    this.view.setInt16(at, v, true);
  }
  u32(v: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, v, true);
  }
  i32(v: number): void {
    const at = this.reserve(4);
    this.view.setInt32(at, v, true);
  }
  f32(v: number): void {
    const at = this.reserve(4);
    this.view.setFloat32(at, v, true);
  }
  f64(v: number): void {
    const at = this.reserve(8);
    this.view.setFloat64(at, v, true);
  }
  u64(v: bigint | number): void {
    const at = this.reserve(8);
    this.view.setBigUint64(at, BigInt(v), true);
  }
  i64(v: bigint | number): void {
    const at = this.reserve(8);
    this.view.setBigInt64(at, BigInt(v), true);
  }
  bytes(b: Uint8Array): void {
    const at = this.reserve(b.length);
    this.buf.set(b, at);
  }
  /** GGUF string: u64 byte length, then UTF-8 bytes (no terminator). */
  string(s: string): void {
    const b = ByteWriter.encoder.encode(s);
    this.u64(b.length);
    this.bytes(b);
  }
  zeros(n: number): void {
    this.reserve(n); // fresh capacity is already zero-filled
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Same as ggml's GGML_PAD: round `x` up to a multiple of `n`. */
export function alignUp(x: number, n: number): number {
  return Math.ceil(x / n) * n;
}
