/*
 * Fuzzing the GGUF header reader: systematic mutations of valid gguf-synth headers (truncation at
 * every field boundary, length fields set to 0/1/max/max-1/limit/limit+1, type ids swapped, offsets
 * moved), fast-check properties (bit flips, spliced bytes, random headers, valid round trips), and
 * the regression corpus. `npm run fuzz` runs the same with FUZZ_SCALE=20 and a random seed.
 */
import { bufferSource, DEFAULT_GGUF_LIMITS, type MetadataValue, readGgufHeader } from '@arch-registry/core';
import { GGML_TYPES, type GgufValue } from '@arch-registry/gguf-synth';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type Field, RawGguf, synthFile, walkFields } from './gguf-bytes.js';
import { corpusFiles, fuzzCase, newStats, report, summary } from './gguf-harness.js';
import { FUZZ_SEEDS } from './gguf-samples.js';
import { SEEDED } from './seed-corpus.js';

const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1));
/** Standard runs are reproducible; `npm run fuzz` draws a new seed unless FUZZ_SEED is set. */
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : SCALE > 1 ? Date.now() % 2 ** 31 : 20_240_611;
const TIMEOUT = 60_000 * SCALE;
const runs = (n: number) => Math.round(n * SCALE);

const stats = newStats();
const seeds = FUZZ_SEEDS.map((spec) => synthFile(spec).bytes);

afterAll(() => {
  console.log(`GGUF fuzz (seed ${SEED}, scale ${SCALE})\n${report(stats)}`);
});

function expectClean(): void {
  expect(stats.failures.slice(0, 20)).toEqual([]);
}

function setField(bytes: Uint8Array, field: Field, value: bigint): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  if (field.size === 8) view.setBigUint64(field.offset, BigInt.asUintN(64, value), true);
  else if (field.size === 4) view.setUint32(field.offset, Number(BigInt.asUintN(32, value)), true);
  else if (field.size === 2) view.setUint16(field.offset, Number(BigInt.asUintN(16, value)), true);
  else if (field.size === 1) view.setUint8(field.offset, Number(BigInt.asUintN(8, value)));
  return out;
}

const MAX64 = (1n << 64n) - 1n;
const L = DEFAULT_GGUF_LIMITS;
const LIMIT_OF: Partial<Record<Field['kind'], number>> = {
  tensorCount: L.maxTensorCount,
  kvCount: L.maxKvCount,
  keyLength: L.maxKeyBytes,
  stringLength: L.maxStringBytes,
  arrayLength: L.maxArrayLength,
  nameLength: L.maxTensorNameBytes,
  nDims: L.maxDims,
  dim: L.maxDim,
};
const TYPE_IDS = [...Array.from({ length: 14 }, (_, i) => i), 0x7fffffff, 0xffffffff];
const TENSOR_TYPE_IDS = [...Array.from({ length: 46 }, (_, i) => i), 0xffffffff];

/** Every systematic mutation of one valid header. */
function* mutations(seed: Uint8Array): Generator<[string, Uint8Array]> {
  const { fields, infoEnd } = walkFields(seed);
  const cuts = new Set<number>([infoEnd, seed.length - 1, infoEnd + 1]);
  for (const f of fields) for (const cut of [f.offset, f.offset + 1, f.offset + f.size - 1, f.offset + f.size]) cuts.add(cut);
  for (const cut of cuts) if (cut >= 0 && cut < seed.length) yield [`cut@${cut}`, seed.subarray(0, cut)];

  for (const f of fields) {
    const original = f.size === 8 ? new DataView(seed.buffer, seed.byteOffset).getBigUint64(f.offset, true) : BigInt(f.size === 4 ? new DataView(seed.buffer, seed.byteOffset).getUint32(f.offset, true) : 0);
    let values: bigint[] = [];
    const limit = LIMIT_OF[f.kind];
    if (limit !== undefined) {
      const max = f.size === 8 ? MAX64 : 0xffffffffn;
      values = [0n, 1n, max, max - 1n, BigInt(limit), BigInt(limit) + 1n, 1n << 31n, (1n << 32n) - 1n, 1n << 32n, (1n << 53n) + 1n, 1n << 63n, original + 1n, original - 1n];
    } else if (f.kind === 'valueType' || f.kind === 'arrayItemType') {
      values = TYPE_IDS.map(BigInt);
    } else if (f.kind === 'tensorType') {
      values = TENSOR_TYPE_IDS.map(BigInt);
    } else if (f.kind === 'version') {
      values = [0n, 1n, 2n, 4n, 0x03000000n, 0xffffffffn];
    } else if (f.kind === 'tensorOffset') {
      values = [0n, original + 1n, original + 32n, original - 32n, MAX64, 1n << 63n];
    } else if (f.kind === 'scalar') {
      values = [0n, MAX64, 1n, 48n, 64n];
    } else if (f.kind === 'magic') {
      values = [0n, 0x46554747n ^ 1n];
    }
    for (const value of values) yield [`${f.kind}@${f.offset}=${value}`, setField(seed, f, value)];
  }
}

