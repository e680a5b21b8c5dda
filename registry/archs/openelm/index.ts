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
    // The loader sizes these per layer: attn_qkv {n_embd, (n_head(i) + 2*n_head_kv(i))*n_embd_head_k},
    // attn_output {n_head(i)*n_embd_head_k, n_embd}, FFN {n_embd, n_ff(i)}. The dims below are
    // layer-0 values (LLAMA_LOAD_LOCALS), which the synthesizer evaluates; they equal the per-layer
    // shapes only while every layer has layer 0's counts.
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_qkv.weight', shape: ['n_embd', '(n_head + 2*n_head_kv)*n_embd_head_k'] },
      { name: 'blk.{i}.attn_q_norm.weight', shape: ['n_embd_head_k'], init: 'ones' },
      { name: 'blk.{i}.attn_k_norm.weight', shape: ['n_embd_head_k'], init: 'ones' },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_head*n_embd_head_k', 'n_embd'] },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'] },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'] },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 2,
      feed_forward_length: 256,
      'attention.head_count': [4, 4],
      'attention.head_count_kv': [2, 2],
      'attention.key_length': 32,
      'attention.value_length': 32,
      'rope.dimension_count': 32,
      'attention.layer_norm_rms_epsilon': { f32: 1e-6 },
      'rope.freq_base': { f32: 10000 },
    },
    vocabSize: 320,
    why: 'head_count and head_count_kv as per-layer arrays of length block_count, as the converter writes them, with GQA 2 (4 heads over 2 KV heads) and an explicit head dim 32 (key_length = value_length = n_rot) so q8_0/q4_0 divide it; the counts are equal across layers and feed_forward_length is a scalar because the synthesizer sizes every layer\'s tensors with layer-0 values',
  },
});
