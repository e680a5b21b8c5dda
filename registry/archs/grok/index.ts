import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/grok.cpp', 'llama_model_grok::load_arch_hparams');
const tensors = cite('src/models/grok.cpp', 'llama_model_grok::load_arch_tensors');

export default defineArch({
  name: 'grok',
  summary: 'xAI Grok-1/2: global attention with an attention-logit softcap (30); the runtime forces flash attention off.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', upstream.createMemory),
  layers: { type: 'all-full', cite: hparams },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon'], hparams),
  mtp: fact('none', tensors),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(false, tensors),
    softcap: fact({ key: 'attn_logit_softcapping', default: 30 }, cite('src/models/grok.cpp', 'llama_model_grok::load_arch_hparams', 'f_attn_logit_softcapping defaults to 30, applied on the non-FA path')),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/grok.cpp', 'llama_model_grok::graph')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(true, cite('src/llama-context.cpp', 'llama_init_from_model', 'flash_attn is not compatible with Grok - forcing off')),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
});
