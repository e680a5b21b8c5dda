import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/mistral3.cpp', 'llama_model_mistral3::load_arch_hparams');
const tensors = cite('src/models/mistral3.cpp', 'llama_model_mistral3::load_arch_tensors');

export default defineArch({
  name: 'mistral3',
  summary: 'Mistral 3 (Ministral 3, Mistral Small 3.x text): llama-style blocks, every layer global attention, GQA from metadata.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', upstream.createMemory),
  layers: { type: 'all-full', cite: cite('src/models/mistral3.cpp', 'llama_model_mistral3::load_arch_hparams', 'no sliding-window keys are read: swa_type stays NONE') },
  requiredKeys: fact(
    ['attention.layer_norm_rms_epsilon'],
    cite(
      'src/models/mistral3.cpp',
      'llama_model_mistral3::load_arch_hparams',
      'get_key(LLM_KV_ATTENTION_LAYERNORM_RMS_EPS) is required; attention.temperature_scale and rope.scaling.yarn_{beta_fast,beta_slow,log_multiplier} are optional',
    ),
  ),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(false, tensors),
    softcap: fact(null, hparams),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('norm', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/mistral3.cpp', 'llama_model_mistral3::graph')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
  tensors: {
    global: [
      { name: 'token_embd.weight', shape: ['n_embd', 'n_vocab'] },
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
      // Created per layer under one global name (TENSOR_NOT_REQUIRED, duplicated for il > 0): rope_freqs, or the
      // LongRoPE factor pair when rope.scaling.type is longrope.
      { name: 'rope_freqs.weight', shape: ['n_rot/2'], optional: true },
      { name: 'rope_factors_long.weight', shape: ['n_rot/2'], optional: true },
      { name: 'rope_factors_short.weight', shape: ['n_rot/2'], optional: true },
    ],
    // The dense FFN (n_expert == 0). With expert_count > 0 the loader wants ffn_gate_inp / ffn_{gate,up,down}_exps
    // (and *_shexp when expert_shared_feed_forward_length > 0) instead; no mistral3 checkpoint uses that branch.
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      // create_tensor_qkv: a fused attn_qkv (TENSOR_NOT_REQUIRED) or, without it, separate Q/K/V (required) with optional biases.
      {
        name: 'blk.{i}.attn_qkv.weight',
        shape: ['n_embd', 'n_embd_head_k*n_head+n_embd_k_gqa+n_embd_v_gqa'],
        optional: true,
        insteadOf: ['blk.{i}.attn_q.weight', 'blk.{i}.attn_k.weight', 'blk.{i}.attn_v.weight', 'blk.{i}.attn_q.bias', 'blk.{i}.attn_k.bias', 'blk.{i}.attn_v.bias'],
      },
      { name: 'blk.{i}.attn_qkv.bias', shape: ['n_embd_head_k*n_head+n_embd_k_gqa+n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd_head_k*n_head'] },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_k_gqa'] },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_q.bias', shape: ['n_embd_head_k*n_head'], optional: true },
      { name: 'blk.{i}.attn_k.bias', shape: ['n_embd_k_gqa'], optional: true },
      { name: 'blk.{i}.attn_v.bias', shape: ['n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd_head_k*n_head', 'n_embd'] },
      { name: 'blk.{i}.attn_output.bias', shape: ['n_embd'], optional: true },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'] },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_gate.bias', shape: ['n_ff'], optional: true },
      { name: 'blk.{i}.ffn_down.bias', shape: ['n_embd'], optional: true },
      { name: 'blk.{i}.ffn_up.bias', shape: ['n_ff'], optional: true },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 64,
      block_count: 2,
      feed_forward_length: 128,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'attention.key_length': 32,
      'attention.value_length': 32,
      'rope.dimension_count': 32,
      'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
      'rope.freq_base': { f32: 1000000 },
    },
    vocabSize: 320,
    why: 'GQA 2 (4 heads over 2 KV heads) with an explicit head dim 32 whose Q width (128) differs from n_embd (64), as Ministral 3 / Mistral Small 3 do (head dim 128 over n_embd 5120); no SWA keys exist for this arch',
  },
});
