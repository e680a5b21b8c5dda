import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/qwen3next.cpp', 'llama_model_qwen3next::load_arch_hparams');
const tensors = cite('src/models/qwen3next.cpp', 'llama_model_qwen3next::load_arch_tensors');
const graph = cite('src/models/qwen3next.cpp', 'llama_model_qwen3next::graph');

// Gated DeltaNet widths (load_arch_tensors): head_k_dim = head_v_dim = d_state, n_k_heads = n_group,
// n_v_heads = dt_rank; the graph takes head_v_dim = d_inner / dt_rank, so d_inner = d_state·dt_rank.
const keyDim = 'ssm.state_size*ssm.group_count';
const valueDim = 'ssm.state_size*ssm.time_step_rank';
const convDim = `2*${keyDim} + ${valueDim}`;

export default defineArch({
  name: 'qwen3next',
  summary: 'Qwen3-Next: Gated DeltaNet linear-attention layers with a gated full-attention layer every full_attention_interval (4) layers; MoE FFN with a shared expert; optional MTP layers.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact(
    'hybrid',
    cite('src/llama-model.cpp', 'llama_model::create_memory', 'llm_arch_is_hybrid(QWEN3NEXT): llama_memory_hybrid with filter_attn = il < n_layer && !is_recr(il), filter_recr = il < n_layer && is_recr(il)'),
  ),
  layers: {
    type: 'hybrid',
    // Upstream the per-layer bool array attention.recurrent_layers wins when present; only without it does
    // full_attention_interval (default 4) apply. A selector holds one rule, so the array form is not modelled.
    recurrent: { type: 'interval', key: 'full_attention_interval', default: 4 },
    cite: cite('src/models/qwen3next.cpp', 'llama_model_qwen3next::load_arch_hparams', 'is_recr_impl[i] = i < n_layer && (i + 1) % full_attention_interval != 0, unless attention.recurrent_layers is present'),
  },
  recurrentState: fact(
    'mamba',
    cite('src/llama-hparams.cpp', 'llama_hparams::n_embd_r / llama_hparams::n_embd_s', 'falls through to the Mamba rule: r = (d_conv−1)·(d_inner + 2·n_group·d_state) = the GDN conv rows (build_conv_state), s = d_state·d_inner = head_v_dim²·n_v_heads'),
  ),
  requiredKeys: fact(['attention.layer_norm_rms_epsilon', 'ssm.conv_kernel', 'ssm.inner_size', 'ssm.state_size', 'ssm.time_step_rank', 'ssm.group_count'], hparams),
  mtp: fact('excluded-from-kv', cite('src/llama-model.cpp', 'llama_model::create_memory', 'filter_attn and filter_recr both require il < n_layer; an MTP context builds its own KV cache over il >= n_layer')),
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(true, tensors),
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
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'], optional: true },
    ],
    // Requires expert_count > 0 ("model cannot have zero experts"). Trailing MTP layers carry the trunk
    // block as a full-attention layer (TENSOR_SKIP unless the MTP head is loaded) plus the nextn tensors.
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.post_attention_norm.weight', shape: ['n_embd'], init: 'ones' },
      // Full attention: one Q projection yields query and gate (2·head_dim per head). create_tensor_qkv
      // also accepts a fused attn_qkv instead of q/k/v.
      { name: 'blk.{i}.attn_q.weight', shape: ['n_embd', 'n_embd_head_k*n_head*2'], layers: 'attention' },
      { name: 'blk.{i}.attn_k.weight', shape: ['n_embd', 'n_embd_k_gqa'], layers: 'attention' },
      { name: 'blk.{i}.attn_v.weight', shape: ['n_embd', 'n_embd_v_gqa'], layers: 'attention' },
      { name: 'blk.{i}.attn_q.bias', shape: ['n_embd_head_k*n_head*2'], layers: 'attention', optional: true },
      { name: 'blk.{i}.attn_k.bias', shape: ['n_embd_k_gqa'], layers: 'attention', optional: true },
      { name: 'blk.{i}.attn_v.bias', shape: ['n_embd_v_gqa'], layers: 'attention', optional: true },
      { name: 'blk.{i}.attn_output.weight', shape: ['n_embd_head_k*n_head', 'n_embd'], layers: 'attention' },
      { name: 'blk.{i}.attn_q_norm.weight', shape: ['n_embd_head_k'], layers: 'attention', init: 'ones' },
      { name: 'blk.{i}.attn_k_norm.weight', shape: ['n_embd_head_k'], layers: 'attention', init: 'ones' },
      // Gated DeltaNet. The input projection is either the legacy fused ssm_in (q, k, v, z) or
      // attn_qkv + attn_gate; all three are TENSOR_NOT_REQUIRED, but the graph needs one form, so the
      // attn_qkv + attn_gate form is declared required (the synthesizer writes it) and ssm_in optional.
      { name: 'blk.{i}.ssm_in.weight', shape: ['n_embd', `2*${keyDim} + 2*${valueDim}`], layers: 'recurrent', optional: true },
      { name: 'blk.{i}.attn_qkv.weight', shape: ['n_embd', convDim], layers: 'recurrent' },
      { name: 'blk.{i}.attn_gate.weight', shape: ['n_embd', valueDim], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_conv1d.weight', shape: ['ssm.conv_kernel', convDim], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_dt.bias', shape: ['ssm.time_step_rank'], layers: 'recurrent' },
      // LLM_TENSOR_SSM_A_NOSCAN (= −exp(A_log)), no ".weight" suffix. Random ±0.05 keeps the decay exp(gate) near 1.
      { name: 'blk.{i}.ssm_a', shape: ['ssm.time_step_rank'], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_ba.weight', shape: ['n_embd', '2*ssm.time_step_rank'], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_norm.weight', shape: ['ssm.state_size'], layers: 'recurrent', init: 'ones' },
      { name: 'blk.{i}.ssm_out.weight', shape: [valueDim, 'n_embd'], layers: 'recurrent' },
      // MoE FFN; n_ff_exp = expert_feed_forward_length (else n_ff / n_expert_used). create_tensor_gate_up_exps
      // takes the fused ffn_gate_up_exps when present, else gate and up separately.
      { name: 'blk.{i}.ffn_gate_inp.weight', shape: ['n_embd', 'n_expert'] },
      { name: 'blk.{i}.ffn_down_exps.weight', shape: ['n_ff_exp', 'n_embd', 'n_expert'] },
      { name: 'blk.{i}.ffn_gate_up_exps.weight', shape: ['n_embd', '2*n_ff_exp', 'n_expert'], optional: true },
      { name: 'blk.{i}.ffn_gate_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'] },
      { name: 'blk.{i}.ffn_up_exps.weight', shape: ['n_embd', 'n_ff_exp', 'n_expert'] },
      // Shared expert, width n_ff_shexp = expert_shared_feed_forward_length (else n_ff(il)).
      { name: 'blk.{i}.ffn_gate_inp_shexp.weight', shape: ['n_embd'] },
      { name: 'blk.{i}.ffn_gate_shexp.weight', shape: ['n_embd', 'expert_shared_feed_forward_length'] },
      { name: 'blk.{i}.ffn_up_shexp.weight', shape: ['n_embd', 'expert_shared_feed_forward_length'] },
      { name: 'blk.{i}.ffn_down_shexp.weight', shape: ['expert_shared_feed_forward_length', 'n_embd'] },
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
      block_count: 6,
      full_attention_interval: 3,
      'attention.head_count': 4,
      'attention.head_count_kv': 2,
      'attention.key_length': 64,
      'attention.value_length': 64,
      'rope.dimension_count': 32,
      'rope.freq_base': { f32: 10000000 },
      'attention.layer_norm_rms_epsilon': { f32: 1e-6 },
      expert_count: 4,
      expert_used_count: 2,
      expert_feed_forward_length: 64,
      expert_shared_feed_forward_length: 128,
      'ssm.conv_kernel': 4,
      'ssm.state_size': 64,
      'ssm.group_count': 2,
      'ssm.time_step_rank': 4,
      'ssm.inner_size': 256,
    },
    vocabSize: 320,
    why: 'full_attention_interval 3 (not the default 4, so the key is read) over 6 layers: attention on layers 2 and 5 (4 heads over 2 KV heads, head dim 64 with partial RoPE 32, gated Q twice as wide), Gated DeltaNet on 0, 1, 3, 4 with 2 key heads and 4 value heads of 64 (d_inner 256 = d_state·dt_rank) so the head repeat runs; 4 experts (2 used) plus the shared expert; R (4 × 1536 f32) and S (4 × 16384 f32) show in the 2-decimal MiB log',
  },
});
