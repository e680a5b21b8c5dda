import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/gemma3.cpp', 'llama_model_gemma3::load_arch_hparams');
const tensors = cite('src/models/gemma3.cpp', 'llama_model_gemma3::load_arch_tensors');

export default defineArch({
  name: 'gemma3',
  summary: 'Google Gemma 3: 5 sliding-window layers to 1 global when the GGUF sets a window, else all global.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('iswa', cite('src/llama-model.cpp', 'llama_model::create_memory', 'llama_kv_cache_iswa when swa_type != NONE, else llama_kv_cache')),
  layers: {
    type: 'swa',
    swaType: 'standard',
    period: 6,
    denseFirst: false,
    patternKey: 'scalar',
    window: { required: false },
    activation: { type: 'window-positive' },
    cite: cite('src/models/gemma3.cpp', 'llama_model_gemma3::load_arch_hparams', 'SWA only if attention.sliding_window is found and > 0; set_swa_pattern(6)'),
  },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon'], hparams),
  mtp: fact('none', tensors),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(true, tensors),
    softcap: fact(null, cite('src/models/gemma3.cpp', 'llama_model_gemma3::load_arch_hparams', 'only final_logit_softcapping, no attention softcap')),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/gemma3.cpp', 'llama_model_gemma3::graph')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
});
