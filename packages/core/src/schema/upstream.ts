import { cite } from './cite.js';

/** Citations of runtime-wide functions that many plugin facts point at. */
export const upstream = {
  loadHparams: cite('src/llama-model.cpp', 'llama_model_base::load_hparams'),
  createMemory: cite('src/llama-model.cpp', 'llama_model::create_memory'),
  ropeType: cite('src/llama-model.cpp', 'llama_model_rope_type'),
  initFromModel: cite('src/llama-context.cpp', 'llama_init_from_model'),
  isMla: cite('src/llama-hparams.cpp', 'llama_hparams::is_mla'),
  nRotCheck: cite('src/llama-model.cpp', 'llama_model_base::load_hparams', 'invalid n_rot check: llama, deci, falcon, llama-embed only'),
  noKvSharing: cite('src/llama-hparams.cpp', 'llama_hparams::has_kv', 'n_layer_kv_from_start defaults to -1 (every layer has KV); create_memory sets a reuse callback for gemma3n and gemma4 only'),
  kvReuse: cite('src/llama-model.cpp', 'llama_model::create_memory', 'reuse: il >= n_layer_kv_from_start reads layer n_layer_kv_from_start - (is_swa(il) ? 2 : 1)'),
  causal: cite('src/llama-model.cpp', 'llama_model_base::load_hparams', 'attention.causal, default true'),
} as const;
