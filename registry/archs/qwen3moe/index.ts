import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/qwen3moe.cpp', 'llama_model_qwen3moe::load_arch_hparams');
const tensors = cite('src/models/qwen3moe.cpp', 'llama_model_qwen3moe::load_arch_tensors');

export default defineArch({
  name: 'qwen3moe',
  summary: 'Qwen3 mixture-of-experts (30B-A3B, 235B-A22B): global attention with Q/K RMS-norm, routed experts.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', upstream.createMemory),
  layers: { type: 'all-full', cite: hparams },
  requiredKeys: fact(
    ['attention.layer_norm_rms_epsilon', 'expert_count', 'expert_used_count'],
    cite('src/models/qwen3moe.cpp', 'llama_model_qwen3moe::load_arch_tensors', 'throws "n_expert must be > 0 for QWEN3MOE"'),
  ),
  mtp: fact('none', tensors),
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
    nopeLayers: fact({ type: 'none' }, cite('src/models/qwen3moe.cpp', 'llama_model_qwen3moe::graph')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
});
