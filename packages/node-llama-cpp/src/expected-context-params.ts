import type { ContextRequest } from './context-options.js';

/** What the runtime needs to know about the model to size its context. */
export interface ContextModelFacts {
  /** n_ctx_train (GGUF `context_length`). */
  readonly trainContextSize: number;
  /**
   * node-llama-cpp's `fileInsights.swaSize`: the GGUF `attention.sliding_window` when
   * 0 < it < trainContextSize, else undefined, even where llama.cpp hard-codes a window.
   */
  readonly swaSize?: number;
  /** Causal attention (false for embedding models); default true. */
  readonly causal?: boolean;
}

/** The numbers the `llama_context:` lines will print, plus what node-llama-cpp passes in. */
export interface ExpectedContextParams {
  /** llama_context_params.n_ctx as node-llama-cpp sets it. */
  readonly requestedNCtx: number;
  /** llama_context_params.n_batch (= n_ubatch) as node-llama-cpp sets it. */
  readonly requestedNBatch: number;
  readonly nSeqMax: number;
  readonly nCtx: number;
  readonly nCtxSeq: number;
  readonly nBatch: number;
  readonly nUbatch: number;
}

const pad256 = (value: number): number => Math.ceil(value / 256) * 256;

/**
 * Mirrors node-llama-cpp 3.21.1 (`LlamaContext._create` and its constructor, numeric
 * contextSize, swaFullCache off, kv_unified off) and then `llama_context`'s own
 * padding, so a plan can be made for exactly the cells the runtime will allocate.
 */
export function expectedContextParams(request: ContextRequest, model: ContextModelFacts): ExpectedContextParams {
  const sequences = Math.max(1, Math.floor(request.sequences));
  let perSequence = Math.max(1, Math.floor(request.contextSize));
  // _create pads each sequence's size to 256 unless that reaches the train context.
  const padded = pad256(Math.max(2, perSequence));
  if (perSequence <= model.trainContextSize && padded < model.trainContextSize) perSequence = padded;
  const batch = Math.max(request.batchSize ?? Math.min(perSequence * sequences, 512), sequences);
  const requestedNCtx = pad256(perSequence * sequences);
  // The constructor adds one batch slot for SWA models "to handle edge cases with SWA KV cache".
  const requestedNBatch = batch + (model.swaSize !== undefined && model.swaSize > 0 ? 1 : 0);

  const nBatch = (model.causal ?? true) ? Math.min(requestedNCtx, requestedNBatch) : requestedNBatch;
  const nUbatch = Math.min(nBatch, requestedNBatch);
  const nCtxSeq = pad256(Math.floor(pad256(requestedNCtx) / sequences));
  return { requestedNCtx, requestedNBatch, nSeqMax: sequences, nCtx: nCtxSeq * sequences, nCtxSeq, nBatch, nUbatch };
}
