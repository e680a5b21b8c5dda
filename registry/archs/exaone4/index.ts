import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/exaone4.cpp', 'llama_model_exaone4::load_arch_hparams');
const tensors = cite('src/models/exaone4.cpp', 'llama_model_exaone4::load_arch_tensors');

export default defineArch({
  name: 'exaone4',
  summary: 'LG EXAONE 4.0: 32B interleaves 3 sliding-window layers (window 4096) with 1 global layer; 1.2B is all global.',
  status: { supported: true },
  kind: fact('decoder', cite('src/llama-model.cpp', 'llama_model::create_memory', 'default branch: a causal KV cache')),
  memory: fact('iswa', cite('src/llama-model.cpp', 'llama_model::create_memory', 'llama_kv_cache_iswa when swa_type != NONE, else llama_kv_cache')),
  layers: {
    type: 'swa',
    swaType: 'standard',
    period: 4,
    denseFirst: false,
    patternKey: 'scalar',
    window: { required: false, default: 4096 },
    activation: { type: 'n-layer-equals', nLayer: 64 },
    cite: cite('src/models/exaone4.cpp', 'llama_model_exaone4::load_arch_hparams', 'SWA only when n_layer() == 64 (32B): n_swa 4096, set_swa_pattern(4)'),
  },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon'], hparams),
  mtp: fact('kept-in-kv', cite('src/llama-model.cpp', 'llama_model::create_memory', 'no nextn filter for exaone4: llama_kv_cache walks all n_layer_all layers')),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(true, cite('src/models/exaone4.cpp', 'llama_model_exaone4::load_arch_tensors', 'attn_q_norm / attn_k_norm {n_embd_head_k}')),
    softcap: fact(null, hparams),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'full-attention-layers' }, cite('src/models/exaone4.cpp', 'llama_model_exaone4::graph', 'with SWA, RoPE is applied on SWA layers only: global layers are NoPE')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
});
