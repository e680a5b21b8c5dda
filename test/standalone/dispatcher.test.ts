import { type AttentionRequest, type BackendName, type DispatchResult, type ReasonCode, getBackend, resolveAttention } from '@arch-registry/core';
import { describe, expect, it } from 'vitest';
import { deepseekV3, exaone4_32b, llama31_8b } from '../fixtures/models/index.js';
import { modelOf } from '../fixtures/resolve.js';
import { defineFixture } from '../fixtures/define-fixture.js';

/** A llama-layout model with a chosen head dim: 8 heads, 2 KV heads (GQA 4), so only the head dim varies. */
function headDimModel(headDim: number) {
  return modelOf(llama31_8b, {
    embedding_length: headDim * 8,
    'attention.head_count': 8,
    'attention.head_count_kv': 2,
    'rope.dimension_count': headDim,
  });
}

const grok = defineFixture({
  name: 'grok-tiny',
  arch: 'grok',
  source: 'a small grok layout: the FA rule depends only on the arch name',
  hparams: { context_length: 8192, embedding_length: 1024, block_count: 4, expert_count: 8, expert_used_count: 2, 'attention.head_count': 8, 'attention.head_count_kv': 8, 'attention.layer_norm_rms_epsilon': 1e-5 },
  vocabSize: 320,
});

interface Row {
  readonly name: string;
  readonly model: () => ReturnType<typeof modelOf>;
  readonly backend: BackendName;
  readonly request: AttentionRequest;
  /** The upstream rule that makes the expected value true. */
  readonly rule: string;
  readonly expect:
    | { readonly flashAttention: boolean; readonly cacheTypeK: string; readonly cacheTypeV: string; readonly reason: ReasonCode }
    | { readonly refusal: ReasonCode };
}

