import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/llama.cpp', 'llama_model_llama::load_arch_hparams');
const tensors = cite('src/models/llama.cpp', 'llama_model_llama::load_arch_tensors');

export default defineArch({
  name: 'llama',
  summary: 'Meta Llama 1-3 and the many models that reuse its layout: every layer global attention, GQA from metadata.',
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
    softcap: fact(null, hparams),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('norm', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/llama.cpp', 'llama_model_llama::graph')),
    nRotMustEqualHeadDim: fact(true, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
});
