import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/glm4-moe.cpp', 'llama_model_glm4_moe::load_arch_hparams');
const tensors = cite('src/models/glm4-moe.cpp', 'llama_model_glm4_moe::load_arch_tensors');
const graph = cite('src/models/glm4-moe.cpp', 'llama_model_glm4_moe::graph');

export default defineArch({
  name: 'glm4moe',
  summary: 'Zhipu GLM-4.5 / 4.6 / 4.7 (and Solar Open): MoE with a dense lead layer and a shared expert, partial NeoX RoPE, and trailing MTP (NextN) layers that keep KV in the main context.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', cite('src/llama-model.cpp', 'llama_model::create_memory', 'default branch: llama_kv_cache')),
  layers: { type: 'all-full', cite: hparams },
  requiredKeys: fact(
    ['attention.layer_norm_rms_epsilon', 'expert_feed_forward_length', 'expert_shared_count', 'expert_count', 'expert_used_count'],
    cite(
      'src/models/glm4-moe.cpp',
      'llama_model_glm4_moe::load_arch_hparams',
      'expert_feed_forward_length (get_key_or_arr, required), expert_shared_count and the RMS eps are required; load_arch_tensors GGML_ASSERTs n_expert > 0 and n_expert_used > 0 (an abort, not a load error)',
    ),
  ),
  mtp: fact(
    'kept-in-kv',
    cite(
      'src/llama-model.cpp',
      'llama_model::create_memory',
      'no nextn filter for glm4moe in v0.4.0 (only step35, hy_v3, glm-dsa, mimo2 and deepseek32 get "il < n_layer()"): llama_kv_cache allocates all n_layer_all layers, MTP included',
    ),
  ),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, tensors),
    qkNorm: fact(false, cite('src/models/glm4-moe.cpp', 'llama_model_glm4_moe::load_arch_tensors', 'attn_q_norm / attn_k_norm are TENSOR_NOT_REQUIRED and applied only when present (GLM-4.5 355B)')),
    softcap: fact(null, graph),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('neox', cite('src/llama-model.cpp', 'llama_model_rope_type', 'NEOX, or MROPE when rope.dimension_sections is set (use_mrope)')),
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
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
    ],
    // The loop runs over n_layer_all. The main context loads with load_mtp false, so MTP layers
    // get TENSOR_SKIP: their tensors must be present (not loaded) while the file carries
    // blk.<n_layer>.nextn.eh_proj, except Q/K/V, which create_tensor_qkv makes TENSOR_NOT_REQUIRED
    // under TENSOR_SKIP.
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd_head_k*n_head'], layers: 'trunk' },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_k_gqa'], layers: 'trunk' },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'], layers: 'trunk' },
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd_head_k*n_head'], layers: 'mtp', optional: true },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_k_gqa'], layers: 'mtp', optional: true },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'], layers: 'mtp', optional: true },
      // GLM attention biases (attention_bias in config.json); optional in the loader.
      { name: 'blk.{i}.attn_q.bias', shape: ['n_embd_head_k*n_head'], optional: true },
      { name: 'blk.{i}.attn_k.bias', shape: ['n_embd_k_gqa'], optional: true },
      { name: 'blk.{i}.attn_v.bias', shape: ['n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd_head_k*n_head', 'n_embd'] },
      { name: 'blk.{i}.attn_q_norm.weight', shape: ['n_embd_head_k'], optional: true, init: 'ones' },
      { name: 'blk.{i}.attn_k_norm.weight', shape: ['n_embd_head_k'], optional: true, init: 'ones' },
      { name: 'blk.{i}.post_attention_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'], layers: 'dense-lead' },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'], layers: 'dense-lead' },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'], layers: 'dense-lead' },
      // MoE on every layer at or after leading_dense_block_count, MTP layers included.
      { name: 'blk.{i}.ffn_gate_inp.weight', shape: ['n_embd', 'n_expert'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.exp_probs_b.bias', shape: ['n_expert'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.ffn_gate_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.ffn_down_exps.weight', shape: ['n_ff_exp', 'n_embd', 'n_expert'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.ffn_up_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.ffn_gate_shexp.weight', shape: ['n_embd', 'n_ff_exp*expert_shared_count'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.ffn_down_shexp.weight', shape: ['n_ff_exp*expert_shared_count', 'n_embd'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.ffn_up_shexp.weight', shape: ['n_embd', 'n_ff_exp*expert_shared_count'], layers: 'after-dense-lead' },
      { name: 'blk.{i}.nextn.eh_proj.weight', shape: ['2*n_embd', 'n_embd'], layers: 'mtp' },
      { name: 'blk.{i}.nextn.enorm.weight', shape: ['n_embd'], layers: 'mtp', init: 'ones' },
      { name: 'blk.{i}.nextn.hnorm.weight', shape: ['n_embd'], layers: 'mtp', init: 'ones' },
      { name: 'blk.{i}.nextn.embed_tokens.weight', shape: ['n_embd', 'n_vocab'], layers: 'mtp', optional: true },
      { name: 'blk.{i}.nextn.shared_head_head.weight', shape: ['n_embd', 'n_vocab'], layers: 'mtp', optional: true },
      { name: 'blk.{i}.nextn.shared_head_norm.weight', shape: ['n_embd'], layers: 'mtp', optional: true, init: 'ones' },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 3,
      nextn_predict_layers: 1,
      leading_dense_block_count: 1,
      feed_forward_length: 256,
      expert_feed_forward_length: 64,
      expert_count: 4,
      expert_used_count: 2,
      expert_shared_count: 1,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'attention.key_length': 64,
      'attention.value_length': 64,
      'rope.dimension_count': 32,
      'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
      'rope.freq_base': { f32: 1000000 },
    },
    vocabSize: 320,
    why: 'one dense lead layer, one MoE trunk layer (2 of 4 experts plus a shared expert) and one trailing MTP layer (nextn_predict_layers 1) with its nextn tensors, which the main context still gives a KV slot; GQA 2 (4 heads over 2 KV heads) with head dim 64 and half of it rotated (n_rot 32) as in GLM-4.5, so Q is 256 wide against n_embd 128; q8_0/q4_0 divide 64',
  },
});
