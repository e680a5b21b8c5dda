import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/lfm2.cpp', 'llama_model_lfm2::load_arch_hparams');
const tensors = cite('src/models/lfm2.cpp', 'llama_model_lfm2::load_arch_tensors');
const graph = cite('src/models/lfm2.cpp', 'llama_model_lfm2::graph');

export default defineArch({
  name: 'lfm2',
  summary: 'Liquid LFM2: gated short-convolution layers (head_count_kv 0) interleaved with GQA attention layers with Q/K norm.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact(
    'hybrid',
    cite('src/llama-model.cpp', 'llama_model::create_memory', 'llm_arch_is_hybrid(LFM2), no arch filter: llama_memory_hybrid with the default filters !is_recr / is_recr (llama_memory_hybrid::llama_memory_hybrid); llama_memory_hybrid_iswa when sliding_window > 0'),
  ),
  layers: {
    type: 'hybrid',
    recurrent: { type: 'head-count-kv-zero' },
    attentionSwa: {
      swaType: 'standard',
      cite: cite('src/models/lfm2.cpp', 'llama_model_lfm2::load_arch_hparams', 'sliding_window present and > 0: swa_type STANDARD, is_swa_impl[il] = !is_recr_impl[il] for il < n_layer; create_memory then builds llama_memory_hybrid_iswa'),
    },
    cite: cite('src/models/lfm2.cpp', 'llama_model_lfm2::load_arch_hparams', 'is_recr_impl[il] = n_head_kv(il) == 0 for il < n_layer'),
  },
  recurrentState: fact('shortconv', cite('src/llama-hparams.cpp', 'llama_hparams::n_embd_r / llama_hparams::n_embd_s', 'n_shortconv_l_cache != 0: r = n_embd·(l_cache−1); s falls through to d_state·d_inner = 0')),
  requiredKeys: fact(['shortconv.l_cache', 'attention.layer_norm_rms_epsilon'], hparams),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(true, cite('src/models/lfm2.cpp', 'llama_model_lfm2::load_arch_hparams', 'attention.head_count_kv is a per-layer array; 0 marks a conv layer')),
    qkNorm: fact(true, tensors),
    softcap: fact(null, hparams),
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
      // LLM_TENSOR_OUTPUT_NORM_LFM2 is named "token_embd_norm" ("fix for wrong tensor name").
      { name: 'token_embd_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
      // LFM2-ColBert head: {n_embd, n_embd_out()}, n_embd_out() = embedding_length_out, else n_embd.
      { name: 'dense_2_out.weight', shape: ['n_embd', 'n_embd'], optional: true },
      { name: 'dense_2_out.bias', shape: ['n_embd'], optional: true },
    ],
    // n_layer_dense_lead = n_layer: every layer has the dense FFN. Attention widths are per layer
    // (n_embd_k_gqa(i), perLayerHeads). create_tensor_qkv also accepts a fused attn_qkv instead of q/k/v.
    perLayer: [
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'] },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_q_norm.weight', shape: ['n_embd_head_k'], layers: 'attention', init: 'ones' },
      { name: 'blk.{i}.attn_k_norm.weight', shape: ['n_embd_head_k'], layers: 'attention', init: 'ones' },
      // Q and the output projection are n_embd wide: the loader assumes n_head·head_dim == n_embd.
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd'], layers: 'attention' },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_k_gqa(il)'], layers: 'attention' },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa(il)'], layers: 'attention' },
      { name: 'blk.{i}.attn_q.bias', shape: ['n_embd'], layers: 'attention', optional: true },
      { name: 'blk.{i}.attn_k.bias', shape: ['n_embd_k_gqa(il)'], layers: 'attention', optional: true },
      { name: 'blk.{i}.attn_v.bias', shape: ['n_embd_v_gqa(il)'], layers: 'attention', optional: true },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd', 'n_embd'], layers: 'attention' },
      { name: 'blk.{i}.shortconv.conv.weight', shape: ['shortconv.l_cache', 'n_embd'], layers: 'recurrent' },
      { name: 'blk.{i}.shortconv.in_proj.weight', shape: ['n_embd', '3*n_embd'], layers: 'recurrent' },
      { name: 'blk.{i}.shortconv.out_proj.weight', shape: ['n_embd', 'n_embd'], layers: 'recurrent' },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 512,
      block_count: 10,
      feed_forward_length: 512,
      'attention.head_count': 8,
      'attention.head_count_kv': [2, 0, 0, 0, 0, 2, 0, 0, 0, 0],
      'shortconv.l_cache': 3,
      'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
      'rope.freq_base': { f32: 1000000 },
    },
    vocabSize: 320,
    why: '2 attention layers (8 heads over 2 KV heads, head dim 64 = n_embd / n_head as the n_embd-wide Q requires) among 8 short-conv layers with the real l_cache 3; n_embd 512 so the conv rows (8 layers × 512·2 f32 = 32 KiB) show in the 2-decimal MiB log',
  },
});
