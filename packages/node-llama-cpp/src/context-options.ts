import type { Decision } from '@arch-registry/core';
import type { LlamaContextOptions } from 'node-llama-cpp';
import { type GgmlTypeKey, toGgmlTypeKey } from './ggml-type-keys.js';

export interface ContextRequest {
  /**
   * Cells per sequence, as node-llama-cpp's `contextSize` means it: the runtime
   * gets n_ctx = pad256(contextSize × sequences) (see `expectedContextParams`).
   */
  readonly contextSize: number;
  /** Parallel sequences (llama.cpp n_seq_max); one KV stream each, kv_unified being off. */
  readonly sequences: number;
  /** Tokens per batch; node-llama-cpp also uses it as n_ubatch. Default: min(contextSize × sequences, 512). */
  readonly batchSize?: number;
}

/** The options `toContextOptions` sets; assignable to node-llama-cpp's `LlamaContextOptions`. */
export interface AdapterContextOptions {
  readonly contextSize: number;
  readonly sequences: number;
  readonly batchSize?: number;
  /**
   * true → LLAMA_FLASH_ATTN_TYPE_ENABLED; false → DISABLED (V stored transposed);
   * "auto" → AUTO, only for FA off with V untransposed (see `flashAttentionOption`).
   */
  readonly flashAttention: boolean | 'auto';
  /** Exact GgmlType keys: the only spelling node-llama-cpp does not turn into F16. */
  readonly experimentalKvCacheKeyType: GgmlTypeKey;
  readonly experimentalKvCacheValueType: GgmlTypeKey;
  /** Always false (node-llama-cpp's default too): SWA layers get window-sized caches; llama.cpp's library default, true, sizes them like full layers. */
  readonly swaFullCache: false;
}

/**
 * The FA option that reproduces the decision, memory layout included. The
 * cache is built before the auto probe, so "FA off, V untransposed" (the probe
 * disabling FA) cannot be forced: only AUTO gets there, and the runtime report
 * then shows whether the probe agreed. Otherwise the decided boolean is forced.
 */
export function flashAttentionOption(decision: Pick<Decision, 'flashAttention' | 'vTransposed'>): boolean | 'auto' {
  if (decision.flashAttention) return true;
  return decision.vTransposed ? false : 'auto';
}

/** Turns a dispatcher decision into node-llama-cpp 3.21.1 context options. */
export function toContextOptions(decision: Decision, request: ContextRequest): AdapterContextOptions {
  const options: AdapterContextOptions = {
    contextSize: request.contextSize,
    sequences: request.sequences,
    flashAttention: flashAttentionOption(decision),
    experimentalKvCacheKeyType: toGgmlTypeKey(decision.cacheTypeK),
    experimentalKvCacheValueType: toGgmlTypeKey(decision.cacheTypeV),
    swaFullCache: false,
    ...(request.batchSize === undefined ? {} : { batchSize: request.batchSize }),
  };
  return options satisfies LlamaContextOptions;
}
