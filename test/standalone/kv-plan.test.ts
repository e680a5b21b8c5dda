import { type CacheType, planContext, planKvCache } from '@arch-registry/core';
import { describe, expect, it } from 'vitest';
import { deepseekV3, exaone4_32b, gptOss_20b, llama31_8b } from '../fixtures/models/index.js';
import { modelOf } from '../fixtures/resolve.js';

const MiB = 1024 * 1024;
const decision = (k: CacheType, v: CacheType = k, vTransposed = false) => ({ cacheTypeK: k, cacheTypeV: v, vTransposed });

describe('planContext mirrors the llama_context constructor', () => {
  it.each([
    { name: 'n_ctx is padded to 256', nCtx: 1000, nSeq: 1, unified: false, expect: { nCtx: 1024, cellsPerStream: 1024, streams: 1 } },
    { name: 'per-sequence cells are pad256(n_ctx / n_seq)', nCtx: 8192, nSeq: 4, unified: false, expect: { nCtx: 8192, cellsPerStream: 2048, streams: 4 } },
    { name: 'n_ctx rounds to n_ctx_seq × n_seq (here up)', nCtx: 1000, nSeq: 3, unified: false, expect: { nCtx: 3 * 512, cellsPerStream: 512, streams: 3 } },
    { name: 'kv-unified keeps one stream of n_ctx cells', nCtx: 8192, nSeq: 4, unified: true, expect: { nCtx: 8192, cellsPerStream: 8192, streams: 1 } },
  ])('$name', ({ nCtx, nSeq, unified, expect: want }) => {
    const plan = planContext(modelOf(llama31_8b), { nCtx, nSeq, kvUnified: unified });
    expect({ nCtx: plan.nCtx, cellsPerStream: plan.cellsPerStream, streams: plan.streams }).toEqual(want);
  });

  it('clamps n_batch to the unpadded n_ctx and n_ubatch to n_batch', () => {
    const plan = planContext(modelOf(llama31_8b), { nCtx: 300, nBatch: 2048, nUbatch: 512 });
    expect({ nBatch: plan.nBatch, nUbatch: plan.nUbatch, nCtx: plan.nCtx }).toEqual({ nBatch: 300, nUbatch: 300, nCtx: 512 });
  });

  it.each([
    // exaone4: window 4096, n_ubatch 512 → pad256(4608) = 4608
    { name: 'exaone4 32B, 1 seq', fixture: exaone4_32b, nCtx: 131072, nSeq: 1, unified: false, swaFull: false, swaCells: 4608 },
    // gpt-oss: pad256(128 + 512) = 768 (reference §4.9)
    { name: 'gpt-oss-20b, 1 seq', fixture: gptOss_20b, nCtx: 8192, nSeq: 1, unified: false, swaFull: false, swaCells: 768 },
    // unified with 4 slots: pad256(min(8192, 128·4 + 512)) = 1024 (reference §4.9, llama-server auto)
    { name: 'gpt-oss-20b, 4 unified slots', fixture: gptOss_20b, nCtx: 8192, nSeq: 4, unified: true, swaFull: false, swaCells: 1024 },
    // not unified: the window is per stream: pad256(min(2048, 128 + 512)) = 768
    { name: 'gpt-oss-20b, 4 streams', fixture: gptOss_20b, nCtx: 8192, nSeq: 4, unified: false, swaFull: false, swaCells: 768 },
    // the SWA cache never exceeds the full one: min(1024, 4096 + 512) = 1024
    { name: 'exaone4 32B, context below the window', fixture: exaone4_32b, nCtx: 1024, nSeq: 1, unified: false, swaFull: false, swaCells: 1024 },
    { name: '--swa-full', fixture: exaone4_32b, nCtx: 131072, nSeq: 1, unified: false, swaFull: true, swaCells: 131072 },
  ])('SWA cells: $name', ({ fixture, nCtx, nSeq, unified, swaFull, swaCells }) => {
    expect(planContext(modelOf(fixture), { nCtx, nSeq, kvUnified: unified, swaFull }).swaCells).toBe(swaCells);
  });
});

