import type { ResolvedModel } from '../model/resolve-model.js';
import { cite } from '../schema/cite.js';

/** llama.cpp context parameters, named as llama.cpp names them; unset ones take the CLI (common) defaults. */
export interface ContextRequest {
  /** `-c`: total context; 0 or unset = the model's training context. */
  readonly nCtx?: number;
  /** `-np`: sequences (slots). */
  readonly nSeq?: number;
  /** `-b` (default 2048). */
  readonly nBatch?: number;
  /** `-ub` (default 512). */
  readonly nUbatch?: number;
  /** `--kv-unified`: one stream shared by all sequences. */
  readonly kvUnified?: boolean;
  /** `--swa-full`: SWA layers get the whole context (common's default is off; the library's is on). */
  readonly swaFull?: boolean;
}

/** The context as `llama_context` computes it. */
export interface ContextPlan {
  /** `n_ctx` after padding and stream rounding. */
  readonly nCtx: number;
  /** `n_ctx_seq`: cells per stream of the full-attention cache. */
  readonly cellsPerStream: number;
  /** `n_stream`: 1 when unified, else one per sequence. */
  readonly streams: number;
  readonly nSeq: number;
  readonly nBatch: number;
  readonly nUbatch: number;
  /** Cells per stream of the SWA cache, or null without SWA layers. */
  readonly swaCells: number | null;
  readonly kvUnified: boolean;
}

export const CONTEXT_RULES = cite('src/llama-context.cpp', 'llama_context::llama_context', 'n_ctx padded to 256; n_ctx_seq = pad256(n_ctx / n_seq) unless unified');
export const SWA_CELLS_RULE = cite('src/llama-kv-cache-iswa.cpp', 'llama_kv_cache_iswa::llama_kv_cache_iswa', 'size_swa = pad256(min(size_base, n_swa * (unified ? n_seq : 1) + n_ubatch))');

/** `GGML_PAD(x, 256)`. */
export const pad256 = (value: number): number => Math.ceil(value / 256) * 256;

/** The context and cell counts the runtime derives from a request. */
export function planContext(model: ResolvedModel, request: ContextRequest = {}): ContextPlan {
  const nSeq = Math.max(1, request.nSeq ?? 1);
  if (nSeq > 256) throw new RangeError(`n_seq_max ${nSeq} exceeds LLAMA_MAX_SEQ (256)`);
  const kvUnified = request.kvUnified ?? false;
  const requested = request.nCtx === undefined || request.nCtx === 0 ? model.hparams.nCtxTrain : request.nCtx;
  // Batch sizes are clamped with the unpadded n_ctx (causal models only).
  const nBatch = model.hparams.causal ? Math.min(requested, request.nBatch ?? 2048) : (request.nBatch ?? 2048);
  const nUbatch = Math.min(nBatch, request.nUbatch ?? 512);
  let nCtx = pad256(requested);
  let cellsPerStream = nCtx;
  if (!kvUnified) {
    cellsPerStream = pad256(Math.floor(nCtx / nSeq));
    nCtx = cellsPerStream * nSeq;
  }
  const swa = model.hparams.swa;
  const swaCells = swa === null ? null : request.swaFull === true ? cellsPerStream : pad256(Math.min(cellsPerStream, swa.window * (kvUnified ? nSeq : 1) + nUbatch));
  return { nCtx, cellsPerStream, streams: kvUnified ? 1 : nSeq, nSeq, nBatch, nUbatch, swaCells, kvUnified };
}