const rows: readonly Row[] = [
  {
    name: 'exaone4 32B on cuda with q8_0/q8_0',
    model: () => modelOf(exaone4_32b),
    backend: 'cuda',
    request: { flashAttention: 'auto', cacheTypeK: 'q8_0', cacheTypeV: 'q8_0' },
    rule: 'quantized V turns AUTO into ENABLED (llama_init_from_model); 128 % 32 == 0; cuda has a 128/128 kernel and q8_0-q8_0 (fattn.cu)',
    expect: { flashAttention: true, cacheTypeK: 'q8_0', cacheTypeV: 'q8_0', reason: 'FA_ENABLED_FOR_QUANTIZED_V' },
  },
  {
    name: 'head dim 96, q8_0, FA on',
    model: () => headDimModel(96),
    backend: 'cuda',
    request: { flashAttention: 'on', cacheTypeK: 'q8_0', cacheTypeV: 'q8_0' },
    rule: '96 % 32 == 0 (block check), and cuda has a 96/96 kernel',
    expect: { flashAttention: true, cacheTypeK: 'q8_0', cacheTypeV: 'q8_0', reason: 'FA_ON_AS_REQUESTED' },
  },
  {
    name: 'head dim 80 (EXAONE 3.5), q8_0 K',
    model: () => headDimModel(80),
    backend: 'cuda',
    request: { flashAttention: 'on', cacheTypeK: 'q8_0', cacheTypeV: 'f16' },
    rule: '80 % 32 == 16 ≠ 0: "K cache type q8_0 with block size 32 does not divide n_embd_head_k=80"',
    expect: { refusal: 'K_BLOCK_SIZE' },
  },
  {
    name: 'head dim 72, q8_0 V under auto',
    model: () => headDimModel(72),
    backend: 'cpu',
    request: { flashAttention: 'auto', cacheTypeK: 'f16', cacheTypeV: 'q8_0' },
    rule: 'quantized V forces FA on, then 72 % 32 == 8 ≠ 0 fails the V block check',
    expect: { refusal: 'V_BLOCK_SIZE' },
  },
  {
    name: 'quantized V with -fa off',
    model: () => modelOf(llama31_8b),
    backend: 'cpu',
    request: { flashAttention: 'off', cacheTypeK: 'f16', cacheTypeV: 'q8_0' },
    rule: '"quantized V cache requires flash_attn to be enabled": no context',
    expect: { refusal: 'QUANTIZED_V_NEEDS_FA' },
  },
  {
    name: 'quantized V with auto',
    model: () => modelOf(llama31_8b),
    backend: 'cpu',
    request: { flashAttention: 'auto', cacheTypeK: 'f16', cacheTypeV: 'q4_0' },
    rule: '"enabling flash_attn since it is required for quantized V cache"',
    expect: { flashAttention: true, cacheTypeK: 'f16', cacheTypeV: 'q4_0', reason: 'FA_ENABLED_FOR_QUANTIZED_V' },
  },
  {
    name: 'quantized K alone with -fa off',
    model: () => modelOf(llama31_8b),
    backend: 'cpu',
    request: { flashAttention: 'off', cacheTypeK: 'q8_0', cacheTypeV: 'f16' },
    rule: 'only a quantized V needs FA; the block check runs only when FA is not DISABLED',
    expect: { flashAttention: false, cacheTypeK: 'q8_0', cacheTypeV: 'f16', reason: 'FA_OFF_AS_REQUESTED' },
  },
  {
    name: 'grok',
    model: () => modelOf(grok),
    backend: 'cpu',
    request: { flashAttention: 'auto' },
    rule: '"flash_attn is not compatible with Grok - forcing off"',
    expect: { flashAttention: false, cacheTypeK: 'f16', cacheTypeV: 'f16', reason: 'FA_FORCED_OFF_BY_ARCH' },
  },
  {
    name: 'deepseek2 MLA with K q8_0 / V f16',
    model: () => modelOf(deepseekV3),
    backend: 'cpu',
    request: { flashAttention: 'auto', cacheTypeK: 'q8_0', cacheTypeV: 'f16' },
    rule: 'is_mla() && type_k != type_v: "model does not support different K (q8_0) and V (f16) cache types"',
    expect: { refusal: 'KV_TYPES_MUST_MATCH' },
  },
  {
    name: 'metal with K q8_0 ≠ V f16',
    model: () => modelOf(llama31_8b),
    backend: 'metal',
    request: { flashAttention: 'auto', cacheTypeK: 'q8_0', cacheTypeV: 'f16' },
    rule: 'ggml_metal_device_supports_op: K->type must equal V->type, so the auto probe turns FA off',
    expect: { flashAttention: false, cacheTypeK: 'q8_0', cacheTypeV: 'f16', reason: 'FA_AUTO_DISABLED_BY_BACKEND' },
  },
  {
    name: 'iq4_nl K on cuda',
    model: () => modelOf(llama31_8b),
    backend: 'cuda',
    request: { flashAttention: 'auto', cacheTypeK: 'iq4_nl', cacheTypeV: 'f16' },
    rule: 'ggml_cuda_fattn_kv_type_supported rejects iq4_nl: the auto probe turns FA off',
    expect: { flashAttention: false, cacheTypeK: 'iq4_nl', cacheTypeV: 'f16', reason: 'FA_AUTO_DISABLED_BY_BACKEND' },
  },
  {
    name: 'iq4_nl V on cuda',
    model: () => modelOf(llama31_8b),
    backend: 'cuda',
    request: { flashAttention: 'auto', cacheTypeK: 'iq4_nl', cacheTypeV: 'iq4_nl' },
    rule: 'quantized V forces FA on without a probe; cuda lacks iq4_nl, so the scheduler runs the FA op on the CPU',
    expect: { flashAttention: true, cacheTypeK: 'iq4_nl', cacheTypeV: 'iq4_nl', reason: 'FA_OP_ON_CPU' },
  },
  {
    name: 'head dim 48 on cuda under auto',
    model: () => headDimModel(48),
    backend: 'cuda',
    request: { flashAttention: 'auto' },
    rule: 'ggml_cuda_get_best_fattn_kernel has no case for 48: the auto probe turns FA off',
    expect: { flashAttention: false, cacheTypeK: 'f16', cacheTypeV: 'f16', reason: 'FA_AUTO_DISABLED_BY_BACKEND' },
  },
  {
    name: 'head dim 48 on metal under auto',
    model: () => headDimModel(48),
    backend: 'metal',
    request: { flashAttention: 'auto' },
    rule: 'metal lists 48 among its Q head dims',
    expect: { flashAttention: true, cacheTypeK: 'f16', cacheTypeV: 'f16', reason: 'FA_AUTO_ENABLED' },
  },
  {
    name: 'q5_1 on cuda (default build)',
    model: () => modelOf(llama31_8b),
    backend: 'cuda',
    request: { flashAttention: 'auto', cacheTypeK: 'q5_1', cacheTypeV: 'f16' },
    rule: 'ggml_cuda_fattn_kv_type_supported: q5_1 needs GGML_CUDA_FA_ALL_QUANTS, which node-llama-cpp does not set',
    expect: { flashAttention: false, cacheTypeK: 'q5_1', cacheTypeV: 'f16', reason: 'FA_AUTO_DISABLED_BY_BACKEND' },
  },
  {
    name: 'vulkan mixes K q8_0 and V f16',
    model: () => modelOf(llama31_8b),
    backend: 'vulkan',
    request: { flashAttention: 'auto', cacheTypeK: 'q8_0', cacheTypeV: 'f16' },
    rule: 'ggml_backend_vk_device_supports_op: any mix of the nine types, bf16 excepted',
    expect: { flashAttention: true, cacheTypeK: 'q8_0', cacheTypeV: 'f16', reason: 'FA_AUTO_ENABLED' },
  },
  {
    name: 'deepseek2 MLA (576/512, GQA 128) on cuda',
    model: () => modelOf(deepseekV3),
    backend: 'cuda',
    request: { flashAttention: 'auto' },
    rule: 'cuda accepts 576/512 with the GQA kernel: 128 heads over 1 KV head',
    expect: { flashAttention: true, cacheTypeK: 'f16', cacheTypeV: 'f16', reason: 'FA_AUTO_ENABLED' },
  },
];

