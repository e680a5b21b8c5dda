import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/exaone4.cpp', 'llama_model_exaone4::load_arch_hparams');
const tensors = cite('src/models/exaone4.cpp', 'llama_model_exaone4::load_arch_tensors');

export default defineArch({
  name: 'exaone4',
  summary: 'LG EXAONE 4.0: 32B interleaves 3 sliding-window layers (window 4096) with 1 global layer; 1.2B is all global.',
  status: { supported: true },
  kind: fact('decoder', cite('src/llama-model.cpp', 'llama_model::create_memory', 'default branch: a causal KV cache')),
  memory: fact('iswa', cite('src/llama-model.cpp', 'llama_model::create_memory', 'llama_kv_cache_iswa when swa_type != NONE, else llama_kv_cache')),
  layers: {
    type: 'swa',
    swaType: 'standard',
    period: 4,
    denseFirst: false,
    patternKey: 'scalar',
    window: { required: false, default: 4096 },
    activation: { type: 'n-layer-equals', nLayer: 64 },
    cite: cite('src/models/exaone4.cpp', 'llama_model_exaone4::load_arch_hparams', 'SWA only when n_layer() == 64 (32B): n_swa 4096, set_swa_pattern(4)'),
  },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon'], hparams),
  mtp: fact('kept-in-kv', cite('src/llama-model.cpp', 'llama_model::create_memory', 'no nextn filter for exaone4: llama_kv_cache walks all n_layer_all layers')),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(true, cite('src/models/exaone4.cpp', 'llama_model_exaone4::load_arch_tensors', 'attn_q_norm / attn_k_norm {n_embd_head_k}')),
    softcap: fact(null, hparams),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'full-attention-layers' }, cite('src/models/exaone4.cpp', 'llama_model_exaone4::graph', 'with SWA, RoPE is applied on SWA layers only: global layers are NoPE')),
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
    ],
    // Post-norm blocks: no attn_norm / ffn_norm. The loop runs over n_layer_all, so trailing MTP
    // layers carry the trunk tensors too (TENSOR_SKIP: present but not loaded), except Q/K/V, which
    // create_tensor_qkv makes TENSOR_NOT_REQUIRED under TENSOR_SKIP.
    perLayer: [
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd_head_k*n_head'], layers: 'trunk' },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_k_gqa'], layers: 'trunk' },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'], layers: 'trunk' },
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd_head_k*n_head'], layers: 'mtp', optional: true },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_k_gqa'], layers: 'mtp', optional: true },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'], layers: 'mtp', optional: true },
      // The output projection is n_embd x n_embd: the loader assumes n_head * head_dim == n_embd.
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd', 'n_embd'] },
      { name: 'blk.{i}.post_attention_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_q_norm.weight', shape: ['n_embd_head_k'], init: 'ones' },
      { name: 'blk.{i}.attn_k_norm.weight', shape: ['n_embd_head_k'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'] },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.post_ffw_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.nextn.eh_proj.weight', shape: ['2*n_embd', 'n_embd'], layers: 'mtp' },
      { name: 'blk.{i}.nextn.enorm.weight', shape: ['n_embd'], layers: 'mtp', init: 'ones' },
      { name: 'blk.{i}.nextn.hnorm.weight', shape: ['n_embd'], layers: 'mtp', init: 'ones' },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 64,
      block_count: 64,
      feed_forward_length: 64,
      'attention.head_count': 2,
      'attention.head_count_kv': 1,
      'attention.sliding_window': 128,
      'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
      'rope.freq_base': { f32: 1000000 },
    },
    vocabSize: 320,
    why: 'n_layer 64, the only depth at which the loader turns SWA on, so period 4 gives 48 SWA layers (window 128, below the test context) and 16 global NoPE layers; GQA 2 with head dim 32 = n_embd / n_head as the n_embd-wide output projection requires',
  },
});
