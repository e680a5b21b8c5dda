import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/granite-hybrid.cpp', 'llama_model_granite_hybrid::load_arch_hparams');
const tensors = cite('src/models/granite-hybrid.cpp', 'llama_model_granite_hybrid::load_arch_tensors');
const graph = cite('src/models/granite-hybrid.cpp', 'llama_model_granite_hybrid::graph');

/** The FFN branches of load_arch_tensors: `if (n_expert > 0)` MoE, else dense; `if (hparams.n_ff_shexp > 0)` shared expert. */
const dense = [{ key: 'expert_count', is: 'zero' }] as const;
const moe = [{ key: 'expert_count', is: 'positive' }] as const;
const shared = [...moe, { key: 'expert_shared_feed_forward_length', is: 'positive' }] as const;

/** d_inner + 2·n_group·d_state: the conv channels (x, B, C) of build_mamba2_layer. */
const convDim = 'ssm.inner_size + 2*ssm.group_count*ssm.state_size';

export default defineArch({
  name: 'granitehybrid',
  summary: 'IBM Granite 4.0-H: Mamba-2 layers (head_count_kv 0) interleaved with GQA attention layers; dense FFN, or MoE when expert_count > 0.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact(
    'hybrid',
    cite('src/llama-model.cpp', 'llama_model::create_memory', 'llm_arch_is_hybrid(GRANITE_HYBRID), no arch filter: llama_memory_hybrid with the default filters !is_recr / is_recr (llama_memory_hybrid::llama_memory_hybrid)'),
  ),
  layers: {
    type: 'hybrid',
    recurrent: { type: 'head-count-kv-zero' },
    cite: cite('src/models/granite-hybrid.cpp', 'llama_model_granite_hybrid::load_arch_hparams', 'is_recr_impl[i] = n_head_kv(i) == 0 for i < n_layer ("a layer is recurrent IFF the n_head_kv value is set to 0")'),
  },
  recurrentState: fact('mamba', cite('src/llama-hparams.cpp', 'llama_hparams::n_embd_r / llama_hparams::n_embd_s', 'no wkv_head_size / shortconv / KDA: r = (d_conv−1)·(d_inner + 2·n_group·d_state), s = d_state·d_inner')),
  requiredKeys: fact(['attention.layer_norm_rms_epsilon', 'ssm.conv_kernel', 'ssm.inner_size', 'ssm.state_size', 'ssm.time_step_rank', 'ssm.group_count'], hparams),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(true, cite('src/models/granite-hybrid.cpp', 'llama_model_granite_hybrid::load_arch_tensors', 'attention widths use n_head(i), n_embd_k_gqa(i), n_embd_v_gqa(i); head_count_kv is a per-layer array')),
    qkNorm: fact(false, tensors),
    softcap: fact(null, hparams),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('norm', upstream.ropeType),
    // rope.scaling.finetuned (default true) switches RoPE on for every layer (rope_pattern); false means NoPE everywhere.
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
      // Created per layer ("rope_freqs" has no layer index), TENSOR_DUPLICATED after layer 0.
      { name: 'rope_freqs.weight', shape: ['n_rot/2'], optional: true },
    ],
    // Asserts d_inner == 2·n_embd. Attention widths are per layer (n_head(i), n_embd_k_gqa(i)).
    // The FFN is dense when expert_count is 0 (or absent), else MoE (`if (n_expert > 0)`).
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ssm_in.weight', shape: ['n_embd', `2*ssm.inner_size + 2*ssm.group_count*ssm.state_size + ssm.time_step_rank`], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_conv1d.weight', shape: ['ssm.conv_kernel', convDim], layers: 'recurrent' },
      // TENSOR_NOT_REQUIRED in the loader, but build_mamba2_layer adds it unconditionally (ggml_add with a
      // null tensor crashes), so a runnable file has it: declared required so the synthesizer writes it.
      { name: 'blk.{i}.ssm_conv1d.bias', shape: [convDim], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_dt.bias', shape: ['ssm.time_step_rank'], layers: 'recurrent' },
      // A (= −exp(A_log) upstream) and D, no ".weight" suffix. Random ±0.05 keeps exp(dt·A) within a few percent of 1.
      { name: 'blk.{i}.ssm_a', shape: [1, 'ssm.time_step_rank'], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_d', shape: [1, 'ssm.time_step_rank'], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_norm.weight', shape: ['ssm.inner_size / ssm.group_count', 'ssm.group_count'], layers: 'recurrent', init: 'ones' },
      { name: 'blk.{i}.ssm_out.weight', shape: ['ssm.inner_size', 'n_embd'], layers: 'recurrent' },
      // create_tensor_qkv also accepts a fused attn_qkv instead of q/k/v.
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd_head_k*n_head(il)'], layers: 'attention' },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_k_gqa(il)'], layers: 'attention' },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa(il)'], layers: 'attention' },
      { name: 'blk.{i}.attn_q.bias', shape: ['n_embd_head_k*n_head(il)'], layers: 'attention', optional: true },
      { name: 'blk.{i}.attn_k.bias', shape: ['n_embd_k_gqa(il)'], layers: 'attention', optional: true },
      { name: 'blk.{i}.attn_v.bias', shape: ['n_embd_v_gqa(il)'], layers: 'attention', optional: true },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd_head_k*n_head(il)', 'n_embd'], layers: 'attention' },
      { name: 'blk.{i}.attn_output.bias', shape: ['n_embd'], layers: 'attention', optional: true },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'], when: dense },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'], when: dense },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'], when: dense },
      { name: 'blk.{i}.ffn_gate.bias', shape: ['n_ff'], optional: true, when: dense },
      { name: 'blk.{i}.ffn_down.bias', shape: ['n_embd'], optional: true, when: dense },
      { name: 'blk.{i}.ffn_up.bias', shape: ['n_ff'], optional: true, when: dense },
      // MoE branch: experts n_ff wide; the shared expert only when expert_shared_feed_forward_length > 0.
      { name: 'blk.{i}.ffn_gate_inp.weight', shape: ['n_embd', 'n_expert'], when: moe },
      // TENSOR_NOT_REQUIRED in the loader, but the graph's build_moe_ffn gates with it (SwiGLU experts).
      { name: 'blk.{i}.ffn_gate_exps.weight', shape: ['n_embd', 'n_ff', 'n_expert'], when: moe },
      { name: 'blk.{i}.ffn_down_exps.weight', shape: ['n_ff', 'n_embd', 'n_expert'], when: moe },
      { name: 'blk.{i}.ffn_up_exps.weight', shape: ['n_embd', 'n_ff', 'n_expert'], when: moe },
      { name: 'blk.{i}.ffn_gate_shexp.weight', shape: ['n_embd', 'expert_shared_feed_forward_length'], when: shared },
      { name: 'blk.{i}.ffn_up_shexp.weight', shape: ['n_embd', 'expert_shared_feed_forward_length'], when: shared },
      { name: 'blk.{i}.ffn_down_shexp.weight', shape: ['expert_shared_feed_forward_length', 'n_embd'], when: shared },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 6,
      feed_forward_length: 256,
      'attention.head_count': 4,
      'attention.head_count_kv': [2, 0, 0, 2, 0, 0],
      'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
      'rope.freq_base': { f32: 10000 },
      'ssm.conv_kernel': 4,
      'ssm.inner_size': 256,
      'ssm.state_size': 64,
      'ssm.time_step_rank': 8,
      'ssm.group_count': 1,
    },
    vocabSize: 320,
    why: '2 attention layers (4 heads over 2 KV heads, head dim 32) among 4 Mamba-2 layers (d_inner 256 = 2·n_embd as the loader asserts, 8 SSM heads of 32, 1 group as in Granite 4.0-H); R (4 × 1152 f32) and S (4 × 16384 f32) show in the 2-decimal MiB log',
  },
});
