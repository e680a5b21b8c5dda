import type { ResolvedModel } from '../model/resolve-model.js';
import { cite } from '../schema/cite.js';
import type { ContextPlan } from './context.js';

export const RECURRENT_STATE_RULE = cite('src/llama-memory-recurrent.cpp', 'llama_memory_recurrent::llama_memory_recurrent', 'R {n_embd_r, mem_size}, S {n_embd_s, mem_size} in f32 per recurrent layer; mem_size = max(1, n_seq_max)');

export interface RecurrentStatePlan {
  readonly bytes: number;
  readonly rBytes: number;
  readonly sBytes: number;
  /** Rows per layer: one per sequence (`max(1, n_seq_max)`; no speculative rollback rows). */
  readonly cells: number;
  /** Layers holding state. */
  readonly layers: number;
}

const NONE: RecurrentStatePlan = { bytes: 0, rBytes: 0, sBytes: 0, cells: 0, layers: 0 };

const stateLayers = new WeakMap<object, number>();

/** Trunk layers with recurrent state, counted once per layer table. */
function countStateLayers(model: ResolvedModel): number {
  let count = stateLayers.get(model.layers);
  if (count === undefined) {
    count = model.layers.filter((layer) => layer.hasRecurrentState && !layer.isMtp).length;
    stateLayers.set(model.layers, count);
  }
  return count;
}

/** Recurrent state bytes (always f32): R and S rows per recurrent trunk layer, one row per sequence. */
export function planRecurrentState(model: ResolvedModel, context: ContextPlan): RecurrentStatePlan {
  const layers = countStateLayers(model);
  if (layers === 0) return NONE;
  const { r, s } = model.hparams.recurrentStateWidths ?? { r: 0, s: 0 };
  const cells = Math.max(1, context.nSeq);
  const rBytes = 4 * r * cells * layers;
  const sBytes = 4 * s * cells * layers;
  return { bytes: rBytes + sBytes, rBytes, sBytes, cells, layers };
}
