import type { ReasonCode } from '@arch-registry/core';

/** The `llama_context:` lines, as the runtime computed them. */
export interface ContextReport {
  /** n_seq_max: parallel sequences. */
  nSeqMax?: number;
  /** n_ctx: total cells, padded to 256 and rounded to a multiple of n_seq_max. */
  nCtx?: number;
  /** n_ctx_seq: cells per sequence = per-stream kv_size (`n_ctx_per_seq` in older logs). */
  nCtxSeq?: number;
  nBatch?: number;
  nUbatch?: number;
  /** kv_unified: one stream shared by all sequences. */
  kvUnified?: boolean;
  causalAttn?: boolean;
}

export type FlashAttentionType = 'auto' | 'enabled' | 'disabled';

export interface FlashAttentionReport {
  /** `llama_context: flash_attn`: the type after llama_init_from_model's overrides, before the auto probe. */
  requested: FlashAttentionType;
  /** Whether FA ended up on: the probe's answer under auto, else the requested type; undefined if auto never got probed. */
  resolved: boolean | undefined;
  /** llama_init_from_model turned auto into enabled because V is quantized. */
  forcedForQuantizedV: boolean;
}

/** Which cache a size line belongs to, from the `creating … KV cache` line before it; plain `kv` if none. */
export type CacheRole = 'kv' | 'non-swa' | 'swa' | 'main' | 'indexer' | 'dsa' | 'other';

/** One backend buffer line: tensors padded to the buffer's alignment, so it can exceed the size line. */
export interface BufferReport {
  /** Buffer name, e.g. CPU, CUDA0, Metal. */
  device: string;
  mib: number;
}

/** One `llama_kv_cache: size = …` line. MiB values are as printed (2 decimals; compare with `sizeLineMib`). */
export interface KvCacheReport {
  role: CacheRole;
  /** The announcing words verbatim (`non-SWA`, `SWA`, `indexer` …), when announced. */
  roleLabel?: string;
  /** Cells the announcing line promised; equals `cells`. */
  announcedCells?: number;
  /** kv_size: cells per stream. */
  cells: number;
  /** Layers with their own K/V tensors in this cache. */
  layers: number;
  /** n_seq_max. */
  seqs: number;
  /** n_stream: 1 when unified, else n_seq_max (1 when an old log does not print it). */
  streams: number;
  kType: string;
  vType: string;
  kMiB: number;
  vMiB: number;
  totalMiB: number;
  /** The V width the cache was padded to (FA disabled, V widths differ across layers). */
  vPaddedTo?: number;
  buffers: BufferReport[];
}

/** The `llama_memory_recurrent: size = …` line (R/S/P states are always f32). */
export interface RecurrentReport {
  /** mem_size = max(1, n_seq_max). */
  cells: number;
  /** n_layer of the model, not only recurrent layers. */
  layers: number;
  seqs: number;
  /** Rollback rows per sequence (speculative drafting); absent in old logs. */
  rsSeq?: number;
  rType: string;
  sType: string;
  rMiB: number;
  sMiB: number;
  pMiB?: number;
  totalMiB: number;
  buffers: BufferReport[];
}

/** The refusals the dispatcher also predicts, under its reason codes. */
export type RefusalCode = Extract<ReasonCode, 'QUANTIZED_V_NEEDS_FA' | 'KV_TYPES_MUST_MATCH' | 'K_BLOCK_SIZE' | 'V_BLOCK_SIZE'>;

export interface Refusal {
  code: RefusalCode;
  /** The error text after `llama_init_from_model: `. */
  message: string;
}

/** Numbers and outcomes read from one context creation's log lines. */
export interface RuntimeReport {
  /** Present once any `llama_context:` value line is seen (absent when refused before construction). */
  context?: ContextReport;
  flashAttention?: FlashAttentionReport;
  /** One entry per `llama_kv_cache: size` line, in log order. */
  caches: KvCacheReport[];
  recurrent?: RecurrentReport;
  /** `errors` that match a dispatcher refusal. */
  refusals: Refusal[];
  /** Each distinct llama_init_from_model error, text after `llama_init_from_model: `, in log order. */
  errors: string[];
}
