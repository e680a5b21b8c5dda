/**
 * The synthesizer follows the loader's per-layer branches: attention widths from the layer's own
 * head counts (lfm2 / granite-hybrid create_tensor_qkv(..., n_embd_k_gqa(i), ...)) and tensors that
 * exist only on one side of `if (n_expert > 0)` (granite-hybrid load_arch_tensors).
 */
import { archTable } from '@arch-registry/core';
import { planSynthesis } from '@arch-registry/gguf-synth';
import { describe, expect, it } from 'vitest';
import { granite4_h_tiny, lfm2_1_2b } from '../fixtures/models/index.js';

const plan = (fixture: typeof lfm2_1_2b | typeof granite4_h_tiny, overrides: Record<string, number | null> = {}) =>
  planSynthesis(archTable[fixture.arch as 'lfm2' | 'granitehybrid'], 'header-only', { base: 'none', hparams: { ...fixture.hparams, ...overrides }, vocabSize: fixture.vocabSize });
const dims = (tensors: { name: string; dims: readonly number[] }[], name: string) => tensors.find((t) => t.name === name)?.dims;

describe('synthesizer: per-layer loader branches', () => {
  it.each([
    // LFM2-1.2B: layer 0 is a conv layer (head_count_kv 0), layer 2 attends with 8 KV heads of 2048/32 = 64.
    { fixture: lfm2_1_2b, attnLayer: 2, convLayer: 0, kWidth: 8 * 64 },
    // Granite-4.0-H-Tiny: layer 0 is Mamba-2, layer 5 attends with 4 KV heads of 1536/12 = 128.
    { fixture: granite4_h_tiny, attnLayer: 5, convLayer: 0, kWidth: 4 * 128 },
  ])('$fixture.name: attn_k is sized by its own layer’s KV heads, absent on recurrent layers', ({ fixture, attnLayer, convLayer, kWidth }) => {
    const { tensors } = plan(fixture);
    expect(dims(tensors, `blk.${attnLayer}.attn_k.weight`)).toEqual([fixture.hparams.embedding_length, kWidth]);
    expect(dims(tensors, `blk.${convLayer}.attn_k.weight`)).toBeUndefined();
  });

  it.each([
    // 64 experts of width 512 plus the 1024-wide shared expert; no dense FFN.
    { expertCount: 64, present: ['ffn_gate_inp', 'ffn_gate_exps', 'ffn_up_exps', 'ffn_down_exps', 'ffn_gate_shexp', 'ffn_up_shexp', 'ffn_down_shexp'], absent: ['ffn_gate', 'ffn_up', 'ffn_down'] },
    // expert_count removed: the dense branch, and no shared expert even though its width key is set.
    { expertCount: null, present: ['ffn_gate', 'ffn_up', 'ffn_down'], absent: ['ffn_gate_inp', 'ffn_gate_exps', 'ffn_up_exps', 'ffn_down_exps', 'ffn_gate_shexp'] },
  ])('granite-4.0-h-tiny with expert_count $expertCount: FFN tensors of the matching branch only', ({ expertCount, present, absent }) => {
    const { tensors } = plan(granite4_h_tiny, { expert_count: expertCount, expert_used_count: expertCount === null ? null : 6 });
    const names = new Set(tensors.filter((t) => t.name.startsWith('blk.0.')).map((t) => t.name.slice('blk.0.'.length, -'.weight'.length)));
    for (const name of present) expect(names, name).toContain(name);
    for (const name of absent) expect(names, name).not.toContain(name);
    if (expertCount !== null) expect(dims(tensors, 'blk.0.ffn_up_exps.weight')).toEqual([1536, 512, 64]);
  });
});
