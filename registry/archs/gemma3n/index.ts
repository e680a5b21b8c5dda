import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/gemma3n.cpp', 'llama_model_gemma3n::load_arch_hparams');
const tensors = cite('src/models/gemma3n.cpp', 'llama_model_gemma3n::load_arch_tensors');
const graph = cite('src/models/gemma3n.cpp', 'llama_model_gemma3n::graph');

// AltUp and per-layer-input widths are llama_hparams defaults the loader never reads from GGUF
// (src/llama-hparams.h: n_altup = 4, laurel_rank = 64, n_embd_altup = 256), so shapes spell them out.
export default defineArch({
  name: 'gemma3n',
  summary: 'Google Gemma 3n: 4 sliding-window layers to 1 global; layers from 20 on keep no K/V and reuse layer 18 (SWA) or 19 (global).',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('iswa', cite('src/llama-model.cpp', 'llama_model::create_memory', 'llama_kv_cache_iswa (swa_type is always STANDARD for gemma3n)')),
  layers: {
    type: 'swa',
    swaType: 'standard',
    period: 5,
    denseFirst: false,
    patternKey: 'scalar',
    window: { required: true },
    activation: { type: 'always' },
    cite: cite('src/models/gemma3n.cpp', 'llama_model_gemma3n::load_arch_hparams', 'swa_period = 5, overridden by a scalar sliding_window_pattern (get_key_or_arr into a uint32); set_swa_pattern(swa_period); n_swa from attention.sliding_window, required'),
  },
  requiredKeys: fact(['attention.sliding_window', 'attention.layer_norm_rms_epsilon'], hparams),
  mtp: fact('none', tensors),
  kvSharing: fact(
    { type: 'tail', start: { type: 'fixed', layer: 20 } },
    cite('src/models/gemma3n.cpp', 'llama_model_gemma3n::load_arch_hparams', 'n_layer_kv_from_start = 20; create_memory gives gemma3n the reuse callback (start - 2 for SWA, start - 1 for full layers)'),
  ),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(true, tensors),
    softcap: fact(null, cite('src/models/gemma3n.cpp', 'llama_model_gemma3n::graph', 'only final logit soft-capping (f_final_logit_softcapping, default 30), no attention softcap')),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, graph),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
  tensors: {
    global: [
      { name: 'token_embd.weight', shape: ['n_embd', 'n_vocab'] },
      // Tied to the token embedding when absent.
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
      { name: 'altup_proj.weight', shape: ['n_embd', 'n_embd', 3] },
      { name: 'altup_unembd_proj.weight', shape: ['n_embd', 'n_embd', 3] },
      { name: 'per_layer_token_embd.weight', shape: ['256*block_count', 'n_vocab'] },
      { name: 'per_layer_model_proj.weight', shape: ['n_embd', '256*block_count'] },
      { name: 'per_layer_proj_norm.weight', shape: [256], init: 'ones' },
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
    ],
    // Every layer carries K and V projections, the K/V-sharing ones too (create_tensor_qkv with flags 0).
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd_head_k*n_head'] },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_k_gqa'] },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd_head_k*n_head', 'n_embd'] },
      // Random (small) Q/K norm weights in the tiny model: with unit weights and attention scale 1.0
      // (f_attention_scale) the scores of 25 random layers are so peaked that q8_0 rounding flips
      // which key wins (max log-prob delta 0.46 against f16; 0.02 with random weights).
      { name: 'blk.{i}.attn_q_norm.weight', shape: ['n_embd_head_k'] },
      { name: 'blk.{i}.attn_k_norm.weight', shape: ['n_embd_head_k'] },
      { name: 'blk.{i}.post_attention_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'] },
      { name: 'blk.{i}.post_ffw_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.inp_gate.weight', shape: ['n_embd', 256] },
      { name: 'blk.{i}.proj.weight', shape: [256, 'n_embd'] },
      { name: 'blk.{i}.post_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.altup_correct_coef.weight', shape: [4, 4] },
      { name: 'blk.{i}.altup_correct_scale.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.altup_predict_coef.weight', shape: [4, 16] },
      { name: 'blk.{i}.altup_router.weight', shape: ['n_embd', 4] },
      { name: 'blk.{i}.altup_router_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.laurel_l.weight', shape: ['n_embd', 64] },
      { name: 'blk.{i}.laurel_r.weight', shape: [64, 'n_embd'] },
      { name: 'blk.{i}.laurel_post_norm.weight', shape: ['n_embd'], init: 'ones' },
    ],
    // output is created first (create_tensor(TOKEN_EMBD, TENSOR_DUPLICATED) when absent), tok_embd after it.
    tiedOutputBeforeTokenEmbd: true,
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 64,
      block_count: 25,
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
    why: 'the K/V-sharing start is hard-coded at layer 20, so 25 layers (the fewest) give owning SWA and global layers (global 4, 9, 14, 19) and sharing ones of both kinds: 20-23 SWA reuse layer 18, 24 global reuses layer 19; window 128 below the test context, GQA 2, head dim 32',
  },
});
