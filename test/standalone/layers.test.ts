import { ModelError, type ModelErrorCode, type MetadataValue, archTable, resolveModel } from '@arch-registry/core';
import { describe, expect, it } from 'vitest';
import { deepseekV3, exaone4_1_2b, exaone4_32b, gemma3_27b, gptOss_20b, lfm2_1_2b, llama31_8b, llama4Scout, qwen3_30b_a3b } from '../fixtures/models/index.js';
import type { ModelFixture } from '../fixtures/define-fixture.js';
import { metadataOf } from '../fixtures/metadata-record.js';
import { modelOf } from '../fixtures/resolve.js';

/** Layer indices of a kind, to compare with patterns written out from the runtime's rule. */
function indicesOf(fixture: ModelFixture, kind: string, overrides: Readonly<Record<string, MetadataValue | undefined>> = {}): number[] {
  return modelOf(fixture, overrides)
    .layers.filter((layer) => layer.kind === kind)
    .map((layer) => layer.index);
}

/** `set_swa_pattern(n)` dense-last: layer il is full iff il % n == n − 1. */
const denseLast = (blocks: number, period: number) => Array.from({ length: blocks }, (_, il) => il).filter((il) => il % period === period - 1);

describe('layer kinds follow each arch loader', () => {
  it.each([
    { name: 'exaone4 32B: 64 layers, every 4th full (set_swa_pattern(4))', fixture: exaone4_32b, full: denseLast(64, 4), swa: 48, window: 4096 },
    { name: 'gemma-3-27b: 62 layers, every 6th full (set_swa_pattern(6))', fixture: gemma3_27b, full: denseLast(62, 6), swa: 62 - 10, window: 1024 },
    { name: 'gpt-oss-20b: odd layers full (set_swa_pattern(2))', fixture: gptOss_20b, full: denseLast(24, 2), swa: 12, window: 128 },
  ])('$name', ({ fixture, full, swa, window }) => {
    const model = modelOf(fixture);
    expect(indicesOf(fixture, 'full')).toEqual(full);
    expect(model.layers.filter((l) => l.kind === 'swa')).toHaveLength(swa);
    expect(model.layers.filter((l) => l.kind === 'swa').every((l) => l.window === window)).toBe(true);
    expect(model.memory).toBe('iswa');
  });

  it.each([
    { name: 'exaone4 1.2B (30 layers): SWA only when n_layer == 64', fixture: exaone4_1_2b, blocks: 30, overrides: {} },
    { name: 'exaone4 1.2B with a window key: still no SWA', fixture: exaone4_1_2b, blocks: 30, overrides: { 'attention.sliding_window': 4096 } },
    { name: 'gemma3 without sliding_window: all full', fixture: gemma3_27b, blocks: 62, overrides: { 'attention.sliding_window': undefined } },
    { name: 'gemma3 with sliding_window 0: all full', fixture: gemma3_27b, blocks: 62, overrides: { 'attention.sliding_window': 0 } },
    { name: 'llama: all full', fixture: llama31_8b, blocks: 32, overrides: {} },
    { name: 'qwen3moe: all full', fixture: qwen3_30b_a3b, blocks: 48, overrides: {} },
  ])('$name', ({ fixture, blocks, overrides }) => {
    const model = modelOf(fixture, overrides);
    expect(model.layers).toHaveLength(blocks);
    expect(model.layers.every((l) => l.kind === 'full' && l.window === null && l.ownsKv)).toBe(true);
    expect(model.memory).toBe('kv');
  });

  it('exaone4 32B: the window defaults to 4096 when the key is absent', () => {
    const model = modelOf(exaone4_32b, { 'attention.sliding_window': undefined });
    expect(model.hparams.swa?.window).toBe(4096);
  });

  it('exaone4 32B: a scalar sliding_window_pattern overrides the period', () => {
    expect(indicesOf(exaone4_32b, 'full', { 'attention.sliding_window_pattern': 2 })).toEqual(denseLast(64, 2));
  });

  it('exaone4 32B: a per-layer array pattern is ignored by the pinned runtime, with a note', () => {
    const everyOther = Array.from({ length: 64 }, (_, il) => il % 2 === 0);
    const model = modelOf(exaone4_32b, { 'attention.sliding_window_pattern': everyOther });
    expect(model.layers.filter((l) => l.kind === 'full').map((l) => l.index)).toEqual(denseLast(64, 4));
    expect(model.hparams.notes.map((n) => n.code)).toContain('SWA_PATTERN_ARRAY_IGNORED');
  });

  it('a window at least the training context loads (the runtime accepts it) with a note that the SWA layers save nothing', () => {
    // gpt-oss-20b: context_length 131072; a window of 131072 keeps every token the model was trained on.
    const model = modelOf(gptOss_20b, { 'attention.sliding_window': 131072 });
    expect(model.layers.filter((l) => l.kind === 'swa')).toHaveLength(12);
    const note = model.hparams.notes.find((n) => n.code === 'SWA_WINDOW_COVERS_CONTEXT');
    expect(note?.message).toContain('gpt-oss.attention.sliding_window (131072) is not smaller than gpt-oss.context_length (131072)');
    expect(modelOf(gptOss_20b).hparams.notes.map((n) => n.code)).not.toContain('SWA_WINDOW_COVERS_CONTEXT');
  });

  it('exaone4 with an MTP layer (block_count 65, nextn 1): n_layer is 64, so SWA applies, and the MTP layer keeps KV', () => {
    const model = modelOf(exaone4_32b, { block_count: 65, nextn_predict_layers: 1 });
    expect(model.hparams.nLayer).toBe(64);
    expect(model.layers.filter((l) => l.kind === 'swa')).toHaveLength(48);
    const mtp = model.layers[64];
    expect(mtp).toMatchObject({ isMtp: true, kind: 'full', ownsKv: true, window: null });
  });

  it('llama4 Scout: 48 layers, every 4th full (set_swa_pattern(4)), the other 36 chunked with the forced window 8192', () => {
    const model = modelOf(llama4Scout);
    expect(model.memory).toBe('iswa');
    expect(indicesOf(llama4Scout, 'full')).toEqual(denseLast(48, 4));
    const chunked = model.layers.filter((l) => l.kind === 'chunked');
    expect(chunked).toHaveLength(48 - 12);
    expect(chunked.every((l) => l.window === 8192)).toBe(true);
  });

  it.each([
    { name: 'a sliding_window of 4096 is overwritten with 8192', overrides: { 'attention.sliding_window': 4096 } },
    { name: 'a sliding_window of 131072 is overwritten with 8192', overrides: { 'attention.sliding_window': 131072 } },
  ])('llama4: $name', ({ overrides }) => {
    expect(modelOf(llama4Scout, overrides).hparams.swa?.window).toBe(8192);
  });

  it('llama4: NoPE on (il + 1) % 4 == 0 (n_no_rope_layer_step 4), RoPE elsewhere', () => {
    const nope = Array.from({ length: 48 }, (_, il) => il).filter((il) => (il + 1) % 4 === 0);
    expect(modelOf(llama4Scout).layers.filter((l) => !l.rope).map((l) => l.index)).toEqual(nope);
  });

  it('llama4: sliding_window_pattern 2 moves the full layers to odd indices, but NoPE stays every 4th (not read from a key)', () => {
    const model = modelOf(llama4Scout, { 'attention.sliding_window_pattern': 2 });
    expect(model.layers.filter((l) => l.kind === 'full').map((l) => l.index)).toEqual(denseLast(48, 2));
    expect(model.layers.filter((l) => !l.rope).map((l) => l.index)).toEqual(denseLast(48, 4));
  });

  it('llama4 with sliding_window 0 is refused: the runtime loads it (plain KV, last layer NoPE) but aborts at the first decode', () => {
    expect(() => modelOf(llama4Scout, { 'attention.sliding_window': 0 })).toThrow(/llama4\.attention\.sliding_window is 0: .*aborts at the first decode \(GGML_ASSERT\(f_attn_temp_scale != 0\.0f\)/);
  });

  it('deepseek2 with MLA keys: every layer is mla with K 576 / V 512 and one KV head', () => {
    const model = modelOf(deepseekV3);
    expect(model.layers).toHaveLength(61);
    expect(model.layers.every((l) => l.kind === 'mla' && l.headDimK === 576 && l.headDimV === 512 && l.headCountKv === 1)).toBe(true);
    expect(model.hparams.mla).toEqual({ kvLoraRank: 512, headDimKMla: 192, headDimVMla: 128 });
  });

  it('deepseek2 without the *_mla keys (legacy GGUF): plain attention', () => {
    const model = modelOf(deepseekV3, { 'attention.key_length_mla': undefined, 'attention.value_length_mla': undefined });
    expect(model.hparams.mla).toBeNull();
    expect(model.layers.every((l) => l.kind === 'full')).toBe(true);
  });

  it('head dims default to n_embd / n_head(0) when key_length is absent', () => {
    const model = modelOf(llama31_8b);
    // 4096 / 32 = 128
    expect(model.layers[0]).toMatchObject({ headDimK: 128, headDimV: 128, headCount: 32, headCountKv: 8 });
  });

  it('per-layer head arrays are read per layer', () => {
    const kv = Array.from({ length: 32 }, (_, il) => (il < 16 ? 8 : 4));
    const model = modelOf(llama31_8b, { 'attention.head_count_kv': kv });
    expect(model.layers.map((l) => l.headCountKv)).toEqual(kv);
  });
});

describe('bad metadata gets a typed error naming the key and the file', () => {
  it.each<{ name: string; fixture: ModelFixture; overrides: Record<string, MetadataValue | undefined>; code: ModelErrorCode; key: string }>([
    { name: 'per-layer array of the wrong length', fixture: llama31_8b, overrides: { 'attention.head_count_kv': [8, 8, 8] }, code: 'BAD_ARRAY_LENGTH', key: 'llama.attention.head_count_kv' },
    { name: 'heads not divisible by KV heads', fixture: llama31_8b, overrides: { 'attention.head_count_kv': 6 }, code: 'HEADS_NOT_DIVISIBLE', key: 'llama.attention.head_count_kv' },
    { name: 'missing block_count', fixture: llama31_8b, overrides: { block_count: undefined }, code: 'MISSING_KEY', key: 'llama.block_count' },
    { name: 'missing rms epsilon (required by every loader here)', fixture: qwen3_30b_a3b, overrides: { 'attention.layer_norm_rms_epsilon': undefined }, code: 'MISSING_KEY', key: 'qwen3moe.attention.layer_norm_rms_epsilon' },
    { name: 'llama4 without interleave_moe_layer_step', fixture: llama4Scout, overrides: { interleave_moe_layer_step: undefined }, code: 'MISSING_KEY', key: 'llama4.interleave_moe_layer_step' },
    { name: 'llama4 without experts ("cannot have zero experts")', fixture: llama4Scout, overrides: { expert_count: undefined }, code: 'MISSING_KEY', key: 'llama4.expert_count' },
    { name: 'qwen3moe without experts', fixture: qwen3_30b_a3b, overrides: { expert_count: undefined }, code: 'MISSING_KEY', key: 'qwen3moe.expert_count' },
    { name: 'gpt-oss without its required window', fixture: gptOss_20b, overrides: { 'attention.sliding_window': undefined }, code: 'MISSING_KEY', key: 'gpt-oss.attention.sliding_window' },
    { name: 'llama n_rot ≠ head dim ("invalid n_rot")', fixture: llama31_8b, overrides: { 'rope.dimension_count': 64 }, code: 'BAD_VALUE', key: 'llama.rope.dimension_count' },
    { name: 'a pattern of 1 leaves no SWA layer (runtime asserts)', fixture: exaone4_32b, overrides: { 'attention.sliding_window_pattern': 1 }, code: 'BAD_VALUE', key: 'exaone4.attention.sliding_window_pattern' },
    { name: 'a string where a count belongs', fixture: llama31_8b, overrides: { 'attention.head_count': 'thirty-two' }, code: 'BAD_VALUE', key: 'llama.attention.head_count' },
    { name: 'block_count over LLAMA_MAX_LAYERS', fixture: llama31_8b, overrides: { block_count: 513 }, code: 'BAD_VALUE', key: 'llama.block_count' },
    { name: 'a window of 0 on exaone4 32B masks every position (is_masked_swa)', fixture: exaone4_32b, overrides: { 'attention.sliding_window': 0 }, code: 'BAD_VALUE', key: 'exaone4.attention.sliding_window' },
    { name: 'a window of 0 on gpt-oss (required key)', fixture: gptOss_20b, overrides: { 'attention.sliding_window': 0 }, code: 'BAD_VALUE', key: 'gpt-oss.attention.sliding_window' },
    { name: 'an arch without a plugin', fixture: llama31_8b, overrides: { 'general.architecture': 'lama' }, code: 'UNKNOWN_ARCH', key: 'general.architecture' },
  ])('$name → $code on $key', ({ fixture, overrides, code, key }) => {
    let caught: unknown;
    try {
      modelOf(fixture, overrides);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ModelError);
    const error = caught as ModelError;
    expect({ code: error.code, key: error.key }).toEqual({ code, key });
    expect(error.message).toContain(`${fixture.name}.gguf`);
    expect(error.fix.length).toBeGreaterThan(10);
  });

  it('an arch the registry marks unsupported is refused with its reason', () => {
    const unsupported = { ...archTable.llama, status: { supported: false as const, reason: 'no model class in the pinned runtime (llama.cpp v0.4.0)' } };
    let caught: unknown;
    try {
      resolveModel(metadataOf(llama31_8b), { llama: unsupported }, 'llama.gguf');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ModelError);
    expect((caught as ModelError).code).toBe('ARCH_UNSUPPORTED');
    expect((caught as ModelError).message).toContain('no model class in the pinned runtime');
  });

  it('lfm2 without a window (or with 0) is plain hybrid; with one, every attention layer takes it (is_swa = !is_recr) and the cache splits', () => {
    expect(modelOf(lfm2_1_2b)).toMatchObject({ memory: 'hybrid', swaCache: false });
    expect(modelOf(lfm2_1_2b, { 'attention.sliding_window': 0 }).layers.filter((l) => l.kind === 'full')).toHaveLength(6);
    const windowed = modelOf(lfm2_1_2b, { 'attention.sliding_window': 4096 });
    expect(windowed).toMatchObject({ memory: 'hybrid', swaCache: true });
    // The published layout: attention at layers 2, 5, 8, 10, 12, 14; the rest short conv.
    expect(windowed.layers.filter((l) => l.kind === 'swa' && l.window === 4096).map((l) => l.index)).toEqual([2, 5, 8, 10, 12, 14]);
    expect(windowed.layers.filter((l) => l.kind === 'recurrent')).toHaveLength(16 - 6);
  });

  it('an unknown arch suggests the closest plugin and the add command', () => {
    expect(() => modelOf(llama31_8b, { 'general.architecture': 'lama' })).toThrow(/Did you mean "llama"\?.*npx arch-registry add lama --from/);
  });
});
