import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/deci.cpp', 'llama_model_deci::load_arch_hparams');
const tensors = cite('src/models/deci.cpp', 'llama_model_deci::load_arch_tensors');
const graph = cite('src/models/deci.cpp', 'llama_model_deci::graph');

export default defineArch({
  name: 'deci',
  summary:
    'DeciLM / NVIDIA Llama-3.1-Nemotron (51B, Ultra 253B): llama blocks with per-layer head, KV-head and FFN counts; head_count_kv 0 marks a linear-attention or attention-free layer that keeps a zero-width KV slot.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact(
    'kv',
    cite(
      'src/llama-model.cpp',
      'llama_model::create_memory',
      'default branch, no layer filter: llama_kv_cache allocates every layer, a head_count_kv 0 layer with a zero-width K (and V unless v_trans pads V to n_embd_v_gqa_max)',
    ),
  ),
  layers: { type: 'all-full', cite: hparams },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon'], hparams),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(
      true,
      cite(
        'src/models/deci.cpp',
        'llama_model_deci::load_arch_tensors',
        'n_head(i), n_head_kv(i), n_ff(i) per layer: n_head_kv 0 && n_head > 0 = "linear attention" (attn_norm + attn_output {n_embd, n_embd}, no Q/K/V, no build_attn); n_head 0 = attention-free layer (no attention tensors); n_ff 0 = FFN-free layer',
      ),
    ),
    qkNorm: fact(false, tensors),
    softcap: fact(null, graph),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('norm', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, graph),
    nRotMustEqualHeadDim: fact(true, upstream.nRotCheck),
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
      // Created in the layer loop, but the name carries no layer number (layers > 0 duplicate it).
      { name: 'rope_freqs.weight', shape: ['n_rot/2'], optional: true },
    ],
    // Per layer the loader uses n_head(i), n_head_kv(i), n_ff(i), n_embd_k_gqa(i), n_embd_v_gqa(i);
    // n_embd_head_k stays layer 0's (LLAMA_LOAD_LOCALS). Three attention kinds by layer:
    // n_head_kv(i) > 0 has Q/K/V (create_tensor_qkv: fused attn_qkv, else separate); n_head_kv 0 with
    // n_head > 0 is "linear attention", attn_norm plus attn_output {n_embd, n_embd}; n_head 0 has no
    // attention tensors. FFN tensors and ffn_norm exist only where n_ff(i) > 0.
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], layers: 'attention', init: 'ones' },
      {
        name: 'blk.{i}.attn_qkv.weight',
        shape: ['n_embd', 'n_head(il)*n_embd_head_k + n_embd_k_gqa(il) + n_embd_v_gqa(il)'],
        layers: 'kv-heads',
        optional: true,
        // create_tensor_qkv (llama-model.cpp): Q/K/V and their biases are created only without a fused attn_qkv.
        insteadOf: ['blk.{i}.attn_q.weight', 'blk.{i}.attn_k.weight', 'blk.{i}.attn_v.weight', 'blk.{i}.attn_q.bias', 'blk.{i}.attn_k.bias', 'blk.{i}.attn_v.bias'],
      },
      { name: 'blk.{i}.attn_qkv.bias', shape: ['n_head(il)*n_embd_head_k + n_embd_k_gqa(il) + n_embd_v_gqa(il)'], layers: 'kv-heads', optional: true },
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_head(il)*n_embd_head_k'], layers: 'kv-heads' },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_k_gqa(il)'], layers: 'kv-heads' },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa(il)'], layers: 'kv-heads' },
      { name: 'blk.{i}.attn_q.bias', shape: ['n_head(il)*n_embd_head_k'], layers: 'kv-heads', optional: true },
      { name: 'blk.{i}.attn_k.bias', shape: ['n_embd_k_gqa(il)'], layers: 'kv-heads', optional: true },
      { name: 'blk.{i}.attn_v.bias', shape: ['n_embd_v_gqa(il)'], layers: 'kv-heads', optional: true },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_head(il)*n_embd_head_k', 'n_embd'], layers: 'kv-heads' },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd', 'n_embd'], layers: 'linear-attention' },
      { name: 'blk.{i}.attn_output.bias', shape: ['n_embd'], optional: true },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], layers: 'ffn', init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff(il)'], layers: 'ffn' },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff(il)', 'n_embd'], layers: 'ffn' },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff(il)'], layers: 'ffn' },
      { name: 'blk.{i}.ffn_gate.bias', shape: ['n_ff(il)'], optional: true },
      { name: 'blk.{i}.ffn_down.bias', shape: ['n_embd'], optional: true },
      { name: 'blk.{i}.ffn_up.bias', shape: ['n_ff(il)'], optional: true },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 5,
      feed_forward_length: [256, 256, 256, 0, 128],
      'attention.head_count': [4, 0, 4, 8, 2],
      'attention.head_count_kv': [2, 0, 0, 2, 1],
      'attention.key_length': 32,
      'attention.value_length': 32,
      'rope.dimension_count': 32,
      'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
      'rope.freq_base': { f32: 10000 },
    },
    vocabSize: 320,
    why: 'every Nemotron layer kind, each with its own counts: layer 0 attends (4 heads over 2 KV heads), layer 1 has no attention (n_head 0), layer 2 is linear attention (4 heads, no KV heads), layer 3 has no FFN (8 heads over 2), layer 4 attends with 2 heads over 1 and a narrower FFN; the zero-width KV slots of layers 1 and 2 still count. Layer 0 attends so head dims exist; the last layer keeps its FFN because an FFN-free layer `continue`s before inpL = cur, so on the last layer the output rows would never be selected. Head dim 32 = n_rot as the deci n_rot check demands, q8_0/q4_0 dividing it',
  },
});
