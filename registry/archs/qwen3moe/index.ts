import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/qwen3moe.cpp', 'llama_model_qwen3moe::load_arch_hparams');
const tensors = cite('src/models/qwen3moe.cpp', 'llama_model_qwen3moe::load_arch_tensors');

export default defineArch({
  name: 'qwen3moe',
  summary: 'Qwen3 mixture-of-experts (30B-A3B, 235B-A22B): global attention with Q/K RMS-norm, routed experts.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', upstream.createMemory),
  layers: { type: 'all-full', cite: hparams },
  requiredKeys: fact(
    ['attention.layer_norm_rms_epsilon', 'expert_count', 'expert_used_count'],
    cite('src/models/qwen3moe.cpp', 'llama_model_qwen3moe::load_arch_tensors', 'throws "n_expert must be > 0 for QWEN3MOE"'),
  ),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(true, tensors),
    softcap: fact(null, hparams),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/qwen3moe.cpp', 'llama_model_qwen3moe::graph')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
  graph: {
    moe: fact({ gating: 'softmax', normalizeWeights: true }, cite('src/models/qwen3moe.cpp', 'llama_model_qwen3moe::graph', 'build_moe_ffn(..., LLM_FFN_SILU, norm_w true, expert_weights_scale (not loaded: 0), LLAMA_EXPERT_GATING_FUNC_TYPE_SOFTMAX)')),
  },
  tensors: {
    global: [
      { name: 'token_embd.weight', shape: ['n_embd', 'n_vocab'] },
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
    ],
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd_head_k*n_head'] },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd_head_k*n_head', 'n_embd'] },
      { name: 'blk.{i}.attn_k_norm.weight', shape: ['n_embd_head_k'], init: 'ones' },
      { name: 'blk.{i}.attn_q_norm.weight', shape: ['n_embd_head_k'], init: 'ones' },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate_inp.weight', shape: ['n_embd', 'n_expert'] },
      // n_ff_exp falls back to n_ff / n_expert_used when expert_feed_forward_length is absent.
      { name: 'blk.{i}.ffn_gate_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'] },
      { name: 'blk.{i}.ffn_down_exps.weight', shape: ['n_ff_exp', 'n_embd', 'n_expert'] },
      { name: 'blk.{i}.ffn_up_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'] },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 64,
      block_count: 2,
      feed_forward_length: 128,
      expert_feed_forward_length: 32,
      expert_count: 4,
      expert_used_count: 2,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'attention.key_length': 32,
      'attention.value_length': 32,
      'attention.layer_norm_rms_epsilon': { f32: 1e-6 },
      'rope.freq_base': { f32: 1000000 },
    },
    vocabSize: 320,
    why: 'GQA 2 (4 heads over 2 KV heads) with an explicit head dim 32 whose Q width differs from n_embd, Q/K norms, and 2 of 4 routed experts so the loader\'s n_expert > 0 checks pass',
  },
});
