import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/openelm.cpp', 'llama_model_openelm::load_arch_hparams');
const tensors = cite('src/models/openelm.cpp', 'llama_model_openelm::load_arch_tensors');
const graph = cite('src/models/openelm.cpp', 'llama_model_openelm::graph');

export default defineArch({
  name: 'openelm',
  summary: 'Apple OpenELM: layer-wise scaling, so head count, KV-head count and FFN width change from layer to layer; fused QKV with Q/K RMS-norm.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', cite('src/llama-model.cpp', 'llama_model::create_memory', 'default branch: llama_kv_cache over every layer, no filter')),
  layers: { type: 'all-full', cite: hparams },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon'], hparams),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(
      true,
      cite(
        'src/models/openelm.cpp',
        'llama_model_openelm::load_arch_tensors',
        'n_head(i), n_head_kv(i) and n_ff(i) size each layer\'s attn_qkv, attn_output and FFN; the graph views Q/K/V with the same per-layer counts. The converter writes head_count, head_count_kv and feed_forward_length as arrays',
      ),
    ),
    qkNorm: fact(true, cite('src/models/openelm.cpp', 'llama_model_openelm::load_arch_tensors', 'attn_q_norm / attn_k_norm {n_embd_head_k}, required')),
    softcap: fact(null, graph),
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
    // No output.weight: the output head is always token_embd (TENSOR_DUPLICATED), so a file that
    // carries output.weight fails with "wrong number of tensors".
    global: [
      { name: 'token_embd.weight', shape: ['n_embd', 'n_vocab'] },
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
    ],
    // The loader sizes each layer with its own n_head(i), n_head_kv(i) and n_ff(i); the head dim
    // (n_embd_head_k) is layer 0's (LLAMA_LOAD_LOCALS).
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_qkv.weight', shape: ['n_embd', '(n_head(il) + 2*n_head_kv(il))*n_embd_head_k'] },
      { name: 'blk.{i}.attn_q_norm.weight', shape: ['n_embd_head_k'], init: 'ones' },
      { name: 'blk.{i}.attn_k_norm.weight', shape: ['n_embd_head_k'], init: 'ones' },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_head(il)*n_embd_head_k', 'n_embd'] },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff(il)'] },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff(il)', 'n_embd'] },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff(il)'] },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 3,
      feed_forward_length: [128, 256, 384],
      'attention.head_count': [4, 6, 8],
      'attention.head_count_kv': [2, 3, 4],
      'attention.key_length': 32,
      'attention.value_length': 32,
      'rope.dimension_count': 32,
      'attention.layer_norm_rms_epsilon': { f32: 1e-6 },
      'rope.freq_base': { f32: 10000 },
    },
    vocabSize: 320,
    why: 'layer-wise scaling as the real OpenELM has it: head_count, head_count_kv and feed_forward_length are per-layer arrays that grow with depth (4/6/8 heads over 2/3/4 KV heads, GQA 2 each; FFN 128/256/384), so each layer\'s attn_qkv, attn_output and FFN and its KV rows differ; an explicit head dim 32 (key_length = value_length = n_rot) so q8_0/q4_0 divide it',
  },
});
