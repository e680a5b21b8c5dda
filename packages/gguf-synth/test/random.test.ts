import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { f16BitsToNumber, f32ToF16Bits, randomTensorData, seededRandom, writeGguf } from '../src/index.js';
import { makeTmpDir } from './helpers.js';

describe('f32ToF16Bits (IEEE 754 binary16, round to nearest even)', () => {
  const cases: Array<[number, number]> = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [0.5, 0x3800],
    [65504, 0x7bff], // largest finite half
    [65519, 0x7bff], // rounds down (below the halfway point 65520)
    [65520, 0x7c00], // halfway to 2^16 -> rounds to even = Inf
    [1e6, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // exact tie with 0 -> even (0)
    [1.5 * 2 ** -25, 0x0001],
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [1 + 2 ** -11, 0x3c00], // tie -> even mantissa (0)
    [1 + 3 * 2 ** -11, 0x3c02], // tie -> even mantissa (2)
  ];
  it.each(cases)('%d -> %i', (input, bits) => {
    expect(f32ToF16Bits(input)).toBe(bits);
  });
  it('maps NaN to a NaN pattern', () => {
    expect(Number.isNaN(f16BitsToNumber(f32ToF16Bits(NaN)))).toBe(true);
  });
});

describe('seededRandom', () => {
  it('is deterministic per seed and in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('randomTensorData', () => {
  it.each([
    ['f32', 4],
    ['f16', 2],
  ] as const)('%s values are uniform in [-scale, scale]', (type, width) => {
    const scale = 0.25; // exactly representable in f16 and f32
    const bytes = randomTensorData(type, [64, 16], 7, scale);
    expect(bytes.length).toBe(64 * 16 * width);
    const view = new DataView(bytes.buffer);
    const values = Array.from({ length: 64 * 16 }, (_, i) =>
      width === 4 ? view.getFloat32(i * 4, true) : f16BitsToNumber(view.getUint16(i * 2, true)),
    );
    expect(values.every((v) => v >= -scale && v <= scale)).toBe(true);
    expect(Math.min(...values)).toBeLessThan(-scale * 0.9);
    expect(Math.max(...values)).toBeGreaterThan(scale * 0.9);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(scale * 0.1);
  });
});

describe('determinism of whole files', () => {
  let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
  beforeAll(async () => {
    tmp = await makeTmpDir();
  });
  afterAll(() => tmp.cleanup());

  async function build(name: string, seed: number): Promise<string> {
    const path = tmp.file(name);
    await writeGguf(path, {
      metadata: [['general.name', { type: 'string', value: 'det' }]],
      tensors: [
        { name: 'w', dims: [32, 8], type: 'f16', data: randomTensorData('f16', [32, 8], seed, 1) },
        { name: 'b', dims: [8], type: 'f32', data: () => randomTensorData('f32', [8], seed + 1, 1) },
      ],
      mode: 'full',
    });
    return createHash('sha256').update(await readFile(path)).digest('hex');
  }

  it('same seed -> identical bytes; different seed -> different bytes', async () => {
    const a = await build('a.gguf', 1);
    const b = await build('b.gguf', 1);
    const c = await build('c.gguf', 2);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});
