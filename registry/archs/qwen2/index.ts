import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/qwen2.cpp', 'llama_model_qwen2::load_arch_hparams');
const tensors = cite('src/models/qwen2.cpp', 'llama_model_qwen2::load_arch_tensors');

export default defineArch({
  name: 'qwen2',
  summary: 'Qwen2 / Qwen2.5: every layer global attention, GQA from metadata, NeoX RoPE.',
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
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/qwen2.cpp', 'llama_model_qwen2::graph')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
});
