import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/qwen3.cpp', 'llama_model_qwen3::load_arch_hparams');
const tensors = cite('src/models/qwen3.cpp', 'llama_model_qwen3::load_arch_tensors');

export default defineArch({
  name: 'qwen3',
  summary: 'Qwen3 dense: every layer global attention with Q/K RMS-norm, GQA from metadata.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', upstream.createMemory),
  layers: { type: 'all-full', cite: hparams },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon'], hparams),
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
    nopeLayers: fact({ type: 'none' }, cite('src/models/qwen3.cpp', 'llama_model_qwen3::graph')),
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
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd_head_k*n_head'] },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd_head_k*n_head', 'n_embd'] },
      { name: 'blk.{i}.attn_k_norm.weight', shape: ['n_embd_head_k'], init: 'ones' },
      { name: 'blk.{i}.attn_q_norm.weight', shape: ['n_embd_head_k'], init: 'ones' },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'] },
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
      'attention.layer_norm_rms_epsilon': { f32: 1e-6 },
      'rope.freq_base': { f32: 1000000 },
    },
    vocabSize: 320,
    why: 'GQA 2 (4 heads over 2 KV heads) with an explicit head dim 32 whose Q width (128) differs from n_embd (64), as in Qwen3, plus the Q/K norms; 32 keeps q8_0/q4_0 caches legal',
  },
});
