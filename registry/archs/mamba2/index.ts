import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/mamba2.cpp', 'llama_model_mamba2::load_arch_hparams');
const tensors = cite('src/models/mamba2.cpp', 'llama_model_mamba2::load_arch_tensors');
const graph = cite('src/models/mamba.cpp', 'llama_model_mamba::graph', 'llama_model_mamba2::graph = llama_model_mamba::graph; MAMBA2 runs build_mamba2_layer');

/** d_inner + 2·n_group·d_state: the conv channels (x, B, C) of build_mamba2_layer. */
const convDim = 'ssm.inner_size + 2*ssm.group_count*ssm.state_size';

export default defineArch({
  name: 'mamba2',
  summary: 'Mamba-2 (state-space duality): every layer an SSM block with grouped B/C (ssm.group_count); no attention, no KV cache.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('recurrent', cite('src/llama-model.cpp', 'llama_model::create_memory', 'llm_arch_is_recurrent(MAMBA2) (src/llama-arch.cpp): llama_memory_recurrent only, f32 R/S, mem_size max(1, n_seq_max)')),
  layers: { type: 'recurrent', cite: cite('src/llama-model.cpp', 'llama_model_base::load_hparams', 'is_recr_impl filled with llm_arch_is_recurrent(arch): every layer recurrent') },
  recurrentState: fact('mamba', cite('src/llama-hparams.cpp', 'llama_hparams::n_embd_r / llama_hparams::n_embd_s', 'no wkv_head_size / shortconv / KDA: r = (d_conv−1)·(d_inner + 2·n_group·d_state), s = d_state·d_inner')),
  requiredKeys: fact(['ssm.conv_kernel', 'ssm.inner_size', 'ssm.state_size', 'ssm.time_step_rank', 'ssm.group_count', 'attention.layer_norm_rms_epsilon'], hparams),
  mtp: fact('none', tensors),
  // No attention at all: attention.head_count is absent (0), so head dims and n_rot are 0 (load_hparams).
  kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(false, tensors),
    softcap: fact(null, hparams),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('none', upstream.ropeType),
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
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      // d_in_proj = d_inner (z) + conv_dim (x, B, C) + dt_rank (dt)
      { name: 'blk.{i}.ssm_in.weight', shape: ['n_embd', `ssm.inner_size + ${convDim} + ssm.time_step_rank`], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_conv1d.weight', shape: ['ssm.conv_kernel', convDim], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_conv1d.bias', shape: [convDim], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_dt.bias', shape: ['ssm.time_step_rank'], layers: 'recurrent' },
      // A (= −exp(A_log) upstream) and D, no ".weight" suffix. Random ±0.05 keeps exp(dt·A) within a few percent of 1.
      { name: 'blk.{i}.ssm_a', shape: [1, 'ssm.time_step_rank'], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_d', shape: [1, 'ssm.time_step_rank'], layers: 'recurrent' },
      { name: 'blk.{i}.ssm_norm.weight', shape: ['ssm.inner_size / ssm.group_count', 'ssm.group_count'], layers: 'recurrent', init: 'ones' },
      { name: 'blk.{i}.ssm_out.weight', shape: ['ssm.inner_size', 'n_embd'], layers: 'recurrent' },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 128,
      block_count: 4,
      'ssm.conv_kernel': 4,
      'ssm.inner_size': 256,
      'ssm.state_size': 64,
      'ssm.time_step_rank': 8,
      'ssm.group_count': 2,
      'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
    },
    vocabSize: 320,
    why: 'Mamba-2 with 2 groups (n_group > 1 changes the conv row: r = 3·(256 + 2·2·64) = 1536 f32 per layer vs 768 without groups) and 8 SSM heads of dim 32 (d_inner 256 = 2·n_embd as in real Mamba-2); 4 layers so R (24 KiB) and S (256 KiB) show in the 2-decimal MiB log',
  },
});