function outcome(result: DispatchResult) {
  if (!result.ok) return { refusal: result.refusal.code };
  return { flashAttention: result.decision.flashAttention, cacheTypeK: result.decision.cacheTypeK, cacheTypeV: result.decision.cacheTypeV };
}

describe('resolveAttention mirrors llama_init_from_model and the FA auto probe', () => {
  it.each(rows)('$name → $rule', (row) => {
    const result = resolveAttention({ model: row.model(), backend: getBackend(row.backend), request: row.request });
    if ('refusal' in row.expect) {
      expect(outcome(result)).toEqual({ refusal: row.expect.refusal });
      return;
    }
    const { reason, ...decision } = row.expect;
    expect(outcome(result)).toEqual(decision);
    expect(result.ok && result.decision.reasons.map((r) => r.code)).toContain(reason);
  });

  it('gives every reason a stable code, a message, a severity and the upstream rule', () => {
    for (const row of rows) {
      const result = resolveAttention({ model: row.model(), backend: getBackend(row.backend), request: row.request });
      const reasons = result.ok ? result.decision.reasons : result.reasons;
      expect(reasons.length, row.name).toBeGreaterThan(0);
      for (const r of reasons) {
        expect(r.message.length, `${row.name}: ${r.code}`).toBeGreaterThan(20);
        expect(r.rule.file).toMatch(/^(src|ggml)\//);
        expect(r.rule.fn.length).toBeGreaterThan(0);
      }
    }
  });

  it('names the refusing layer and the fix in a block-size refusal', () => {
    const result = resolveAttention({ model: headDimModel(80), backend: getBackend('cuda'), request: { flashAttention: 'on', cacheTypeK: 'q8_0' } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.refusal.message).toContain('block size 32');
      expect(result.refusal.message).toContain('head dim 80');
      expect(result.refusal.message).toMatch(/use f16, bf16 or f32/);
    }
  });

  it('applies the backend rules only to offloading backends: cpu accepts head dim 48 and iq4_nl', () => {
    const dims = resolveAttention({ model: headDimModel(48), backend: getBackend('cpu'), request: {} });
    expect(outcome(dims)).toEqual({ flashAttention: true, cacheTypeK: 'f16', cacheTypeV: 'f16' });
    const types = resolveAttention({ model: headDimModel(128), backend: getBackend('cpu'), request: { cacheTypeK: 'iq4_nl', cacheTypeV: 'f16' } });
    expect(outcome(types)).toEqual({ flashAttention: true, cacheTypeK: 'iq4_nl', cacheTypeV: 'f16' });
  });

  it('passes a window that covers the whole training context on as a warning, the settings unchanged', () => {
    const result = resolveAttention({ model: modelOf(exaone4_32b, { 'attention.sliding_window': 131072 }), backend: getBackend('cpu'), request: {} });
    expect(outcome(result)).toEqual({ flashAttention: true, cacheTypeK: 'f16', cacheTypeV: 'f16' });
    const reasons = result.ok ? result.decision.reasons : result.reasons;
    expect(reasons.filter((r) => r.severity === 'warning').map((r) => r.code)).toContain('SWA_WINDOW_COVERS_CONTEXT');
  });
});
