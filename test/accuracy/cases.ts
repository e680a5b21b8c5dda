import type { CacheType } from '@arch-registry/core';

/** One simulated context: llama.cpp-level n_ctx, sequences, cache types and FA. */
export interface AccuracyCase {
  readonly fixture: string;
  readonly nCtx: number;
  readonly nSeq: number;
  readonly cacheType: CacheType;
  readonly flashAttention: boolean;
}

/** Which cases a fixture is simulated under: every combination of these, FA off only for the listed cache types. */
export interface CaseGrid {
  readonly cacheTypes: readonly CacheType[];
  readonly contexts: readonly number[];
  readonly sequences: readonly number[];
  /** Cache types also simulated with FA off (a quantized V cache needs FA: the runtime refuses the context). */
  readonly faOffCacheTypes: readonly CacheType[];
}

/** The full grid of the original fixtures. */
export const FULL_GRID: CaseGrid = { cacheTypes: ['f16', 'q8_0', 'q4_0'], contexts: [4096, 32768], sequences: [1, 4], faOffCacheTypes: ['f16'] };
/**
 * The shape fixtures' grid: no q4_0, to keep the suite's runtime down (their q4_0 rows measured on
 * 2026-11-26 keep KV exact; the planner's eight fixtures carry q4_0).
 */
export const SHAPE_GRID: CaseGrid = { cacheTypes: ['f16', 'q8_0'], contexts: [4096, 32768], sequences: [1, 4], faOffCacheTypes: ['f16'] };

/** n_batch = n_ubatch, as node-llama-cpp passes them. */
export const UBATCH = 512;

/** Every cache type × context × sequences × FA on/off of the grid. */
export function casesFor(fixture: string, grid: CaseGrid = FULL_GRID): AccuracyCase[] {
  const cases: AccuracyCase[] = [];
  for (const cacheType of grid.cacheTypes) {
    for (const nCtx of grid.contexts) {
      for (const nSeq of grid.sequences) {
        for (const flashAttention of [true, false]) {
          if (!flashAttention && !grid.faOffCacheTypes.includes(cacheType)) continue;
          cases.push({ fixture, nCtx, nSeq, cacheType, flashAttention });
        }
      }
    }
  }
  return cases;
}
