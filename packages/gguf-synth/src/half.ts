const f32Buf = new Float32Array(1);
const u32Buf = new Uint32Array(f32Buf.buffer);

/**
 * IEEE 754 binary32 -> binary16 bits with round-to-nearest-even, including
 * subnormals, overflow to infinity and NaN. The input is first rounded to
 * binary32 (as ggml's fp32->fp16 path does), then to binary16.
 */
export function f32ToF16Bits(value: number): number {
  f32Buf[0] = value;
  const x = u32Buf[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;

  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // Inf / quiet NaN
  const e = exp - 127 + 15; // rebias
  if (e >= 0x1f) return sign | 0x7c00; // too large: +-Inf

  if (e <= 0) {
    // Half subnormal: value / 2^-24, i.e. the 24-bit significand shifted right by 14 - e.
    if (e < -10) return sign; // below half the smallest subnormal: +-0
    const sig = mant | 0x800000;
    const shift = 14 - e;
    return sign | roundShift(sig, shift);
  }
  // Normal: keep 10 mantissa bits; a rounding carry correctly bumps the exponent (up to Inf).
  return sign | ((e << 10) + roundShift(mant, 13));
}

/** `v >> shift` rounded to nearest, ties to even. */
function roundShift(v: number, shift: number): number {
  const q = v >>> shift;
  const rem = v & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rem > half || (rem === half && (q & 1) === 1) ? q + 1 : q;
}

/** binary16 bits -> number, for tests and debugging. */
export function f16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