describe('GGUF reader fuzzing', () => {
  it('replays the regression corpus (test/fuzz/corpus/*.bin)', async () => {
    const files = corpusFiles();
    expect(files.length).toBeGreaterThanOrEqual(Object.keys(SEEDED).length);
    for (const { name, bytes } of files) {
      const outcome = await fuzzCase(stats, `corpus/${name}`, bytes);
      const again = await fuzzCase(stats, `corpus/${name} (no read-ahead)`, bytes, { readAheadBytes: 0 });
      expect(summary(again), name).toBe(summary(outcome));
      const seeded = SEEDED[name.replace(/\.bin$/, '')];
      if (seeded !== undefined) expect(outcome.ok ? 'ok' : outcome.code, `${name}: @huggingface/gguf ${seeded[2]}`).toBe(seeded[1]);
    }
    expectClean();
  });

  it('systematic mutations of valid headers: truncation at every field, lengths 0/max/limit±1, swapped types', { timeout: TIMEOUT }, async () => {
    let n = 0;
    for (const [s, seed] of seeds.entries()) {
      for (const [label, bytes] of mutations(seed)) {
        // Alternate read-ahead sizes so that refills happen at every kind of boundary.
        const readAheadBytes = [undefined, 0, 5][n++ % 3];
        await fuzzCase(stats, `seed ${s} ${label}`, bytes, readAheadBytes === undefined ? undefined : { readAheadBytes });
      }
    }
    expect(n).toBeGreaterThan(5000);
    expectClean();
  });

  it('random bit flips give the same outcome whatever the read-ahead', { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(seeds.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 64 }), async (s, flips, readAhead) => {
        const seed = seeds[s] ?? new Uint8Array(0);
        const bytes = seed.slice();
        for (const [at, bit] of flips) bytes[at % bytes.length] = (bytes[at % bytes.length] ?? 0) ^ (1 << bit);
        const whole = await fuzzCase(stats, `seed ${s} flips ${JSON.stringify(flips)}`, bytes);
        const pieces = await fuzzCase(stats, `seed ${s} flips ${JSON.stringify(flips)} readAhead ${readAhead}`, bytes, { readAheadBytes: readAhead });
        expect(summary(pieces)).toBe(summary(whole));
      }),
      { numRuns: runs(1500), seed: SEED },
    );
    expectClean();
  });

  it('spliced, inserted and deleted byte runs', { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(seeds.length - 1), fc.nat(), fc.nat(64), fc.uint8Array({ maxLength: 64 }), fc.constantFrom('overwrite', 'insert', 'delete'), async (s, at, del, chunk, how) => {
        const seed = seeds[s] ?? new Uint8Array(0);
        const pos = at % (seed.length + 1);
        const out =
          how === 'overwrite'
            ? Uint8Array.from([...seed.subarray(0, pos), ...chunk, ...seed.subarray(pos + chunk.length)])
            : how === 'insert'
              ? Uint8Array.from([...seed.subarray(0, pos), ...chunk, ...seed.subarray(pos)])
              : Uint8Array.from([...seed.subarray(0, pos), ...seed.subarray(pos + del)]);
        await fuzzCase(stats, `seed ${s} ${how}@${pos}`, out, { readAheadBytes: (at % 3) * 16 });
      }),
      { numRuns: runs(1500), seed: SEED + 1 },
    );
    expectClean();
  });

  it('random headers: any counts, keys, type ids, lying lengths and payloads', { timeout: TIMEOUT }, async () => {
    const length = fc.oneof(fc.constantFrom(0n, 1n, MAX64, MAX64 - 1n, 1n << 63n, 1n << 32n), fc.bigInt({ min: 0n, max: 300n }));
    const kv = fc.record({
      key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('general.alignment', '__proto__', 'general.architecture')),
      keyLength: fc.option(length, { freq: 4 }),
      type: fc.oneof(fc.nat(13), fc.nat()),
      payload: fc.uint8Array({ maxLength: 48 }),
    });
    const tensor = fc.record({
      name: fc.string({ maxLength: 8 }),
      dims: fc.array(fc.oneof(fc.bigInt({ min: 0n, max: 600n }), length), { maxLength: 5 }),
      type: fc.oneof(fc.constantFrom(...Object.values(GGML_TYPES).map((t) => t.id)), fc.nat()),
      offset: fc.oneof(fc.constantFrom(0n, 32n, 256n), length),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.record({ nTensors: fc.oneof(fc.nat(4), length), nKv: fc.oneof(fc.nat(6), length), kvs: fc.array(kv, { maxLength: 6 }), tensors: fc.array(tensor, { maxLength: 4 }), tail: fc.nat(2048), version: fc.constantFrom(2, 3, 3, 1, 4) }),
        async ({ nTensors, nKv, kvs, tensors, tail, version }) => {
          const b = new RawGguf().head(nTensors, nKv, version);
          for (const e of kvs) {
            if (e.keyLength === null) b.str(e.key);
            else b.u64(e.keyLength).raw(new TextEncoder().encode(e.key));
            b.u32(e.type).raw(e.payload);
          }
          for (const t of tensors) b.tensor(t.name, t.dims, t.type, t.offset);
          await fuzzCase(stats, 'random header', b.padTo(32).zeros(tail).bytes());
        },
      ),
      { numRuns: runs(1500), seed: SEED + 2 },
    );
    expectClean();
  });

  it('random bytes, with and without a valid start', { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), fc.boolean(), async (bytes, prefix) => {
        const input = prefix ? Uint8Array.from([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, ...bytes]) : bytes;
        await fuzzCase(stats, 'random bytes', input, { readAheadBytes: bytes.length % 17 });
      }),
      { numRuns: runs(800), seed: SEED + 3 },
    );
    expectClean();
  });

  it('valid random headers written by gguf-synth read back exactly', { timeout: TIMEOUT }, async () => {
    const scalar: fc.Arbitrary<GgufValue> = fc.oneof(
      fc.integer({ min: 0, max: 255 }).map((value) => ({ type: 'u8', value }) as const),
      fc.integer({ min: -128, max: 127 }).map((value) => ({ type: 'i8', value }) as const),
      fc.integer({ min: 0, max: 65535 }).map((value) => ({ type: 'u16', value }) as const),
      fc.integer({ min: -32768, max: 32767 }).map((value) => ({ type: 'i16', value }) as const),
      fc.nat({ max: 0xffffffff }).map((value) => ({ type: 'u32', value }) as const),
      fc.integer().map((value) => ({ type: 'i32', value }) as const),
      fc.float({ noNaN: true }).map((value) => ({ type: 'f32', value }) as const),
      fc.double({ noNaN: true }).map((value) => ({ type: 'f64', value }) as const),
      fc.boolean().map((value) => ({ type: 'bool', value }) as const),
      fc.string({ unit: 'grapheme', maxLength: 20 }).map((value) => ({ type: 'string', value }) as const),
      fc.bigInt({ min: 0n, max: MAX64 }).map((value) => ({ type: 'u64', value }) as const),
      fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map((value) => ({ type: 'i64', value }) as const),
    );
    const array: fc.Arbitrary<GgufValue> = fc.oneof(
      fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 20 }).map((value) => ({ type: 'array', itemType: 'u32', value }) as const),
      fc.array(fc.string({ maxLength: 8 }), { maxLength: 20 }).map((value) => ({ type: 'array', itemType: 'string', value }) as const),
      fc.array(fc.bigInt({ min: 0n, max: MAX64 }), { maxLength: 6 }).map((value) => ({ type: 'array', itemType: 'u64', value }) as const),
      fc.array(fc.boolean(), { maxLength: 6 }).map((value) => ({ type: 'array', itemType: 'bool', value }) as const),
    );
    const types = Object.values(GGML_TYPES);
    const tensor = fc.record({ type: fc.constantFrom(...types), blocks: fc.integer({ min: 0, max: 3 }), rest: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 16 }), fc.oneof(scalar, array)), { selector: ([key]) => key, maxLength: 12 }),
        fc.array(tensor, { maxLength: 6 }),
        fc.constantFrom(1, 8, 32, 256),
        async (kvs, tensorSpecs, alignment) => {
          const metadata = kvs.filter(([key]) => key !== 'general.alignment');
          const tensors = tensorSpecs.map((t, i) => ({ name: `t${i}`, dims: [t.type.blockSize * t.blocks, ...t.rest], type: t.type.id }));
          const { bytes } = synthFile({ metadata, tensors, alignment });
          const outcome = await fuzzCase(stats, 'valid round trip', bytes, { readAheadBytes: alignment % 7 });
          expect(outcome.ok).toBe(true);
          if (!outcome.ok) return;
          const expected = (v: GgufValue): MetadataValue => {
            if (v.type === 'array') return (v.value as readonly unknown[]).map((item) => expected({ type: v.itemType, value: item } as GgufValue));
            if (v.type === 'f32') return Math.fround(v.value);
            if (typeof v.value === 'bigint' || v.type === 'u64' || v.type === 'i64') {
              const big = BigInt(v.value);
              return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
            }
            return v.value;
          };
          for (const [key, value] of metadata) expect(outcome.header.metadata[key], key).toEqual(expected(value));
          expect(outcome.header.tensors.map((t) => [t.name, t.shape, t.type])).toEqual(tensors.map((t) => [t.name, t.dims, t.type]));
        },
      ),
      { numRuns: runs(800), seed: SEED + 4 },
    );
    expectClean();
  });

  it('small byte caps: HEADER_TOO_LARGE or a header, never a read past the cap', { timeout: TIMEOUT }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(seeds.length - 1), fc.integer({ min: 0, max: 6000 }), async (s, cap) => {
        const seed = seeds[s] ?? new Uint8Array(0);
        let highest = 0;
        const source = bufferSource(seed, 'capped.gguf');
        const spy = { ...source, read: (offset: number, length: number) => ((highest = Math.max(highest, offset + length)), source.read(offset, length)) };
        const outcome = await readGgufHeader(spy, { limits: { maxHeaderBytes: cap } }).then(
          (header) => ({ ok: true as const, header }),
          (error: { code: string }) => ({ ok: false as const, code: error.code }),
        );
        stats.cases++;
        expect(highest).toBeLessThanOrEqual(cap);
        if (!outcome.ok) expect(outcome.code).toBe('HEADER_TOO_LARGE');
      }),
      { numRuns: runs(400), seed: SEED + 5 },
    );
  });

  it(`ran at least 10,000 cases, none slower than 1 s, heap growth under 256 MiB`, () => {
    expect(stats.cases).toBeGreaterThanOrEqual(10_000);
    expect(stats.slowestMs).toBeLessThan(1000);
    expect(stats.peakHeap - stats.baselineHeap).toBeLessThan(256 * 2 ** 20);
    expectClean();
  });
});
