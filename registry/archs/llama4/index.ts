import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/llama4.cpp', 'llama_model_llama4::load_arch_hparams');
const tensors = cite('src/models/llama4.cpp', 'llama_model_llama4::load_arch_tensors');
const graph = cite('src/models/llama4.cpp', 'llama_model_llama4::graph');
const moeStep = { type: 'step', key: 'interleave_moe_layer_step', selects: 'on-step' } as const;
const denseStep = { type: 'step', key: 'interleave_moe_layer_step', selects: 'off-step' } as const;

export default defineArch({
  name: 'llama4',
  summary: 'Meta Llama 4 (Scout, Maverick): 3 chunked-attention layers (chunk 8192) to 1 full NoPE layer; MoE with a shared expert every interleave_moe_layer_step layers.',
  status: { supported: true },
  kind: fact('decoder', cite('src/llama-model.cpp', 'llama_model::create_memory', 'default branch: a causal KV cache')),
  memory: fact('iswa', cite('src/llama-model.cpp', 'llama_model::create_memory', 'llama_kv_cache_iswa when swa_type != NONE, else llama_kv_cache')),
  layers: {
    type: 'swa',
    swaType: 'chunked',
    period: 4,
    denseFirst: false,
    patternKey: 'scalar',
    // The window key only switches SWA off (present and 0); any other value is replaced by 8192.
    window: {
      required: false,
      forced: 8192,
      zeroAborts: {
        why: 'GGML_ASSERT(f_attn_temp_scale != 0.0f): the graph always builds the attention-temperature input, and only the chunked branch of load_arch_hparams sets its scale',
        cite: cite('src/llama-graph.cpp', 'llm_graph_input_attn_temp::set_input', 'asserts f_attn_temp_scale != 0; llama4.cpp graph calls build_inp_attn_scale() unconditionally, load_arch_hparams sets f_attn_temp_scale = 0.1 only when sliding_window is not 0'),
      },
    },
    activation: { type: 'unless-window-zero' },
    cite: cite('src/models/llama4.cpp', 'llama_model_llama4::load_arch_hparams', 'sliding_window present and 0: swa_type NONE; else CHUNKED, n_swa = 8192, set_swa_pattern(sliding_window_pattern, default 4)'),
  },
  requiredKeys: fact(
    ['attention.layer_norm_rms_epsilon', 'expert_feed_forward_length', 'interleave_moe_layer_step', 'expert_count', 'expert_used_count'],
    cite(
      'src/models/llama4.cpp',
      'llama_model_llama4::load_arch_hparams',
      'get_key without a default for the first three; load_arch_tensors throws "cannot have zero experts", and load_hparams asserts n_expert_used > 0 once n_expert > 0',
    ),
  ),
  mtp: fact('none', tensors),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    // The Q/K RMS norm (use_kq_norm, off for 17B-128E) has no weights: ggml_rms_norm without tensors.
    qkNorm: fact(false, tensors),
    softcap: fact(null, hparams),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('norm', upstream.ropeType),
    // n_no_rope_layer_step keeps its default 4 (never read from a key), whatever sliding_window_pattern says.
    nopeLayers: fact({ type: 'period', period: 4 }, cite('src/models/llama4.cpp', 'llama_model_llama4::graph', 'use_rope iff (il + 1) % n_no_rope_layer_step != 0; n_no_rope_layer_step defaults to 4 in llama-hparams.h')),
    // With sliding_window 0 the loader would also set n_no_rope_layer_step = n_layer, but such a file
    // aborts at its first decode and is refused (layers.window.zeroAborts), so no rule is kept for it.
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
  graph: {
    moe: fact(
      { gating: 'sigmoid', normalizeWeights: false, selectFromLogits: true, weightBeforeExperts: true },
      cite('src/llama-graph.cpp', 'llm_graph_context::build_moe_ffn', 'llama4 passes SIGMOID gating, norm_w false (llama_model_llama4::graph); for LLM_ARCH_LLAMA4 the top-k come from the logits and the weights multiply the repeated input before the experts (weight_before_ffn)'),
    ),
    nopeQueryScale: fact(true, cite('src/models/llama4.cpp', 'llama_model_llama4::graph', 'a layer without RoPE multiplies Qcur by inp_attn_scale (temperature tuning)')),
  },
  tensors: {
    global: [
      { name: 'token_embd.weight', shape: ['n_embd', 'n_vocab'] },
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
      // Created per layer ("rope_freqs" has no layer index), TENSOR_DUPLICATED after layer 0.
      { name: 'rope_freqs.weight', shape: ['n_rot/2'], optional: true },
    ],
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      // create_tensor_qkv: a fused attn_qkv (TENSOR_NOT_REQUIRED) or, without it, separate Q/K/V (required) with optional biases.
      { name: 'blk.{i}.attn_qkv.weight', shape: ['n_embd', 'n_embd_head_k*n_head + n_embd_k_gqa + n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_qkv.bias', shape: ['n_embd_head_k*n_head + n_embd_k_gqa + n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd_head_k*n_head'] },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_k_gqa'] },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'] },
      { name: 'blk.{i}.attn_q.bias', shape: ['n_embd_head_k*n_head'], optional: true },
      { name: 'blk.{i}.attn_k.bias', shape: ['n_embd_k_gqa'], optional: true },
      { name: 'blk.{i}.attn_v.bias', shape: ['n_embd_v_gqa'], optional: true },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd_head_k*n_head', 'n_embd'] },
      { name: 'blk.{i}.ffn_norm.weight', shape: ['n_embd'], init: 'ones' },
      // MoE layers ((il + 1) % interleave_moe_layer_step == 0): routed experts plus one shared expert n_ff_exp wide.
      { name: 'blk.{i}.ffn_gate_inp.weight', shape: ['n_embd', 'n_expert'], layers: moeStep },
      { name: 'blk.{i}.ffn_gate_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'], layers: moeStep },
      { name: 'blk.{i}.ffn_down_exps.weight', shape: ['n_ff_exp', 'n_embd', 'n_expert'], layers: moeStep },
      { name: 'blk.{i}.ffn_up_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'], layers: moeStep },
      { name: 'blk.{i}.ffn_gate_shexp.weight', shape: ['n_embd', 'n_ff_exp'], layers: moeStep },
      { name: 'blk.{i}.ffn_down_shexp.weight', shape: ['n_ff_exp', 'n_embd'], layers: moeStep },
      { name: 'blk.{i}.ffn_up_shexp.weight', shape: ['n_embd', 'n_ff_exp'], layers: moeStep },
      // The other layers: a dense SwiGLU FFN n_ff wide.
      { name: 'blk.{i}.ffn_gate.weight', shape: ['n_embd', 'n_ff'], layers: denseStep },
      { name: 'blk.{i}.ffn_down.weight', shape: ['n_ff', 'n_embd'], layers: denseStep },
      { name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff'], layers: denseStep },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 4,
      feed_forward_length: 128,
      expert_feed_forward_length: 64,
      expert_count: 4,
      expert_used_count: 1,
      interleave_moe_layer_step: 2,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
      'rope.freq_base': { f32: 500000 },
    },
    vocabSize: 320,
    why: 'block_count 4 with the default period 4: layers 0-2 chunked (window forced to 8192), layer 3 full and NoPE; interleave_moe_layer_step 2 makes layers 1 and 3 MoE (4 experts, top 1, shared expert) and 0 and 2 dense; GQA 2 with head dim 32 (128 / 4) for q8_0/q4_0 blocks',
  },
});
