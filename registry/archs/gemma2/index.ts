import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/gemma2.cpp', 'llama_model_gemma2::load_arch_hparams');
const tensors = cite('src/models/gemma2.cpp', 'llama_model_gemma2::load_arch_tensors');

export default defineArch({
  name: 'gemma2',
  summary: 'Google Gemma 2: sliding-window and global layers alternate (window 4096 by default); attention logits soft-capped at 50.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('iswa', cite('src/llama-model.cpp', 'llama_model::create_memory', 'llama_kv_cache_iswa when swa_type != NONE, which gemma2 always sets')),
  layers: {
    type: 'swa',
    swaType: 'standard',
    period: 2,
    denseFirst: false,
    patternKey: 'scalar',
    window: { required: false, default: 4096 },
    activation: { type: 'always' },
    cite: cite(
      'src/models/gemma2.cpp',
      'llama_model_gemma2::load_arch_hparams',
      'swa_type STANDARD unconditionally; n_swa = 4096 unless attention.sliding_window is found (get_key(..., false)); set_swa_pattern(2) (dense-last: even layers SWA, odd layers global), period overridable by a scalar sliding_window_pattern via get_key_or_arr(uint32&)',
    ),
  },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon'], cite('src/models/gemma2.cpp', 'llama_model_gemma2::load_arch_hparams', 'get_key(LLM_KV_ATTENTION_LAYERNORM_RMS_EPS) without required=false')),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(false, tensors),
    softcap: fact(
      { key: 'attn_logit_softcapping', default: 50 },
      cite(
        'src/models/gemma2.cpp',
        'llama_model_gemma2::load_arch_hparams',
        'attn_soft_cap = true; f_attn_logit_softcapping defaults to 50.0f (src/llama-hparams.h), passed to ggml_flash_attn_ext as logit_softcap on the FA path and applied with tanh on the non-FA path (llm_graph_context::build_attn_mha)',
      ),
    ),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/gemma2.cpp', 'llama_model_gemma2::graph', 'RoPE on Q and K of every layer')),
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
      { name: 'blk.{i}.post_attention_norm.weight', shape: ['n_embd'], init: 'ones' },
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
      block_count: 2,
      feed_forward_length: 128,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'attention.key_length': 32,
      'attention.value_length': 32,
      'attention.sliding_window': 128,
      'attention.layer_norm_rms_epsilon': { f32: 1e-6 },
      attn_logit_softcapping: { f32: 50 },
      final_logit_softcapping: { f32: 30 },
      'rope.freq_base': { f32: 10000 },
    },
    vocabSize: 320,
    why: 'period 2 over 2 layers gives one SWA layer (0, window 128, below the test context) and one global layer (1); GQA 2 with an explicit head dim 32 whose Q width (128) differs from n_embd (64), as in Gemma 2 9B/27B; the softcap key is set so the FA op carries a logit softcap',
  },
});
