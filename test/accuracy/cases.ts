import type { CacheType } from '@arch-registry/core';

/** One simulated context: llama.cpp-level n_ctx, sequences, cache types and FA. */
export interface AccuracyCase {
  readonly fixture: string;
  readonly nCtx: number;
  readonly nSeq: number;
  readonly cacheType: CacheType;
  readonly flashAttention: boolean;
}

export const CACHE_TYPES_COMPARED: readonly CacheType[] = ['f16', 'q8_0', 'q4_0'];
export const CONTEXTS = [4096, 32768] as const;
export const SEQUENCES = [1, 4] as const;
/** n_batch = n_ubatch, as node-llama-cpp passes them. */
export const UBATCH = 512;

/** Every fixture × cache type × context × sequences × FA on/off, FA off only where V is not quantized. */
export function casesFor(fixture: string): AccuracyCase[] {
  const cases: AccuracyCase[] = [];
  for (const cacheType of CACHE_TYPES_COMPARED) {
    for (const nCtx of CONTEXTS) {
      for (const nSeq of SEQUENCES) {
        for (const flashAttention of [true, false]) {
          // A quantized V cache needs FA: the runtime refuses the context, so there is nothing to compare.
          if (!flashAttention && cacheType !== 'f16') continue;
          cases.push({ fixture, nCtx, nSeq, cacheType, flashAttention });
        }
      }
    }
  }
  return cases;
}
