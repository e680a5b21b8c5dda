import { type ArchPlugin, type CacheType, ModelError, type Placement, type TensorInfo, archTable, planContext, planKvCache, planWeights, resolveModel, tensorBytes } from '@arch-registry/core';
import { describe, expect, it } from 'vitest';
import { gemma3n_e4b, llama31_8b } from '../fixtures/models/index.js';
import { metadataOf } from '../fixtures/metadata-record.js';
import { modelOf } from '../fixtures/resolve.js';

const MiB = 1024 * 1024;
const decision = (k: CacheType, v: CacheType = k, vTransposed = false) => ({ cacheTypeK: k, cacheTypeV: v, vTransposed });

/** gemma3n with its hard-coded start replaced by gemma4's rule: block_count − attention.shared_kv_layers. */
const countKeyPlugin: ArchPlugin = {
  ...archTable.gemma3n,
  kvSharing: { ...archTable.gemma3n.kvSharing, value: { type: 'tail', start: { type: 'shared-count-key', key: 'attention.shared_kv_layers' } } },
};

describe('layers from n_layer_kv_from_start on reuse an earlier layer’s K/V', () => {
  it.each([
    // set_swa_pattern(5): il % 5 == 4 is full. Start 20 (gemma3n hard-codes it; 35 − 15 with the count key).
    { name: 'gemma3n E4B (fixed start 20)', archs: archTable, blocks: 35, overrides: {} },
    { name: 'count key: 35 − shared_kv_layers 15', archs: { gemma3n: countKeyPlugin }, blocks: 35, overrides: {} },
    { name: 'E2B shape: 30 layers, start still 20', archs: archTable, blocks: 30, overrides: { block_count: 30, 'attention.sliding_window_pattern': undefined } },
  ])('$name', ({ archs, blocks, overrides }) => {
    const model = resolveModel(metadataOf(gemma3n_e4b, overrides), archs);
    const expected = Array.from({ length: blocks }, (_, il) => {
      const kind = il % 5 === 4 ? 'full' : 'swa';
      return { index: il, kind, ownsKv: il < 20, kvSource: il < 20 ? null : kind === 'swa' ? 18 : 19 };
    });
    expect(model.hparams.kvShareStart).toBe(20);
    expect(model.layers.map(({ index, kind, ownsKv, kvSource }) => ({ index, kind, ownsKv, kvSource }))).toEqual(expected);
  });

  it('the count key sets the start: 35 − 10 = 25, so only layers 25-34 share', () => {
    const model = resolveModel(metadataOf(gemma3n_e4b, { 'attention.shared_kv_layers': 10 }), { gemma3n: countKeyPlugin });
    expect(model.hparams.kvShareStart).toBe(25);
    expect(model.layers.filter((l) => !l.ownsKv).map((l) => l.index)).toEqual(Array.from({ length: 10 }, (_, i) => 25 + i));
    // start − 2 = 23 is SWA, start − 1 = 24 full.
    expect(new Set(model.layers.map((l) => l.kvSource))).toEqual(new Set([null, 23, 24]));
  });

  it('no shared layers when the count key is absent (n_layer_kv_from_start = n_layer_all)', () => {
    const model = resolveModel(metadataOf(gemma3n_e4b, { 'attention.shared_kv_layers': undefined }), { gemma3n: countKeyPlugin });
    expect(model.hparams.kvShareStart).toBeNull();
    expect(model.layers.every((l) => l.ownsKv && l.kvSource === null)).toBe(true);
  });

  it('plugins without sharing keep every layer’s K/V', () => {
    const model = modelOf(llama31_8b);
    expect(model.hparams.kvShareStart).toBeNull();
    expect(model.layers.every((l) => l.ownsKv && l.kvSource === null)).toBe(true);
  });

  it.each([
    // Period 3: layer 19 (19 % 3 = 1) is SWA, but full layers from 20 on reuse 19 from the non-SWA cache.
    { name: 'a period that makes layer start − 1 a sliding-window layer', archs: archTable, overrides: { 'attention.sliding_window_pattern': 3 }, key: 'gemma3n.block_count', problem: 'layer 19' },
    // Period 6: 19 % 6 = 1 < 5, so layer 19 is SWA again.
    { name: 'period 6: layer 19 is SWA', archs: archTable, overrides: { 'attention.sliding_window_pattern': 6 }, key: 'gemma3n.block_count', problem: 'layer 19' },
    { name: 'a count that leaves one owning layer', archs: { gemma3n: countKeyPlugin }, overrides: { 'attention.shared_kv_layers': 34 }, key: 'gemma3n.attention.shared_kv_layers', problem: 'fewer than 2' },
  ])('refused like the runtime’s assert: $name', ({ archs, overrides, key, problem }) => {
    let error: unknown;
    try {
      resolveModel(metadataOf(gemma3n_e4b, overrides), archs, 'model.gguf');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: 'BAD_VALUE', key, file: 'model.gguf' });
    expect((error as ModelError).problem).toContain(problem);
  });

  it.each([2, 4, 5, 10])('scalar period %i keeps layer 18 SWA and 19 full, so it loads', (period) => {
    const model = modelOf(gemma3n_e4b, { 'attention.sliding_window_pattern': period });
    expect([model.layers[18]?.kind, model.layers[19]?.kind]).toEqual(['swa', 'full']);
  });
});

