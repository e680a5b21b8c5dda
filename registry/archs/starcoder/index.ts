import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/starcoder.cpp', 'llama_model_starcoder::load_arch_hparams');
const tensors = cite('src/models/starcoder.cpp', 'llama_model_starcoder::load_arch_tensors');
const graph = cite('src/models/starcoder.cpp', 'llama_model_starcoder::graph');

export default defineArch({
  name: 'starcoder',
  summary: 'BigCode StarCoder / SantaCoder (GPTBigCode): multi-query attention (one KV head), learned position embeddings, fused QKV with biases.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', cite('src/llama-model.cpp', 'llama_model::create_memory', 'default branch: llama_kv_cache over every layer, no filter')),
  layers: { type: 'all-full', cite: hparams },
  requiredKeys: fact(['attention.layer_norm_epsilon'], cite('src/models/starcoder.cpp', 'llama_model_starcoder::load_arch_hparams', 'LayerNorm (not RMS) epsilon, read with get_key (required)')),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, tensors),
    qkNorm: fact(false, tensors),
    softcap: fact(null, graph),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('norm', cite('src/llama-model.cpp', 'llama_model_rope_type', 'listed as LLAMA_ROPE_TYPE_NORM, but the graph never calls ggml_rope: positions come from the learned position_embd rows')),
    nopeLayers: fact({ type: 'none' }, cite('src/models/starcoder.cpp', 'llama_model_starcoder::graph', 'no layer applies RoPE at all (ggml_get_rows of position_embd added to the input); the schema has no "every layer" NoPE value')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
  tensors: {
    global: [
      { name: 'token_embd.weight', shape: ['n_embd', 'n_vocab'] },
      // Learned absolute positions: one row per training position (n_ctx_train = context_length).
      { name: 'position_embd.weight', shape: ['n_embd', 'context_length'] },
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'output_norm.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
    ],
    // Fused QKV only (no separate attn_q/k/v path): Q is n_embd wide and K, V are n_embd_gqa
    // (= n_embd_v_gqa in LLAMA_LOAD_LOCALS) wide each; every projection and norm carries a bias.
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_norm.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'blk.{i}.attn_qkv.weight', shape: ['n_embd', 'n_embd + 2*n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_qkv.bias', shape: ['n_embd + 2*n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd', 'n_embd'] },
      { name: 'blk.{i}.attn_output.bias', shape: ['n_embd'] },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_norm.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'] },
      { name: 'blk.{i}.ffn_down.bias', shape: ['n_embd'] },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_up.bias', shape: ['n_ff'] },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 2,
      feed_forward_length: 512,
      'attention.head_count': 4,
      'attention.head_count_kv': 1,
      'attention.layer_norm_epsilon': { f32: 1e-5 },
    },
    vocabSize: 320,
    why: 'MQA as the converter writes it (head_count_kv 1): 4 query heads share one 32-wide KV head, so each cache row is 32 wide; head dim 32 = n_embd / n_head as the n_embd-wide fused Q and output projection require, and q8_0/q4_0 divide it; context_length 4096 sizes position_embd to cover the largest test context',
  },
});
