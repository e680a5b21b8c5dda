import { rowBytes } from '@arch-registry/core';
import { describe, expect, it } from 'vitest';
import { readRuntimeReport, sizeLineMib } from '../src/index.js';
import { readLog } from './read-log.js';

/**
 * Expected numbers come from the models' shapes and llama.cpp's formulas:
 * bytes = layers × row_size(type, n_embd_k/v_gqa) × cells × streams (facts §4.2).
 * llama-hd32: 2 layers, 2 KV heads × 32 → rows 64 wide. exaone4_64_arr: 16 full + 48
 * SWA layers, 1 KV head × 16, window 8. ds2_mla_nomtp: 3 layers, latent K row 32 + 8 rope.
 */
const kvMiB = (type: Parameters<typeof rowBytes>[0], width: number, layers: number, cells: number, streams = 1) =>
  sizeLineMib(layers * rowBytes(type, width) * cells * streams);
const pad256 = (n: number) => Math.ceil(n / 256) * 256;

describe('readRuntimeReport on captured logs', () => {
  it('plain KV, FA auto: context lines, probe result, one cache with its buffer', () => {
    const report = readRuntimeReport(readLog('plain-f16-auto'));
    expect(report.context).toEqual({ nSeqMax: 1, nCtx: 1024, nCtxSeq: 1024, nBatch: 512, nUbatch: 512, causalAttn: true, kvUnified: false });
    expect(report.flashAttention).toEqual({ requested: 'auto', resolved: true, forcedForQuantizedV: false });
    const k = kvMiB('f16', 64, 2, 1024);
    expect(report.caches).toEqual([
      { role: 'kv', cells: 1024, layers: 2, seqs: 1, streams: 1, kType: 'f16', vType: 'f16', kMiB: k, vMiB: k, totalMiB: 2 * k, buffers: [{ device: 'CPU', mib: 2 * k }] },
    ]);
    expect(report).toMatchObject({ refusals: [], errors: [] });
  });

  it.each([
    ['plain-q8_0', 'q8_0'],
    ['plain-q4_0', 'q4_0'],
  ] as const)('%s: quantized K and V, FA enabled without a probe', (name, type) => {
    const report = readRuntimeReport(readLog(name));
    expect(report.flashAttention).toEqual({ requested: 'enabled', resolved: true, forcedForQuantizedV: false });
    expect(report.caches).toHaveLength(1);
    expect(report.caches[0]).toMatchObject({
      cells: 1024,
      kType: type,
      vType: type,
      kMiB: kvMiB(type, 64, 2, 1024),
      vMiB: kvMiB(type, 64, 2, 1024),
      totalMiB: sizeLineMib(2 * 2 * rowBytes(type, 64) * 1024),
    });
  });

  it('two sequences: n_ctx = 2 × n_ctx_seq and one stream per sequence', () => {
    const report = readRuntimeReport(readLog('two-sequences'));
    expect(report.context).toMatchObject({ nSeqMax: 2, nCtx: 2048, nCtxSeq: 1024 });
    expect(report.caches[0]).toMatchObject({ cells: 1024, seqs: 2, streams: 2, kMiB: kvMiB('f16', 64, 2, 1024, 2) });
  });

  it('FA disabled with a q8_0 K and f16 V', () => {
    const report = readRuntimeReport(readLog('fa-off-q8_0-k'));
    expect(report.flashAttention).toEqual({ requested: 'disabled', resolved: false, forcedForQuantizedV: false });
    expect(report.caches[0]).toMatchObject({ cells: 512, kType: 'q8_0', vType: 'f16', kMiB: kvMiB('q8_0', 64, 2, 512), vMiB: kvMiB('f16', 64, 2, 512) });
  });

  it('iSWA: each size line takes its role from the creating line before it', () => {
    const report = readRuntimeReport(readLog('iswa-exaone4'));
    const { nCtxSeq = 0, nUbatch = 0 } = report.context ?? {};
    const swaCells = pad256(Math.min(nCtxSeq, 8 + nUbatch)); // facts §4.4, window 8, not unified
    expect(swaCells).toBe(768);
    expect(report.caches).toEqual([
      expect.objectContaining({ role: 'non-swa', roleLabel: 'non-SWA', announcedCells: 1024, cells: 1024, layers: 16, kMiB: kvMiB('f16', 16, 16, 1024) }),
      expect.objectContaining({ role: 'swa', roleLabel: 'SWA', announcedCells: swaCells, cells: swaCells, layers: 48, kMiB: kvMiB('f16', 16, 48, swaCells) }),
    ]);
    expect(report.caches[1]?.kMiB).toBe(1.12); // 1.125 printed with ties to even
  });

  it('iSWA with two sequences: both caches get two streams, the SWA one stays window-sized', () => {
    const report = readRuntimeReport(readLog('iswa-exaone4-two-sequences'));
    expect(report.context).toMatchObject({ nCtx: 4096, nCtxSeq: 2048, nUbatch: 513 });
    expect(report.caches.map((c) => [c.role, c.cells, c.streams, c.kMiB])).toEqual([
      ['non-swa', 2048, 2, kvMiB('f16', 16, 16, 2048, 2)],
      ['swa', pad256(8 + 513), 2, kvMiB('f16', 16, 48, pad256(8 + 513), 2)],
    ]);
  });

  it('MLA: K holds the latent row, V is not allocated', () => {
    const report = readRuntimeReport(readLog('mla-deepseek2'));
    expect(report.caches).toEqual([expect.objectContaining({ role: 'kv', layers: 3, kMiB: kvMiB('f16', 32 + 8, 3, 1024), vMiB: 0, vType: 'f16' })]);
  });

  it('recurrent state: one cell per sequence, R and S in f32', () => {
    const report = readRuntimeReport(readLog('recurrent-mamba'));
    // Mamba-1: d_conv 4, d_inner 512, d_state 16, n_group 0; rows = 3 sequences; 2 layers.
    const rows = 3;
    const rBytes = 4 * (4 - 1) * 512 * rows * 2;
    const sBytes = 4 * 16 * 512 * rows * 2;
    expect(report.recurrent).toEqual({
      cells: 3,
      layers: 2,
      seqs: 3,
      rsSeq: 0,
      rType: 'f32',
      sType: 'f32',
      rMiB: sizeLineMib(rBytes),
      sMiB: sizeLineMib(sBytes),
      pMiB: 0,
      totalMiB: sizeLineMib(rBytes + sBytes),
      buffers: [{ device: 'CPU', mib: sizeLineMib(rBytes + sBytes) }],
    });
    expect(report.caches).toEqual([]);
  });

  it.each([
    ['refused-quantized-v', 'QUANTIZED_V_NEEDS_FA', 'quantized V cache requires flash_attn to be enabled'],
    ['refused-block-size', 'K_BLOCK_SIZE', 'K cache type q8_0 with block size 32 does not divide n_embd_head_k=16'],
    ['refused-mla-types', 'KV_TYPES_MUST_MATCH', 'model does not support different K (f16) and V (bf16) cache types'],
  ])('%s: refusal %s, reported once although the simulation repeats it', (name, code, message) => {
    const report = readRuntimeReport(readLog(name));
    expect(report.errors).toEqual([message]);
    expect(report.refusals).toEqual([{ code, message }]);
    expect(report.context).toBeUndefined();
    expect(report.caches).toEqual([]);
  });

  it('lowercase "q8_0" reached the runtime as f16: the fallback the key mapping prevents', () => {
    expect(readRuntimeReport(readLog('lowercase-fallback')).caches[0]).toMatchObject({ kType: 'f16', vType: 'f16' });
  });
});

