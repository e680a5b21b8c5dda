import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/deepseek2.cpp', 'llama_model_deepseek2::load_arch_hparams');
const tensors = cite('src/models/deepseek2.cpp', 'llama_model_deepseek2::load_arch_tensors');

export default defineArch({
  name: 'deepseek2',
  summary: 'DeepSeek V2/V3/R1 and relatives: multi-head latent attention caches one 576-wide latent row per token (K only).',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', upstream.createMemory),
  layers: { type: 'all-full', cite: hparams },
  requiredKeys: fact(
    ['attention.layer_norm_rms_epsilon', 'attention.kv_lora_rank', 'expert_feed_forward_length', 'expert_shared_count', 'expert_count', 'expert_used_count'],
    cite(
      'src/models/deepseek2.cpp',
      'llama_model_deepseek2::load_arch_hparams',
      'attention.q_lora_rank is also required except for lite models (26 or 27 layers, or 48 with a 128256 vocab); load_arch_tensors throws "n_expert must be > 0" / "n_expert_used must be > 0" for any layer past leading_dense_block_count',
    ),
  ),
  mtp: fact('kept-in-kv', cite('src/llama-model.cpp', 'llama_model::create_memory', 'no nextn filter for deepseek2: llama_kv_cache walks all n_layer_all layers')),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(false, tensors),
    softcap: fact(null, hparams),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(
      { activeWhenKeys: ['attention.key_length_mla', 'attention.value_length_mla'], kvLoraRankKey: 'attention.kv_lora_rank' },
      cite('src/llama-hparams.cpp', 'llama_hparams::is_mla', 'MLA iff both *_mla head dims are non-zero'),
    ),
  },
  rope: {
    type: fact('norm', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/deepseek2.cpp', 'llama_model_deepseek2::graph')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, cite('src/llama-context.cpp', 'llama_init_from_model', 'K == V is required for MLA through is_mla(), not by arch name')),
  },
  tensors: {
    global: [
      { name: 'token_embd.weight', shape: ['n_embd', 'n_vocab'] },
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
    ],
    // The MLA layout (attention.key_length_mla / value_length_mla set): per head, K is
    // key_length_mla wide (nope + n_rot) and V value_length_mla wide. Legacy non-MLA files carry
    // attn_kv_b {kv_lora_rank, n_head*(nope + v)} instead of attn_k_b / attn_v_b; lite models
    // (no q_lora_rank) carry attn_q {n_embd, n_head*key_length_mla} instead of attn_q_a / attn_q_b.
    // The loop runs over n_layer_all: trailing MTP layers carry the attention and MoE tensors too
    // (TENSOR_SKIP: present but not loaded), plus their nextn.* tensors.
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_q_a_norm.weight', shape: ['attention.q_lora_rank'], init: 'ones' },
      { name: 'blk.{i}.attn_kv_a_norm.weight', shape: ['attention.kv_lora_rank'], init: 'ones' },
      { name: 'blk.{i}.attn_q_a.weight', shape: ['n_embd', 'attention.q_lora_rank'] },
      { name: 'blk.{i}.attn_q_b.weight', shape: ['attention.q_lora_rank', 'n_head*attention.key_length_mla'] },
      { name: 'blk.{i}.attn_kv_a_mqa.weight', shape: ['n_embd', 'attention.kv_lora_rank + n_rot'] },
      { name: 'blk.{i}.attn_k_b.weight', shape: ['attention.key_length_mla - n_rot', 'attention.kv_lora_rank', 'n_head'] },
      { name: 'blk.{i}.attn_v_b.weight', shape: ['attention.kv_lora_rank', 'attention.value_length_mla', 'n_head'] },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_head*attention.value_length_mla', 'n_embd'] },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'], layers: 'dense-lead' },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'], layers: 'dense-lead' },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'], layers: 'dense-lead' },
      // MoE on every layer at or after leading_dense_block_count, MTP layers included.
      { name: 'blk.{i}.ffn_gate_inp.weight', shape: ['n_embd', 'n_expert'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.exp_probs_b.bias', shape: ['n_expert'], layers: 'after-dense-lead', optional: true },
      { name: 'blk.{i}.ffn_down_exps.weight', shape: ['n_ff_exp', 'n_embd', 'n_expert'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.ffn_gate_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.ffn_up_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.ffn_gate_shexp.weight', shape: ['n_embd', 'n_ff_exp*expert_shared_count'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.ffn_down_shexp.weight', shape: ['n_ff_exp*expert_shared_count', 'n_embd'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.ffn_up_shexp.weight', shape: ['n_embd', 'n_ff_exp*expert_shared_count'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.nextn.eh_proj.weight', shape: ['2*n_embd', 'n_embd'], layers: 'mtp' },
      { name: 'blk.{i}.nextn.enorm.weight', shape: ['n_embd'], layers: 'mtp', init: 'ones' },
      { name: 'blk.{i}.nextn.hnorm.weight', shape: ['n_embd'], layers: 'mtp', init: 'ones' },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 64,
      block_count: 3,
      leading_dense_block_count: 1,
      feed_forward_length: 128,
      expert_feed_forward_length: 32,
      expert_count: 4,
      expert_used_count: 2,
      expert_shared_count: 1,
      'attention.head_count': 4,
      'attention.head_count_kv': 1,
      'attention.q_lora_rank': 32,
      'attention.kv_lora_rank': 64,
      'attention.key_length': 96,
      'attention.value_length': 64,
      'attention.key_length_mla': 48,
      'attention.value_length_mla': 32,
      'rope.dimension_count': 32,
      'attention.layer_norm_rms_epsilon': { f32: 1e-6 },
      'rope.freq_base': { f32: 10000 },
    },
    vocabSize: 320,
    why: 'MLA active (key_length_mla 48 = 16 nope + 32 rope, value_length_mla 32): one 96-wide latent KV head (kv_lora_rank 64 + n_rot 32) shared by 4 query heads, V the 64-wide view of K, with a dense lead layer then MoE layers with a shared expert',
  },
});
