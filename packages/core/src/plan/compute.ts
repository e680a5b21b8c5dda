import type { Decision } from '../dispatch/resolve-attention.js';
import type { ResolvedModel } from '../model/resolve-model.js';
import { cite } from '../schema/cite.js';
import type { ContextPlan } from './context.js';

export const COMPUTE_RULE = cite(
  'src/llama-context.cpp',
  'llama_context::sched_reserve',
  'the compute buffer is ggml-alloc’s peak over the prompt graph of min(n_ctx, n_ubatch) tokens with the full KV',
);

/** How a compute figure was obtained. */
export type ComputeAccuracy = 'exact-for-dense-fa' | 'estimate';

export interface ComputePlan {
  /** Peak of the output phase (final norm and logits). */
  readonly outputPhase: number;
  /** Peak of the attention/FFN phase with every mask alive. */
  readonly layerPhase: number;
  /** max(outputPhase, layerPhase). */
  readonly bytes: number;
  readonly accuracy: ComputeAccuracy;
}

const align32 = (bytes: number): number => Math.ceil(bytes / 32) * 32;

/**
 * Closed forms of the CPU compute buffer, fitted to and checked against the pinned runtime's own
 * reserve (node-llama-cpp's no-allocation simulation) for llama- and EXAONE-style graphs:
 *   OUT      = 4·n_ub·(n_vocab + 2·n_embd) + A(4·n_ub)
 *   LAYER_FA = 4·n_ub·(3·n_ff + 4·n_embd) + 2·n_ub·Σ cells + 3·A(4·n_ub) + 2·caches·A(8·n_ub)
 *   LAYER_NO_FA ≈ 4·n_ub·(n_head + 1)·cells_full + 4·n_ub·Σ other cells + 20·n_embd·n_ub
 * With FA the F16 mask is the only context-sized tensor; without FA the f32 KQ matrix is. A quantized
 * cache's Hadamard rotation (head dim % 64 == 0) moves the peak by up to n_ub·n_embd·4 bytes in
 * some contexts; that shift is not modelled.
 */
export function planCompute(model: ResolvedModel, decision: Pick<Decision, 'flashAttention'>, context: ContextPlan, vocabSize: number, ffnWidth: number): ComputePlan {
  const h = model.hparams;
  const nUb = Math.min(context.cellsPerStream * context.streams, context.nUbatch);
  const caches = model.memory === 'iswa' ? [context.cellsPerStream, context.swaCells ?? context.cellsPerStream] : [context.cellsPerStream];
  const allCells = caches.reduce((sum, cells) => sum + cells, 0);
  const outputPhase = 4 * nUb * (vocabSize + 2 * h.nEmbd) + align32(4 * nUb);
  const heads = Math.max(...h.headCount, 0);
  const layerPhase = decision.flashAttention
    ? 4 * nUb * (3 * ffnWidth + 4 * h.nEmbd) + 2 * nUb * allCells + 3 * align32(4 * nUb) + 2 * caches.length * align32(8 * nUb)
    : 4 * nUb * (heads + 1) * context.cellsPerStream + 4 * nUb * (allCells - context.cellsPerStream) + 20 * h.nEmbd * nUb;
  // The closed forms were checked to the byte only for this shape; sinks, MLA and recurrent graphs differ.
  const denseFa = decision.flashAttention && model.hparams.mla === null && model.hparams.recurrent === null && !model.arch.attention.sinks.value;
  return { outputPhase, layerPhase, bytes: Math.max(outputPhase, layerPhase), accuracy: denseFa ? 'exact-for-dense-fa' : 'estimate' };
}
