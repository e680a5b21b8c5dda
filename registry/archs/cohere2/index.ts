import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/cohere2.cpp', 'llama_model_cohere2::load_arch_hparams');
const tensors = cite('src/models/cohere2.cpp', 'llama_model_cohere2::load_arch_tensors');

export default defineArch({
  name: 'cohere2',
  summary: 'Cohere Command R7B / Command A: 3 sliding-window layers with RoPE to 1 global NoPE layer; parallel attention and FFN.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('iswa', cite('src/llama-model.cpp', 'llama_model::create_memory', 'llama_kv_cache_iswa when swa_type != NONE, which cohere2 always sets')),
  layers: {
    type: 'swa',
    swaType: 'standard',
    period: 4,
    denseFirst: false,
    patternKey: 'scalar',
    window: { required: true },
    activation: { type: 'always' },
    cite: cite(
      'src/models/cohere2.cpp',
      'llama_model_cohere2::load_arch_hparams',
      'swa_type STANDARD unconditionally; set_swa_pattern(4) (dense-last: layers 3, 7, ... global), period overridable by a scalar sliding_window_pattern via get_key_or_arr(uint32&); n_swa from the required attention.sliding_window',
    ),
  },
  requiredKeys: fact(
    ['attention.sliding_window', 'logit_scale', 'attention.layer_norm_epsilon'],
    cite('src/models/cohere2.cpp', 'llama_model_cohere2::load_arch_hparams', 'get_key without required=false for LLM_KV_ATTENTION_SLIDING_WINDOW, LLM_KV_LOGIT_SCALE, LLM_KV_ATTENTION_LAYERNORM_EPS'),
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
    nopeLayers: fact({ type: 'full-attention-layers' }, cite('src/models/cohere2.cpp', 'llama_model_cohere2::graph', 'ggml_rope_ext on Q and K only if hparams.is_swa(il): global layers are NoPE')),
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
      // No output.weight: the output is always token_embd (TENSOR_DUPLICATED).
    ],
    // Parallel block: one LayerNorm (no bias tensor) feeds both attention and FFN; no ffn_norm.
    // Q and the output projection are n_embd wide: the loader assumes n_head * head_dim == n_embd.
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      // create_tensor_qkv: a fused attn_qkv (TENSOR_NOT_REQUIRED) or, without it, separate Q/K/V (required) with optional biases.
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
      block_count: 4,
      feed_forward_length: 256,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'attention.sliding_window': 128,
      'attention.layer_norm_epsilon': { f32: 1e-5 },
      logit_scale: { f32: 0.25 },
      'rope.freq_base': { f32: 50000 },
    },
    vocabSize: 320,
    why: 'the required window 128 (below the test context) and 4 layers span one period of 4: 3 SWA layers with RoPE (0-2) and 1 global NoPE layer (3); GQA 2 with head dim 32 = n_embd / n_head as the n_embd-wide Q requires',
  },
});
