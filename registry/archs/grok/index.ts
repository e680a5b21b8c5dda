import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/grok.cpp', 'llama_model_grok::load_arch_hparams');
const tensors = cite('src/models/grok.cpp', 'llama_model_grok::load_arch_tensors');

export default defineArch({
  name: 'grok',
  summary: 'xAI Grok-1/2: global attention with an attention-logit softcap (30); the runtime forces flash attention off.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', upstream.createMemory),
  layers: { type: 'all-full', cite: hparams },
  requiredKeys: fact(
    ['attention.layer_norm_rms_epsilon', 'expert_count', 'expert_used_count'],
    cite(
      'src/models/grok.cpp',
      'llama_model_grok::load_arch_tensors',
      'throws "grok model cannot have zero experts"; with experts, llama_model_base::load_hparams asserts n_expert_used_max > 0',
    ),
  ),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(false, tensors),
    softcap: fact({ key: 'attn_logit_softcapping', default: 30 }, cite('src/models/grok.cpp', 'llama_model_grok::load_arch_hparams', 'f_attn_logit_softcapping defaults to 30, applied on the non-FA path')),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/grok.cpp', 'llama_model_grok::graph')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(true, cite('src/llama-context.cpp', 'llama_init_from_model', 'flash_attn is not compatible with Grok - forcing off')),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
  tensors: {
    global: [
      { name: 'token_embd.weight', shape: ['n_embd', 'n_vocab'] },
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
    ],
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      // Q and the output projection are n_embd wide: the loader assumes n_head * head_dim == n_embd.
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd'] },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd', 'n_embd'] },
      { name: 'blk.{i}.attn_output_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      // Grok-2's dense FFN beside the experts; absent in Grok-1.
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'], optional: true },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'], optional: true },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'], optional: true },
      { name: 'blk.{i}.ffn_gate_inp.weight', shape: ['n_embd', 'n_expert'] },
      // n_ff_exp falls back to n_ff when expert_feed_forward_length is absent (Grok-1).
      { name: 'blk.{i}.ffn_gate_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'], optional: true },
      { name: 'blk.{i}.ffn_down_exps.weight', shape: ['n_ff_exp', 'n_embd', 'n_expert'] },
      { name: 'blk.{i}.ffn_up_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'] },
      // The post-FFN norm is layer_output_norm when present, else post_ffw_norm (then required).
      { name: 'blk.{i}.layer_output_norm.weight', shape: ['n_embd'], optional: true, init: 'ones' },
      { name: 'blk.{i}.post_ffw_norm.weight', shape: ['n_embd'], init: 'ones' },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 2,
      feed_forward_length: 128,
      expert_feed_forward_length: 64,
      expert_count: 4,
      expert_used_count: 2,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
      'rope.freq_base': { f32: 10000 },
    },
    vocabSize: 320,
    why: 'GQA 2 (4 heads over 2 KV heads) with head dim 32 = n_embd / n_head = n_rot as the n_embd-wide projections and the graph require, and 2 of 4 experts since the loader refuses zero experts; flash attention is forced off, so only K may be quantized',
  },
});
