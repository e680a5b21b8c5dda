import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/falcon-h1.cpp', 'llama_model_falcon_h1::load_arch_hparams');
const tensors = cite('src/models/falcon-h1.cpp', 'llama_model_falcon_h1::load_arch_tensors');
const graph = cite('src/models/falcon-h1.cpp', 'llama_model_falcon_h1::graph');

/** d_inner + 2·n_group·d_state: the conv channels (x, B, C) of build_mamba2_layer. */
const convDim = 'ssm.inner_size + 2*ssm.group_count*ssm.state_size';

export default defineArch({
  name: 'falcon-h1',
  summary: 'TII Falcon-H1: every layer runs GQA attention and a Mamba-2 mixer in parallel, so every layer keeps both KV rows and SSM state.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('hybrid', cite('src/llama-model.cpp', 'llama_model::create_memory', 'llm_arch_is_hybrid(FALCON_H1): llama_memory_hybrid with filter_attn = filter_recr = every layer')),
  layers: {
    type: 'hybrid',
    recurrent: { type: 'every-layer' },
    cite: cite('src/models/falcon-h1.cpp', 'llama_model_falcon_h1::load_arch_hparams', 'is_recr_impl filled with true; create_memory keeps every layer in both the KV cache and the recurrent state'),
  },
  recurrentState: fact('mamba', cite('src/llama-hparams.cpp', 'llama_hparams::n_embd_r / llama_hparams::n_embd_s', 'no wkv_head_size / shortconv / KDA: r = (d_conv−1)·(d_inner + 2·n_group·d_state), s = d_state·d_inner')),
  requiredKeys: fact(['attention.layer_norm_rms_epsilon', 'ssm.conv_kernel', 'ssm.inner_size', 'ssm.state_size', 'ssm.time_step_rank', 'ssm.group_count'], hparams),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    // Widths use n_head(0) / n_head_kv(0) / n_ff(0) for every layer.
    perLayerHeads: fact(false, tensors),
    qkNorm: fact(false, tensors),
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
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
      // Created per layer ("rope_freqs" has no layer index), TENSOR_DUPLICATED after layer 0.
      { name: 'rope_freqs.weight', shape: ['n_rot/2'], optional: true },
    ],
    // Every layer is both an attention and a recurrent layer, so both selectors pick every layer.
    perLayer: [
      // ssm_projection_size = d_inner (z) + conv_dim (x, B, C) + n_heads (dt)
      { name: 'blk.{i}.ssm_in.weight', shape: ['n_embd', `ssm.inner_size + ${convDim} + ssm.time_step_rank`], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_conv1d.weight', shape: ['ssm.conv_kernel', convDim], layers: 'recurrent' },
      // TENSOR_NOT_REQUIRED in the loader, but build_mamba2_layer adds it unconditionally (ggml_add with a
      // null tensor crashes), so a runnable file has it: declared required so the synthesizer writes it.
      { name: 'blk.{i}.ssm_conv1d.bias', shape: [convDim], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_dt.bias', shape: ['ssm.time_step_rank'], layers: 'recurrent' },
      // A (= −exp(A_log) upstream) and D, no ".weight" suffix. Random ±0.05 keeps exp(dt·A) within a few percent of 1.
      { name: 'blk.{i}.ssm_a', shape: [1, 'ssm.time_step_rank'], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_d', shape: [1, 'ssm.time_step_rank'], layers: 'recurrent' },
      // Optional here; build_mamba2_layer skips the grouped norm without it.
      { name: 'blk.{i}.ssm_norm.weight', shape: ['ssm.inner_size / ssm.group_count', 'ssm.group_count'], layers: 'recurrent', optional: true, init: 'ones' },
      { name: 'blk.{i}.ssm_out.weight', shape: ['ssm.inner_size', 'n_embd'], layers: 'recurrent' },
      // create_tensor_qkv also accepts a fused attn_qkv instead of q/k/v.
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd_head_k*n_head'], layers: 'attention' },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_head_kv*n_embd_head_k'], layers: 'attention' },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_head_kv*n_embd_head_v'], layers: 'attention' },
      { name: 'blk.{i}.attn_q.bias', shape: ['n_embd_head_k*n_head'], layers: 'attention', optional: true },
      { name: 'blk.{i}.attn_k.bias', shape: ['n_head_kv*n_embd_head_k'], layers: 'attention', optional: true },
      { name: 'blk.{i}.attn_v.bias', shape: ['n_head_kv*n_embd_head_v'], layers: 'attention', optional: true },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd_head_k*n_head', 'n_embd'], layers: 'attention' },
      { name: 'blk.{i}.attn_output.bias', shape: ['n_embd'], layers: 'attention', optional: true },
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      // tn(LLM_TENSOR_FFN_NORM, i) without a suffix: the loader looks for "blk.N.ffn_norm", no ".weight".
      { name: 'blk.{i}.ffn_norm', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'] },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.ffn_gate.bias', shape: ['n_ff'], optional: true },
      { name: 'blk.{i}.ffn_down.bias', shape: ['n_embd'], optional: true },
      { name: 'blk.{i}.ffn_up.bias', shape: ['n_ff'], optional: true },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 4,
      feed_forward_length: 256,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'attention.key_length': 32,
      'attention.value_length': 32,
      'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
      'rope.freq_base': { f32: 100000000000 },
      'ssm.conv_kernel': 4,
      'ssm.inner_size': 256,
      'ssm.state_size': 64,
      'ssm.time_step_rank': 8,
      'ssm.group_count': 1,
    },
    vocabSize: 320,
    why: 'every one of 4 layers holds KV (4 heads over 2 KV heads, head dim 32) and Mamba-2 state (d_inner 256, 8 SSM heads of 32, 1 group); 4 layers so R (4 × 1152 f32) and S (4 × 16384 f32) show in the 2-decimal MiB log',
  },
});
