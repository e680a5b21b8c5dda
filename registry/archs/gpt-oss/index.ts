import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/openai-moe.cpp', 'llama_model_openai_moe::load_arch_hparams');
const tensors = cite('src/models/openai-moe.cpp', 'llama_model_openai_moe::load_arch_tensors');

export default defineArch({
  name: 'gpt-oss',
  summary: 'OpenAI gpt-oss (20b, 120b): sliding-window and global layers alternate, attention sinks, head dim 64.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('iswa', cite('src/llama-model.cpp', 'llama_model::create_memory', 'swa_type STANDARD → llama_kv_cache_iswa')),
  layers: {
    type: 'swa',
    swaType: 'standard',
    period: 2,
    denseFirst: false,
    patternKey: 'scalar',
    window: { required: true },
    activation: { type: 'always' },
    cite: cite('src/models/openai-moe.cpp', 'llama_model_openai_moe::load_arch_hparams', 'sliding_window required; set_swa_pattern(2): even layers SWA'),
  },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon', 'expert_feed_forward_length', 'attention.sliding_window'], hparams),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(false, tensors),
    softcap: fact(null, hparams),
    sinks: fact(true, cite('src/models/openai-moe.cpp', 'llama_model_openai_moe::load_arch_tensors', 'attn_sinks {n_head} required')),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/openai-moe.cpp', 'llama_model_openai_moe::graph')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
  graph: {
    hiddenStateOutput: fact('all-rows', cite('src/models/openai-moe.cpp', 'llama_model_openai_moe::graph', 'res->t_h_nextn = the last layer output, before ggml_get_rows(cur, inp_out_ids) (embeddings_nextn_masked defaults to false, so the last layer keeps every row)')),
    ffnNorm: fact('post_attention_norm', cite('src/models/openai-moe.cpp', 'llama_model_openai_moe::graph', 'attn_post_norm normalizes ffn_inp before build_moe_ffn')),
    moe: fact({ gating: 'softmax-weight', normalizeWeights: false }, cite('src/models/openai-moe.cpp', 'llama_model_openai_moe::graph', 'build_moe_ffn(..., LLM_FFN_SWIGLU_OAI_MOE, norm_w false, LLAMA_EXPERT_GATING_FUNC_TYPE_SOFTMAX_WEIGHT) with gate_inp, up, gate and down biases')),
  },
  tensors: {
    global: [
      { name: 'token_embd.weight', shape: ['n_embd', 'n_vocab'] },
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
      // Required here: gpt-oss has no tied-embedding fallback.
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'] },
    ],
    // Attention widths use n_rot (rope.dimension_count), not the key length.
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.post_attention_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_head*n_rot'] },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_head_kv*n_rot'] },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_head_kv*n_rot'] },
      // gpt-oss checkpoints carry QKV biases; create_tensor_qkv loads them as TENSOR_NOT_REQUIRED.
      { name: 'blk.{i}.attn_q.bias', shape: ['n_head*n_rot'], optional: true },
      { name: 'blk.{i}.attn_k.bias', shape: ['n_head_kv*n_rot'], optional: true },
      { name: 'blk.{i}.attn_v.bias', shape: ['n_head_kv*n_rot'], optional: true },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_head*n_rot', 'n_embd'] },
      { name: 'blk.{i}.attn_sinks.weight', shape: ['n_head'] },
      { name: 'blk.{i}.ffn_gate_inp.weight', shape: ['n_embd', 'n_expert'] },
      { name: 'blk.{i}.ffn_gate_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'] },
      { name: 'blk.{i}.ffn_down_exps.weight', shape: ['n_ff_exp', 'n_embd', 'n_expert'] },
      { name: 'blk.{i}.ffn_up_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'] },
      { name: 'blk.{i}.attn_output.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'blk.{i}.ffn_gate_inp.bias', shape: ['n_expert'], init: 'zeros' },
      { name: 'blk.{i}.ffn_gate_exps.bias', shape: ['n_ff_exp', 'n_expert'], init: 'zeros' },
      { name: 'blk.{i}.ffn_down_exps.bias', shape: ['n_embd', 'n_expert'], init: 'zeros' },
      { name: 'blk.{i}.ffn_up_exps.bias', shape: ['n_ff_exp', 'n_expert'], init: 'zeros' },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 64,
      block_count: 4,
      feed_forward_length: 128,
      expert_feed_forward_length: 32,
      expert_count: 4,
      expert_used_count: 2,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'attention.key_length': 32,
      'attention.value_length': 32,
      'attention.sliding_window': 128,
      'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
      'rope.freq_base': { f32: 150000 },
    },
    vocabSize: 320,
    why: 'period 2 over 4 layers gives 2 SWA layers (window 128, below the test context) and 2 global ones; GQA 2 with head dim 32 = n_rot, attention sinks, and 2 of 4 routed experts',
  },
});
