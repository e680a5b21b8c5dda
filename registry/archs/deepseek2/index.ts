import { cite, defineArch, fact, upstream } from '@arch-registry/core/schema';

const hparams = cite('src/models/deepseek2.cpp', 'llama_model_deepseek2::load_arch_hparams');
const tensors = cite('src/models/deepseek2.cpp', 'llama_model_deepseek2::load_arch_tensors');

export default defineArch({
  name: 'deepseek2',
  summary: 'DeepSeek V2/V3/R1 and relatives: multi-head latent attention caches one 576-wide latent row per token (K only).',
  status: { supported: true },
  kind: fact('decoder', upstream.createMemory),
  memory: fact('kv', upstream.createMemory),
  layers: { type: 'all-full', cite: hparams },
  requiredKeys: fact(
    ['attention.layer_norm_rms_epsilon', 'attention.kv_lora_rank', 'expert_feed_forward_length', 'expert_shared_count'],
    cite(
      'src/models/deepseek2.cpp',
      'llama_model_deepseek2::load_arch_hparams',
      'attention.q_lora_rank is also required except for lite models (26 or 27 layers, or 48 with a 128256 vocab)',
    ),
  ),
  mtp: fact('kept-in-kv', cite('src/llama-model.cpp', 'llama_model::create_memory', 'no nextn filter for deepseek2: llama_kv_cache walks all n_layer_all layers')),
  attention: {
    causal: fact(true, upstream.causal),
    perLayerHeads: fact(false, hparams),
    qkNorm: fact(false, tensors),
    softcap: fact(null, hparams),
    sinks: fact(false, tensors),
    alibi: fact(null, hparams),
    mla: fact(
      { activeWhenKeys: ['attention.key_length_mla', 'attention.value_length_mla'], kvLoraRankKey: 'attention.kv_lora_rank' },
      cite('src/llama-hparams.cpp', 'llama_hparams::is_mla', 'MLA iff both *_mla head dims are non-zero'),
    ),
  },
  rope: {
    type: fact('norm', upstream.ropeType),
    nopeLayers: fact({ type: 'none' }, cite('src/models/deepseek2.cpp', 'llama_model_deepseek2::graph')),
    nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
  },
  runtime: {
    flashAttentionForcedOff: fact(false, upstream.initFromModel),
    kvTypesMustMatch: fact(false, cite('src/llama-context.cpp', 'llama_init_from_model', 'K == V is required for MLA through is_mla(), not by arch name')),
  },
});
