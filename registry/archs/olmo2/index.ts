import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/olmo2.cpp', 'llama_model_olmo2::load_arch_hparams');
const tensors = cite('src/models/olmo2.cpp', 'llama_model_olmo2::load_arch_tensors');

export default defineArch({
  name: 'olmo2',
  summary: 'AI2 OLMo 2 / OLMo 3: post-norm blocks with Q/K norm; OLMo 3 adds 3 sliding-window layers to 1 global when the GGUF sets a window.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('iswa', cite('src/llama-model.cpp', 'llama_model::create_memory', 'llama_kv_cache_iswa when swa_type != NONE, else llama_kv_cache')),
  layers: {
    type: 'swa',
    swaType: 'standard',
    period: 4,
    denseFirst: false,
    patternKey: 'scalar',
    window: { required: false },
    activation: { type: 'window-positive' },
    cite: cite(
      'src/models/olmo2.cpp',
      'llama_model_olmo2::load_arch_hparams',
      'SWA (STANDARD) only if attention.sliding_window is found and > 0: set_swa_pattern(4) (dense-last), period overridable by a scalar sliding_window_pattern via get_key_or_arr(uint32&); else swa_type NONE',
    ),
  },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon'], cite('src/models/olmo2.cpp', 'llama_model_olmo2::load_arch_hparams', 'get_key(LLM_KV_ATTENTION_LAYERNORM_RMS_EPS) without required=false')),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(true, cite('src/models/olmo2.cpp', 'llama_model_olmo2::load_arch_tensors', 'attn_q_norm {n_embd} and attn_k_norm {n_head_kv * n_embd_head}: RMS norm over the whole Q / K row, not per head')),
    softcap: fact(null, hparams),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/olmo2.cpp', 'llama_model_olmo2::graph', 'RoPE on every layer; SWA layers use rope.freq_base_swa with freq_scale 1')),
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
      // Required: no tied-embedding fallback.
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'] },
    ],
    // Post-norm blocks: no attn_norm / ffn_norm. Q and the output projection are n_embd wide and the K norm
    // is n_head_kv * (n_embd / n_head): the loader assumes head_dim == n_embd / n_head (the graph asserts n_rot == head dim).
    perLayer: [
      // create_tensor_qkv: a fused attn_qkv (TENSOR_NOT_REQUIRED) or, without it, separate Q/K/V (required) with optional
      // biases. The olmo2 graph multiplies by wq/wk/wv only (no build_qkv): a fused QKV loads but cannot run, biases are unused.
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
      { name: 'blk.{i}.attn_q_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_k_norm.weight', shape: ['n_head_kv*n_embd/n_head'], init: 'ones' },
      { name: 'blk.{i}.post_attention_norm.weight', shape: ['n_embd'], init: 'ones' },
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
      embedding_length: 128,
      block_count: 4,
      feed_forward_length: 256,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'attention.sliding_window': 128,
      'attention.layer_norm_rms_epsilon': { f32: 1e-6 },
      'rope.freq_base': { f32: 500000 },
      'rope.freq_base_swa': { f32: 10000 },
    },
    vocabSize: 320,
    why: 'attention.sliding_window 128 (> 0, below the test context) turns SWA on and 4 layers span one period of 4: 3 SWA layers (0-2) and 1 global (3), as OLMo 3; GQA 2 with head dim 32 = n_embd / n_head as the n_embd-wide Q and the K-norm width require',
  },
});
