import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/openai-moe.cpp', 'llama_model_openai_moe::load_arch_hparams');
const tensors = cite('src/models/openai-moe.cpp', 'llama_model_openai_moe::load_arch_tensors');

export default defineArch({
  name: 'gpt-oss',
  summary: 'OpenAI gpt-oss (20b, 120b): sliding-window and global layers alternate, attention sinks, head dim 64.',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('iswa', cite('src/llama-model.cpp', 'llama_model::create_memory', 'swa_type STANDARD → llama_kv_cache_iswa')),
  layers: {
    type: 'swa',
    swaType: 'standard',
    period: 2,
    denseFirst: false,
    patternKey: 'scalar',
    window: { required: true },
    activation: { type: 'always' },
    cite: cite('src/models/openai-moe.cpp', 'llama_model_openai_moe::load_arch_hparams', 'sliding_window required; set_swa_pattern(2): even layers SWA'),
  },
  requiredKeys: fact(['attention.layer_norm_rms_epsilon', 'expert_feed_forward_length', 'attention.sliding_window'], hparams),
  mtp: fact('none', tensors),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(false, tensors),
    softcap: fact(null, hparams),
    sinks: fact(true, cite('src/models/openai-moe.cpp', 'llama_model_openai_moe::load_arch_tensors', 'attn_sinks {n_head} required')),
    alibi: fact(null, hparams),
    mla: fact(null, hparams),
  },
  rope: {
    type: fact('neox', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/openai-moe.cpp', 'llama_model_openai_moe::graph')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, upstream.initFromModel),
  },
});
