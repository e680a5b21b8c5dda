import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/minicpm3.cpp', 'llama_model_minicpm3::load_arch_hparams');
const tensors = cite('src/models/minicpm3.cpp', 'llama_model_minicpm3::load_arch_tensors');
const graph = cite('src/models/minicpm3.cpp', 'llama_model_minicpm3::graph');

export default defineArch({
  name: 'minicpm3',
  summary: 'OpenBMB MiniCPM3: MLA-style low-rank Q/KV projections decompressed into plain per-head K and V, so the cache holds K heads (nope + rope) wider than V heads.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', cite('src/llama-model.cpp', 'llama_model::create_memory', 'default branch: llama_kv_cache over every layer, no filter')),
  layers: { type: 'all-full', cite: hparams },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon', 'attention.q_lora_rank', 'attention.kv_lora_rank'], hparams),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, tensors),
    qkNorm: fact(false, tensors),
    softcap: fact(null, graph),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    // Not MLA in the cache sense: the converter writes no key_length_mla / value_length_mla, so
    // is_mla() is false and the graph caches the decompressed K (key_length wide) and V
    // (value_length, default n_embd / n_head) per head.
    mla: fact(null, cite('src/llama-hparams.cpp', 'llama_hparams::is_mla', 'false: minicpm3 GGUFs carry no *_mla head dims; K = key_length (qk_nope + qk_rope), V = value_length (default n_embd / n_head)')),
  },
  rope: {
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/minicpm3.cpp', 'llama_model_minicpm3::graph', 'RoPE on the trailing n_rot dims of each Q/K head (partial rotary), every layer')),
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
      // LongRoPE factors: created in the layer loop but named without a layer number.
      { name: 'rope_factors_long.weight', shape: ['n_rot/2'], optional: true },
      { name: 'rope_factors_short.weight', shape: ['n_rot/2'], optional: true },
    ],
    // qk_rope = n_rot, qk_nope = n_embd_head_k - n_rot. attn_kv_b decompresses the latent into
    // per head K-nope and V, so the cached K head is nope + rope (key_length) and V is value_length.
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_q_a_norm.weight', shape: ['attention.q_lora_rank'], init: 'ones' },
      { name: 'blk.{i}.attn_kv_a_norm.weight', shape: ['attention.kv_lora_rank'], init: 'ones' },
      { name: 'blk.{i}.attn_q_a.weight', shape: ['n_embd', 'attention.q_lora_rank'] },
      { name: 'blk.{i}.attn_q_b.weight', shape: ['attention.q_lora_rank', 'n_head*n_embd_head_k'] },
      { name: 'blk.{i}.attn_kv_a_mqa.weight', shape: ['n_embd', 'attention.kv_lora_rank + n_rot'] },
      { name: 'blk.{i}.attn_kv_b.weight', shape: ['attention.kv_lora_rank', 'n_head*(n_embd_head_k - n_rot + n_embd_head_v)'] },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_head*n_embd_head_v', 'n_embd'] },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'] },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'] },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 2,
      feed_forward_length: 256,
      'attention.head_count': 4,
      'attention.head_count_kv': 4,
      'attention.key_length': 64,
      'attention.q_lora_rank': 64,
      'attention.kv_lora_rank': 64,
      'rope.dimension_count': 32,
      'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
      'rope.freq_base': { f32: 10000 },
    },
    vocabSize: 320,
    why: 'K head 64 (32 nope + 32 rope) against V head 32 (value_length left out, as the converter does, so it defaults to n_embd / n_head): both multiples of 32, so q8_0/q4_0 stay legal with FA, yet K and V rows differ; head_count_kv equals head_count because the graph builds K and V with n_head heads (no GQA is possible)',
  },
});
