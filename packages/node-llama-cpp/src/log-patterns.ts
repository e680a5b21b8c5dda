/**
 * Log formats of the pinned llama.cpp (v0.4.0 in node-llama-cpp 3.21.1). Each
 * pattern matches anywhere in a line, so a logger's prefix does no harm, and
 * accepts the older `llama_kv_cache_unified` prefixes.
 */

/** llama-context.cpp `llama_context::llama_context`: `%s: n_ctx = %u` and friends. */
export const CONTEXT_NUMBER = /\bllama_context:\s+(n_seq_max|n_ctx|n_ctx_seq|n_ctx_per_seq|n_batch|n_ubatch|causal_attn)\s*=\s*(\d+)\s*$/;
/** Same constructor: the requested type after llama_init_from_model's overrides, before the auto probe. Old binaries print 0/1. */
export const CONTEXT_FLASH_ATTN = /\bllama_context:\s+flash_attn\s*=\s*(auto|enabled|disabled|0|1)\s*$/;
export const CONTEXT_KV_UNIFIED = /\bllama_context:\s+kv_unified\s*=\s*(true|false)\s*$/;

/** llama-context.cpp `resolve_fused_ops`, probe name "Flash Attention": `%s enabled` / `%s not supported, set to disabled`. */
export const FA_PROBE = /\bresolve_fused_ops: Flash Attention (enabled|not supported, set to disabled)\s*$/;
/** llama-context.cpp `llama_init_from_model`: AUTO becomes ENABLED for a quantized V cache. */
export const FA_FORCED_FOR_QUANTIZED_V = /\bllama_init_from_model: enabling flash_attn since it is required for quantized V cache/;

/** llama-kv-cache-iswa.cpp (`non-SWA`, `    SWA`), -dsa.cpp (`main`, `indexer`), -dsa-iswa.cpp (`DSA`): announces the next size line. */
export const CACHE_ANNOUNCE = /\bcreating\s+(.+?)\s+KV cache(?:, size = (\d+) cells)?/;
/** llama-kv-cache.cpp constructor: `%10s KV buffer size = %8.2f MiB`, printed before the size line. */
export const KV_BUFFER = /\bllama_kv_cache(?:_unified)?:\s+(\S+) KV buffer size =\s*([\d.]+) MiB/;
/** llama-kv-cache.cpp constructor; `/%u` streams arrived with per-sequence streams. */
export const KV_SIZE =
  /\bllama_kv_cache(?:_unified)?: size =\s*([\d.]+) MiB \(\s*(\d+) cells,\s*(\d+) layers,\s*(\d+)(?:\/(\d+))? seqs\), K \((\w+)\):\s*([\d.]+) MiB, V \((\w+)\):\s*([\d.]+) MiB/;
/** llama-kv-cache.cpp constructor, FA explicitly disabled and V widths differ across layers. */
export const V_PADDING = /\bpadding V cache to (\d+)/;

/** llama-memory-recurrent.cpp constructor; `rs_seq` and `P` are newer additions. */
export const RS_SIZE =
  /\bllama_memory_recurrent: size =\s*([\d.]+) MiB \(\s*(\d+) cells,\s*(\d+) layers,\s*(\d+) seqs(?:\s+(\d+) rs_seq)?\), R \((\w+)\):\s*([\d.]+) MiB, S \((\w+)\):\s*([\d.]+) MiB(?:, P \((\w+)\):\s*([\d.]+) MiB)?/;
export const RS_BUFFER = /\bllama_memory_recurrent:\s+(\S+) RS buffer size =\s*([\d.]+) MiB/;

/** Every ERROR that makes `llama_init_from_model` return null, as regex sources (llama-context.cpp). */
const INIT_ERRORS = [
  'failed to initialize the context: .*', // the llama_context constructor threw
  'quantized V cache requires flash_attn to be enabled',
  'V cache quantization requires flash_attn.*', // older binaries
  'model does not support different K \\(\\w+\\) and V \\(\\w+\\) cache types',
  '[KV] cache type \\w+ with block size \\d+ does not divide n_embd_head_[kv]=\\d+',
  'SPLIT_MODE_TENSOR requires flash_attn to be enabled',
  'n_batch and n_ubatch cannot both be zero',
  'n_ctx and model->hparams\\.n_ctx_train cannot both be zero',
];
export const INIT_ERROR = new RegExp(`\\bllama_init_from_model: (${INIT_ERRORS.join('|')})\\s*$`);
