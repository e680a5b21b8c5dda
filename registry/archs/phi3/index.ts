import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/phi3.cpp', 'llama_model_phi3::load_arch_hparams');
const tensors = cite('src/models/phi3.cpp', 'llama_model_phi3::load_arch_tensors');

export default defineArch({
  name: 'phi3',
  summary: 'Microsoft Phi-3 / Phi-3.5 / Phi-4: every layer global attention; a GGUF sliding_window is read and then ignored by this runtime.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', cite('src/llama-model.cpp', 'llama_model::create_memory', 'swa_type stays NONE, so a plain llama_kv_cache')),
  layers: {
    type: 'all-full',
    cite: cite(
      'src/models/phi3.cpp',
      'llama_model_phi3::load_arch_hparams',
      'attention.sliding_window is read, but when > 0 the loader warns "Phi SWA is currently disabled - results might be suboptimal for some models" and sets swa_type NONE, n_swa 0, set_swa_pattern(1): every layer is full attention whatever the key says',
    ),
  },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon'], cite('src/models/phi3.cpp', 'llama_model_phi3::load_arch_hparams', 'get_key(LLM_KV_ATTENTION_LAYERNORM_RMS_EPS) without required=false')),
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
    nopeLayers: fact({ type: 'none' }, cite('src/models/phi3.cpp', 'llama_model_phi3::graph', 'RoPE (with optional long/short factors) on every layer')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
  graph: {
    ffnResidualFirst: fact(true, cite('src/models/phi3.cpp', 'llama_model_phi3::graph', 'cur = ggml_add(ctx0, residual, cur) after the FFN')),
  },
  tensors: {
    global: [
      { name: 'token_embd.weight', shape: ['n_embd', 'n_vocab'] },
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
      // LongRoPE factors: created per layer under one global name (TENSOR_NOT_REQUIRED, duplicated for il > 0).
      { name: 'rope_factors_long.weight', shape: ['n_rot/2'], optional: true },
      { name: 'rope_factors_short.weight', shape: ['n_rot/2'], optional: true },
    ],
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      // create_tensor_qkv(..., TENSOR_NOT_REQUIRED): both the fused and the separate projections are optional to the
      // loader, but the graph needs one of them. Phi-3 GGUFs ship the fused one, so the tiny model carries it.
      // Q is n_embd wide: the loader assumes n_head * head_dim == n_embd; K and V use n_embd_gqa (= n_embd_v_gqa).
      { name: 'blk.{i}.attn_qkv.weight', shape: ['n_embd', 'n_embd+2*n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_qkv.bias', shape: ['n_embd+2*n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd'], optional: true },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_q.bias', shape: ['n_embd'], optional: true },
      { name: 'blk.{i}.attn_k.bias', shape: ['n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_v.bias', shape: ['n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd', 'n_embd'] },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'] },
      // Gate and up fused: 2 * n_ff wide.
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', '2*n_ff'] },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 2,
      feed_forward_length: 128,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'rope.dimension_count': 32,
      'attention.sliding_window': 128,
      'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
      'rope.freq_base': { f32: 10000 },
    },
    vocabSize: 320,
    why: 'attention.sliding_window 128 is present (as Phi-3 converters write it) to prove the runtime ignores it: both layers keep the whole context; GQA 2 (as Phi-3 medium) with head dim 32 = n_embd / n_head as the n_embd-wide Q requires; the fused attn_qkv and fused gate/up of real Phi-3 GGUFs',
  },
});
