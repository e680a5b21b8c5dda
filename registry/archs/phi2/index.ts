import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/phi2.cpp', 'llama_model_phi2::load_arch_hparams');
const tensors = cite('src/models/phi2.cpp', 'llama_model_phi2::load_arch_tensors');

export default defineArch({
  name: 'phi2',
  summary: 'Microsoft Phi-1.5 / Phi-2: parallel attention and FFN with LayerNorm and biases, partial rotary embedding, every layer global.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', upstream.createMemory),
  layers: { type: 'all-full', cite: cite('src/models/phi2.cpp', 'llama_model_phi2::load_arch_hparams', 'no sliding-window keys are read: swa_type stays NONE') },
  requiredKeys: fact(['attention.layer_norm_epsilon'], cite('src/models/phi2.cpp', 'llama_model_phi2::load_arch_hparams', 'get_key(LLM_KV_ATTENTION_LAYERNORM_EPS) without required=false')),
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
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/phi2.cpp', 'llama_model_phi2::graph', 'partial rotary: ggml_rope_ext over the first n_rot (rope.dimension_count, 32 of 80 in Phi-2) dims of each head')),
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
      { name: 'output_norm.bias', shape: ['n_embd'], init: 'zeros' },
      // Required, with a bias: no tied-embedding fallback.
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'] },
      { name: 'output.bias', shape: ['n_vocab'], init: 'zeros' },
    ],
    // Parallel block: one LayerNorm feeds both attention and FFN (no ffn_norm); every projection has a bias except Q/K/V.
    // Q and the output projection are n_embd wide: the loader assumes n_head * head_dim == n_embd.
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_norm.bias', shape: ['n_embd'], init: 'zeros' },
      // create_tensor_qkv: the fused attn_qkv of older Phi-2 GGUFs (TENSOR_NOT_REQUIRED, with an optional bias) or,
      // without it, separate Q/K/V (required) with optional biases.
      {
        name: 'blk.{i}.attn_qkv.weight',
        shape: ['n_embd', 'n_embd+2*n_embd_v_gqa'],
        optional: true,
        insteadOf: ['blk.{i}.attn_q.weight', 'blk.{i}.attn_k.weight', 'blk.{i}.attn_v.weight', 'blk.{i}.attn_q.bias', 'blk.{i}.attn_k.bias', 'blk.{i}.attn_v.bias'],
      },
      { name: 'blk.{i}.attn_qkv.bias', shape: ['n_embd+2*n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd'] },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_q.bias', shape: ['n_embd'], optional: true },
      { name: 'blk.{i}.attn_k.bias', shape: ['n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_v.bias', shape: ['n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd', 'n_embd'] },
      { name: 'blk.{i}.attn_output.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'] },
      { name: 'blk.{i}.ffn_down.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_up.bias', shape: ['n_ff'], init: 'zeros' },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 2,
      feed_forward_length: 256,
      'attention.head_count': 2,
      'attention.head_count_kv': 1,
      'rope.dimension_count': 32,
      'attention.layer_norm_epsilon': { f32: 1e-5 },
      'rope.freq_base': { f32: 10000 },
    },
    vocabSize: 320,
    why: 'partial rotary (n_rot 32 of head dim 64 = n_embd / n_head, as Phi-2 rotates 32 of 80) over the biased parallel block; GQA 2 (2 heads over 1 KV head) since the loader and build_qkv take head_count_kv although Phi-2 checkpoints are MHA',
  },
});