describe('the KV plan leaves sharing layers out, as llama_kv_cache does', () => {
  // E4B: 2 KV heads × 256 = 512 wide; owning layers 0-19: full 4, 9, 14, 19 (4) and 16 SWA.
  it('gemma-3n E4B f16 at 32768, 1 seq: non-SWA 4 layers × 32768 cells, SWA 16 layers × pad256(512 + 512) cells', () => {
    const model = modelOf(gemma3n_e4b);
    const kv = planKvCache(model, decision('f16'), planContext(model, { nCtx: 32768, nUbatch: 512 }));
    const row = 512 * 2;
    expect(kv.caches).toEqual([
      { role: 'non-swa', cells: 32768, layers: 4, kBytes: 4 * 32768 * row, vBytes: 4 * 32768 * row },
      { role: 'swa', cells: 1024, layers: 16, kBytes: 16 * 1024 * row, vBytes: 16 * 1024 * row },
    ]);
    expect(kv.bytes / MiB).toBe(256 + 32);
    expect(kv.layers.map((l) => l.index)).toEqual(Array.from({ length: 20 }, (_, il) => il));
  });
});

describe('a tied output created before token_embd is loaded twice', () => {
  it('gemma3n (tiedOutputBeforeTokenEmbd): CPU weights count token_embd once more; llama (no flag) does not', () => {
    const model = modelOf(gemma3n_e4b);
    // ggml type ids: 8 = Q8_0, 0 = F32.
    const embdInfo: TensorInfo = { name: 'token_embd.weight', shape: [2048, 262144], type: 8, offset: 0n };
    const tensors: TensorInfo[] = [embdInfo, { name: 'blk.0.attn_norm.weight', shape: [2048], type: 0, offset: 0n }];
    const embd = tensorBytes(embdInfo);
    // Q8_0: 34 B per 32 elements.
    expect(embd).toBe((2048 / 32) * 34 * 262144);
    // One block plus the output slot, both on the host (CPU only).
    const host: Placement[] = [{ kind: 'host' }, { kind: 'host' }];
    const once = planWeights(tensors, 1, host, 0);
    const twice = planWeights(tensors, 1, host, 0, model.arch.tensors.tiedOutputBeforeTokenEmbd === true);
    expect(twice.bytes - once.bytes).toBe(embd);
    expect(twice.hostBytes - once.hostBytes).toBe(embd);
    expect(modelOf(llama31_8b).arch.tensors.tiedOutputBeforeTokenEmbd).toBeUndefined();
  });
});