describe('planKvCache gives exact bytes', () => {
  it('Llama-3.1-8B f16 at 8192: 32 layers × 1024 wide × 2 B × 8192 = 512 MiB each for K and V', () => {
    const model = modelOf(llama31_8b);
    const kv = planKvCache(model, decision('f16'), planContext(model, { nCtx: 8192 }));
    expect(kv.kBytes).toBe(32 * 1024 * 2 * 8192);
    expect(kv.kBytes / MiB).toBe(512);
    expect(kv.vBytes).toBe(kv.kBytes);
  });

  it('q8_0 rows: 1024 / 32 blocks × 34 B = 1088 B per cell per layer', () => {
    const model = modelOf(llama31_8b);
    const kv = planKvCache(model, decision('q8_0'), planContext(model, { nCtx: 16384 }));
    expect(kv.kBytes).toBe(32 * 1088 * 16384);
  });

  it('exaone4 32B f16 at 131072: 16 full layers hold every cell, 48 SWA layers 4608 cells', () => {
    const model = modelOf(exaone4_32b);
    const kv = planKvCache(model, decision('f16'), planContext(model, { nCtx: 131072 }));
    const row = 8 * 128 * 2; // 8 KV heads × 128 dims × 2 B
    expect(kv.caches).toEqual([
      { role: 'non-swa', cells: 131072, layers: 16, kBytes: 16 * row * 131072, vBytes: 16 * row * 131072 },
      { role: 'swa', cells: 4608, layers: 48, kBytes: 48 * row * 4608, vBytes: 48 * row * 4608 },
    ]);
    // 8 GiB for the global layers + 864 MiB for the windowed ones, against 32 GiB if all 64 were global.
    expect(kv.bytes).toBe(8 * 1024 * MiB + 864 * MiB);
  });

  it('gpt-oss-20b at 8192 (reference §4.9): base 96 MiB + 96 MiB, SWA 9 MiB + 9 MiB', () => {
    const model = modelOf(gptOss_20b);
    const kv = planKvCache(model, decision('f16'), planContext(model, { nCtx: 8192 }));
    expect(kv.caches.map((c) => [c.role, c.kBytes / MiB, c.vBytes / MiB])).toEqual([
      ['non-swa', 96, 96],
      ['swa', 9, 9],
    ]);
  });

  it('DeepSeek-V3 MLA f16 at 4096 cells: 576 × 2 B × 4096 × 61 layers of K, no V (reference §4.5)', () => {
    const model = modelOf(deepseekV3);
    const kv = planKvCache(model, decision('f16'), planContext(model, { nCtx: 4096 }));
    expect(kv.kBytes).toBe(576 * 2 * 4096 * 61);
    expect(kv.vBytes).toBe(0);
  });

  it('several streams multiply the rows: 4 × 2048 cells', () => {
    const model = modelOf(llama31_8b);
    const kv = planKvCache(model, decision('q4_0'), planContext(model, { nCtx: 8192, nSeq: 4 }));
    // q4_0: 1024 / 32 × 18 B = 576 B per row
    expect(kv.kBytes).toBe(32 * 576 * 2048 * 4);
  });

  it('with FA explicitly off and varying V widths, V rows pad to the widest layer', () => {
    const kvHeads = Array.from({ length: 32 }, (_, il) => (il % 2 === 0 ? 8 : 4));
    const model = modelOf(llama31_8b, { 'attention.head_count_kv': kvHeads });
    const context = planContext(model, { nCtx: 1024 });
    const padded = planKvCache(model, decision('f16', 'f16', true), context);
    const packed = planKvCache(model, decision('f16', 'f16', false), context);
    expect(padded.vBytes).toBe(32 * 8 * 128 * 2 * 1024);
    expect(packed.vBytes).toBe((16 * 8 + 16 * 4) * 128 * 2 * 1024);
    expect(padded.kBytes).toBe(packed.kBytes);
  });
});
