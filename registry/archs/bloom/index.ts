import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/bloom.cpp', 'llama_model_bloom::load_arch_hparams');
const tensors = cite('src/models/bloom.cpp', 'llama_model_bloom::load_arch_tensors');
const graph = cite('src/models/bloom.cpp', 'llama_model_bloom::graph');

export default defineArch({
  name: 'bloom',
  summary: 'BigScience BLOOM: ALiBi position bias (max bias hard-coded to 8), no RoPE, fused QKV with biases and an embedding LayerNorm.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', cite('src/llama-model.cpp', 'llama_model::create_memory', 'default branch: llama_kv_cache over every layer, no filter')),
  layers: { type: 'all-full', cite: hparams },
  requiredKeys: fact(['attention.layer_norm_epsilon'], cite('src/models/bloom.cpp', 'llama_model_bloom::load_arch_hparams', 'LayerNorm (not RMS) epsilon, read with get_key (required)')),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, tensors),
    qkNorm: fact(false, tensors),
    softcap: fact(null, graph),
    sinks: fact(false, tensors),
    alibi: fact(
      { type: 'fixed', maxBias: 8 },
      cite(
        'src/models/bloom.cpp',
        'llama_model_bloom::load_arch_hparams',
        'hparams.f_max_alibi_bias = 8.0f ("TODO: become GGUF KV parameter"): attention.max_alibi_bias is never read; llama_model_base::load_hparams then sets use_alibi',
      ),
    ),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('none', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/bloom.cpp', 'llama_model_bloom::graph', 'rope type none: no layer rotates Q/K; positions come from ALiBi alone')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
  tensors: {
    global: [
      { name: 'token_embd.weight', shape: ['n_embd', 'n_vocab'] },
      // Created with layer id 0 (a repeating tensor) but named without a layer number.
      { name: 'token_embd_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'token_embd_norm.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'output_norm.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
    ],
    // Fused QKV only: Q is n_embd wide and K, V are n_embd_gqa (= n_embd_v_gqa) wide each; every
    // projection and norm carries a bias.
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_norm.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'blk.{i}.attn_qkv.weight', shape: ['n_embd', 'n_embd + 2*n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_qkv.bias', shape: ['n_embd + 2*n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd', 'n_embd'] },
      { name: 'blk.{i}.attn_output.bias', shape: ['n_embd'] },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_norm.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'] },
      { name: 'blk.{i}.ffn_down.bias', shape: ['n_embd'] },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_up.bias', shape: ['n_ff'] },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 2,
      feed_forward_length: 512,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'attention.layer_norm_epsilon': { f32: 1e-5 },
    },
    vocabSize: 320,
    why: 'ALiBi (max bias 8, set by the loader whatever the metadata says) on both the FA and the soft-max path, with GQA 2 (4 heads over 2 KV heads), which the n_embd_gqa-wide fused QKV allows although released BLOOMs are MHA; head dim 32 = n_embd / n_head as the n_embd-wide Q and output projection require, and q8_0/q4_0 divide it',
  },
});