describe('readRuntimeReport on lines the CPU captures cannot produce (written from the format strings)', () => {
  it('the auto probe turning FA off on a GPU', () => {
    const report = readRuntimeReport([
      'llama_context: flash_attn            = auto',
      'resolve_fused_ops: layer 0 is assigned to device CUDA0 but Flash Attention is assigned to device CPU (usually due to missing support)',
      'resolve_fused_ops: Flash Attention not supported, set to disabled',
    ]);
    expect(report.flashAttention).toEqual({ requested: 'auto', resolved: false, forcedForQuantizedV: false });
  });

  it('auto forced on for a quantized V', () => {
    const report = readRuntimeReport(['llama_init_from_model: enabling flash_attn since it is required for quantized V cache', 'llama_context: flash_attn            = enabled']);
    expect(report.flashAttention).toEqual({ requested: 'enabled', resolved: true, forcedForQuantizedV: true });
  });

  it('the constructor exception after the probe, the V padding warning and a logger prefix', () => {
    const report = readRuntimeReport([
      '[node-llama-cpp] llama_kv_cache: the V embeddings have different sizes across layers and FA is not enabled - padding V cache to 512',
      '[node-llama-cpp] llama_kv_cache:      CUDA0 KV buffer size =    12.00 MiB',
      '[node-llama-cpp] llama_kv_cache: size =   12.00 MiB (  4096 cells,   2 layers,  1/1 seqs), K (f16):    4.00 MiB, V (f16):    8.00 MiB',
      'llama_init_from_model: failed to initialize the context: quantized V cache was requested, but this requires Flash Attention',
    ]);
    expect(report.caches[0]).toMatchObject({ vPaddedTo: 512, buffers: [{ device: 'CUDA0', mib: 12 }], vMiB: 8 });
    expect(report.refusals).toEqual([{ code: 'QUANTIZED_V_NEEDS_FA', message: 'failed to initialize the context: quantized V cache was requested, but this requires Flash Attention' }]);
  });

  it('older binaries: llama_kv_cache_unified prefixes, n_ctx_per_seq, no stream count', () => {
    const report = readRuntimeReport([
      'llama_context: n_ctx_per_seq = 4096',
      'llama_kv_cache_unified_iswa: creating non-SWA KV cache, size = 4096 cells',
      'llama_kv_cache_unified: size =  256.00 MiB (  4096 cells,  32 layers,  1 seqs), K (f16):  128.00 MiB, V (f16):  128.00 MiB',
      'llama_kv_cache_unified_iswa: creating     SWA KV cache, size = 1536 cells',
      'llama_kv_cache_unified: size =   96.00 MiB (  1536 cells,  32 layers,  1/1 seqs), K (q8_0):   51.00 MiB, V (q8_0):   45.00 MiB',
    ]);
    expect(report.context).toEqual({ nCtxSeq: 4096 });
    expect(report.caches.map((c) => [c.role, c.cells, c.streams, c.kType, c.kMiB])).toEqual([
      ['non-swa', 4096, 1, 'f16', 128],
      ['swa', 1536, 1, 'q8_0', 51],
    ]);
  });

  it('DSA caches keep their own roles', () => {
    const report = readRuntimeReport([
      'llama_kv_cache_dsa: creating main KV cache, size = 1024 cells',
      'llama_kv_cache: size =    1.00 MiB (  1024 cells,   1 layers,  1/1 seqs), K (f16):    1.00 MiB, V (f16):    0.00 MiB',
      'llama_kv_cache_dsa: creating indexer KV cache, size = 1024 cells',
      'llama_kv_cache: size =    0.25 MiB (  1024 cells,   1 layers,  1/1 seqs), K (f16):    0.25 MiB, V (f16):    0.00 MiB',
      'llama_kv_cache: size =    0.25 MiB (  1024 cells,   1 layers,  1/1 seqs), K (f16):    0.25 MiB, V (f16):    0.00 MiB',
    ]);
    expect(report.caches.map((c) => c.role)).toEqual(['main', 'indexer', 'kv']);
  });

  it('an empty or unrelated log gives an empty report', () => {
    expect(readRuntimeReport(['hello', '~llama_context:        CPU compute buffer size is   1.7672 MiB'])).toEqual({ caches: [], refusals: [], errors: [] });
  });
});
