import { describe, expect, it } from 'vitest';
import { mib, sizeLineMib } from '../src/index.js';

const MiB = 1_048_576;

describe('mib', () => {
  it.each([
    [0, 0],
    [MiB / 2, 0.5],
    [1_179_648, 1.12], // 1.125 MiB: a tie, printed "1.12" (iswa-exaone4.log, SWA K)
    [MiB / 8, 0.12], // 0.125 → even neighbour 0.12
    [(3 * MiB) / 8, 0.38], // 0.375 → even neighbour 0.38
    [MiB / 8 + 1, 0.13], // just above the tie
    [139_264, 0.13], // 0.1328125 (plain-q8_0.log, K)
    [36_864, 0.04], // 0.03515625 (recurrent-mamba.log, R)
    [499_122_176, 476], // Qwen2.5-7B q8_0, 16384 cells (facts §4.9)
  ])('%i bytes → %d MiB', (bytes, expected) => {
    expect(mib(bytes)).toBe(expected);
  });

  it('accepts bigint and refuses fractional or negative counts', () => {
    expect(mib(2n ** 40n)).toBe(1_048_576);
    expect(() => mib(1.5)).toThrow(RangeError);
    expect(() => mib(-1)).toThrow(RangeError);
  });
});

describe('sizeLineMib', () => {
  it('rounds through float first, as the size lines do', () => {
    // 1001·2^17 + 1 bytes: the double is just above the 125.125 tie, the float lands on it.
    const bytes = 1001 * 2 ** 17 + 1;
    expect(mib(bytes)).toBe(125.13);
    expect(sizeLineMib(bytes)).toBe(125.12);
  });

  it('equals mib below 16 MiB, where float is exact', () => {
    expect(sizeLineMib(1_179_648)).toBe(mib(1_179_648));
  });
});
