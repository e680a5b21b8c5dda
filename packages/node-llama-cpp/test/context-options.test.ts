import type { CacheType, Decision } from '@arch-registry/core';
import { describe, expect, it } from 'vitest';
import { AdapterError, toContextOptions } from '../src/index.js';

const decision = (flashAttention: boolean, cacheTypeK: CacheType = 'f16', cacheTypeV: CacheType = 'f16', vTransposed = !flashAttention): Decision => ({
  flashAttention,
  cacheTypeK,
  cacheTypeV,
  vTransposed,
  reasons: [],
});

describe('toContextOptions', () => {
  it.each([
    ['FA on', decision(true), true],
    ['FA off as requested (V transposed)', decision(false), false],
    ['FA off by the auto probe (V untransposed)', decision(false, 'f16', 'f16', false), 'auto'],
  ] as const)('%s → flashAttention %j', (_, input, expected) => {
    expect(toContextOptions(input, { contextSize: 1024, sequences: 1 }).flashAttention).toBe(expected);
  });

  it.each([
    ['q8_0', 'q8_0', 'Q8_0', 'Q8_0'],
    ['q4_0', 'f16', 'Q4_0', 'F16'],
    ['bf16', 'iq4_nl', 'BF16', 'IQ4_NL'],
  ] as const)('K %s / V %s → experimentalKvCacheKeyType %s / experimentalKvCacheValueType %s', (k, v, keyK, keyV) => {
    const options = toContextOptions(decision(true, k, v), { contextSize: 1024, sequences: 1 });
    expect(options).toMatchObject({ experimentalKvCacheKeyType: keyK, experimentalKvCacheValueType: keyV });
  });

  it('passes contextSize and sequences, turns the full SWA cache off and leaves batchSize to the runtime unless given', () => {
    expect(toContextOptions(decision(true), { contextSize: 2048, sequences: 3 })).toEqual({
      contextSize: 2048,
      sequences: 3,
      flashAttention: true,
      experimentalKvCacheKeyType: 'F16',
      experimentalKvCacheValueType: 'F16',
      swaFullCache: false,
    });
    expect(toContextOptions(decision(true), { contextSize: 2048, sequences: 3, batchSize: 256 }).batchSize).toBe(256);
  });

  it('throws UNMAPPED_CACHE_TYPE for a type outside the nine', () => {
    const bad = { ...decision(true), cacheTypeK: 'q4_K' } as unknown as Decision;
    expect(() => toContextOptions(bad, { contextSize: 1024, sequences: 1 })).toThrow(AdapterError);
  });
});
