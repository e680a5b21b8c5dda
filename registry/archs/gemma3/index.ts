import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/gemma3.cpp', 'llama_model_gemma3::load_arch_hparams');
const tensors = cite('src/models/gemma3.cpp', 'llama_model_gemma3::load_arch_tensors');

export default defineArch({
  name: 'gemma3',
  summary: 'Google Gemma 3: 5 sliding-window layers to 1 global when the GGUF sets a window, else all global.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('iswa', cite('src/llama-model.cpp', 'llama_model::create_memory', 'llama_kv_cache_iswa when swa_type != NONE, else llama_kv_cache')),
  layers: {
    type: 'swa',
    swaType: 'standard',
    period: 6,
    denseFirst: false,
    patternKey: 'scalar',
    window: { required: false },
    activation: { type: 'window-positive' },
    cite: cite('src/models/gemma3.cpp', 'llama_model_gemma3::load_arch_hparams', 'SWA only if attention.sliding_window is found and > 0; set_swa_pattern(6)'),
  },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon'], hparams),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(true, tensors),
    softcap: fact(null, cite('src/models/gemma3.cpp', 'llama_model_gemma3::load_arch_hparams', 'only final_logit_softcapping, no attention softcap')),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/gemma3.cpp', 'llama_model_gemma3::graph')),
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
      // Gemma 3 ties the output to the token embedding.
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
    ],
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd_head_k*n_head'] },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_k_gqa'] },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd_head_k*n_head', 'n_embd'] },
      { name: 'blk.{i}.post_attention_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_k_norm.weight', shape: ['n_embd_head_k'], init: 'ones' },
      { name: 'blk.{i}.attn_q_norm.weight', shape: ['n_embd_head_k'], init: 'ones' },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'] },
      { name: 'blk.{i}.post_ffw_norm.weight', shape: ['n_embd'], init: 'ones' },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 64,
      block_count: 8,
      feed_forward_length: 128,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'attention.key_length': 32,
      'attention.value_length': 32,
      'attention.sliding_window': 128,
      'attention.layer_norm_rms_epsilon': { f32: 1e-6 },
      'rope.freq_base': { f32: 1000000 },
      'rope.freq_base_swa': { f32: 10000 },
    },
    vocabSize: 320,
    why: 'attention.sliding_window 128 (> 0, below the test context) turns SWA on and 8 layers span a full period of 6, giving 7 SWA layers and 1 global (layer 5); GQA 2 with an explicit head dim 32 whose Q width differs from n_embd',
  },
});
