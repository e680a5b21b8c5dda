import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/rwkv7.cpp', 'llama_model_rwkv7::load_arch_hparams');
const tensors = cite('src/models/rwkv7.cpp', 'llama_model_rwkv7::load_arch_tensors');
const graph = cite('src/models/rwkv7.cpp', 'llama_model_rwkv7::graph');

export default defineArch({
  name: 'rwkv7',
  summary: 'RWKV-7 "Goose": every layer a WKV-7 time-mix plus channel-mix block with token-shift and WKV state; no attention, no KV cache.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('recurrent', cite('src/llama-model.cpp', 'llama_model::create_memory', 'llm_arch_is_recurrent(RWKV7) (src/llama-arch.cpp): llama_memory_recurrent only, f32 R/S, mem_size max(1, n_seq_max)')),
  layers: { type: 'recurrent', cite: cite('src/llama-model.cpp', 'llama_model_base::load_hparams', 'is_recr_impl filled with llm_arch_is_recurrent(arch): every layer recurrent') },
  recurrentState: fact(
    'rwkv',
    cite('src/llama-hparams.cpp', 'llama_hparams::n_embd_r / llama_hparams::n_embd_s', 'wkv_head_size != 0: r = token_shift_count·n_embd (token_shift_count default 2, asserted == 2 in the graph), s = n_embd·wkv_head_size'),
  ),
  // gate_lora_rank, token_shift_count and the layer-norm eps keys are read with required = false.
  requiredKeys: fact(['wkv.head_size', 'attention.decay_lora_rank', 'attention.iclr_lora_rank', 'attention.value_residual_mix_lora_rank'], hparams),
  mtp: fact('none', tensors),
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
      // LN0 on the embeddings (LLM_TENSOR_TOKEN_EMBD_NORM, layer 0), a LayerNorm with bias.
      { name: 'token_embd_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'token_embd_norm.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'output_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'output_norm.bias', shape: ['n_embd'], init: 'zeros' },
      // Required here (flags 0), unlike most archs.
      { name: 'output.weight', shape: ['n_embd', 'n_vocab'] },
    ],
    perLayer: [
      { name: 'blk.{i}.attn_norm.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_norm.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'blk.{i}.attn_norm_2.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.attn_norm_2.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'blk.{i}.time_mix_w0.weight', shape: ['n_embd'] },
      { name: 'blk.{i}.time_mix_w1.weight', shape: ['n_embd', 'attention.decay_lora_rank'] },
      { name: 'blk.{i}.time_mix_w2.weight', shape: ['attention.decay_lora_rank', 'n_embd'] },
      { name: 'blk.{i}.time_mix_a0.weight', shape: ['n_embd'] },
      { name: 'blk.{i}.time_mix_a1.weight', shape: ['n_embd', 'attention.iclr_lora_rank'] },
      { name: 'blk.{i}.time_mix_a2.weight', shape: ['attention.iclr_lora_rank', 'n_embd'] },
      // Upstream, layer 0 sizes v1/v2 with iclr_lora_rank (its value-residual mix is unused) and every
      // other layer with value_residual_mix_lora_rank. A layer selector cannot say "layer 0 only", so
      // this layout holds only when the two ranks are equal (as in the contract model).
      { name: 'blk.{i}.time_mix_v0.weight', shape: ['n_embd'] },
      { name: 'blk.{i}.time_mix_v1.weight', shape: ['n_embd', 'attention.value_residual_mix_lora_rank'] },
      { name: 'blk.{i}.time_mix_v2.weight', shape: ['attention.value_residual_mix_lora_rank', 'n_embd'] },
      // Created with flags 0: gate_lora_rank is optional as a key but the tensors are required.
      { name: 'blk.{i}.time_mix_g1.weight', shape: ['n_embd', 'attention.gate_lora_rank'] },
      { name: 'blk.{i}.time_mix_g2.weight', shape: ['attention.gate_lora_rank', 'n_embd'] },
      { name: 'blk.{i}.time_mix_lerp_fused.weight', shape: ['n_embd', 1, 1, 6] },
      { name: 'blk.{i}.time_mix_k_k.weight', shape: ['n_embd'] },
      { name: 'blk.{i}.time_mix_k_a.weight', shape: ['n_embd'] },
      { name: 'blk.{i}.time_mix_r_k.weight', shape: ['n_embd'] },
      { name: 'blk.{i}.time_mix_key.weight', shape: ['n_embd', 'n_embd'] },
      { name: 'blk.{i}.time_mix_value.weight', shape: ['n_embd', 'n_embd'] },
      { name: 'blk.{i}.time_mix_receptance.weight', shape: ['n_embd', 'n_embd'] },
      { name: 'blk.{i}.time_mix_ln.weight', shape: ['n_embd'], init: 'ones' },
      { name: 'blk.{i}.time_mix_ln.bias', shape: ['n_embd'], init: 'zeros' },
      { name: 'blk.{i}.time_mix_output.weight', shape: ['n_embd', 'n_embd'] },
      { name: 'blk.{i}.channel_mix_lerp_k.weight', shape: ['n_embd', 1, 1] },
      // ffn_size = n_ff_arr[0]
      { name: 'blk.{i}.channel_mix_key.weight', shape: ['n_embd', 'n_ff'] },
      { name: 'blk.{i}.channel_mix_value.weight', shape: ['n_ff', 'n_embd'] },
    ],
    cite: tensors,
  },
  contract: {
    hparams: {
      context_length: 4096,
      embedding_length: 256,
      block_count: 8,
      feed_forward_length: 512,
      'wkv.head_size': 64,
      'token_shift_count': 2,
      'attention.decay_lora_rank': 32,
      'attention.iclr_lora_rank': 32,
      'attention.value_residual_mix_lora_rank': 32,
      'attention.gate_lora_rank': 32,
      'attention.layer_norm_epsilon': { f32: 1e-5 },
    },
    vocabSize: 320,
    why: 'RWKV-7 with 4 WKV heads of 64 (the real head size) and the gated time-mix; 8 layers at n_embd 256 so the token-shift rows (R = 2·256 f32 = 2 KiB per layer) show in the 2-decimal MiB log next to the WKV state (S = 256·64 f32 = 64 KiB per layer); the iclr and value-residual LoRA ranks are equal because layer 0 sizes v1/v2 with the iclr rank',
  },
});
