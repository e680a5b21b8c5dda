const MIB_SHIFT = 20n;
const HALF = 1n << (MIB_SHIFT - 1n);
const FRACTION_MASK = (1n << MIB_SHIFT) - 1n;

/**
 * bytes / 1048576 with two decimals, rounded as glibc's printf("%.2f") rounds:
 * from the exact binary value, ties to even. `toFixed(2)` rounds ties up, and
 * ties are common here (every odd multiple of 128 KiB, e.g. 1.125 MiB → "1.12").
 */
export function mib(bytes: number | bigint): number {
  const exact = BigInt(bytes); // throws RangeError for a fractional number
  if (exact < 0n) throw new RangeError(`byte count ${bytes} is negative`);
  const scaled = exact * 100n;
  const quotient = scaled >> MIB_SHIFT;
  const remainder = scaled & FRACTION_MASK;
  const up = remainder > HALF || (remainder === HALF && (quotient & 1n) === 1n);
  return Number(quotient + (up ? 1n : 0n)) / 100;
}

/**
 * What the `size = …` lines print: llama.cpp casts the byte count to float
 * before dividing (`(float)bytes / (1024.0f*1024.0f)`), which only matters above 16 MiB.
 * The `… buffer size` lines divide a double and match `mib`.
 */
export function sizeLineMib(bytes: number | bigint): number {
  return mib(Math.fround(Number(bytes)));
}
