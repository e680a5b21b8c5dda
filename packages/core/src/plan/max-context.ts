import type { Decision } from '../dispatch/resolve-attention.js';
import { type Plan, type PlanRequest, type PlannedModel, plan } from './plan.js';

/** The largest context that fits, and what stops it from growing. */
export interface MaxContext {
  /** Largest n_ctx (a multiple of 256 per sequence) that fits, or 0 when nothing fits. */
  readonly tokens: number;
  /** The device (or `host`) that overflows first at the next step, or `train-context` when the model's own limit binds. */
  readonly bindingConstraint: string;
  /** The plan at `tokens`, when something fits. */
  readonly plan: Plan | undefined;
}

/** Memory limits: per device from the request's devices; `hostBudget` for the host when given. */
export interface Limits {
  readonly hostBudget?: number;
}

function overflow(result: Plan, limits: Limits): string | undefined {
  for (const use of result.devices) {
    const capacity = use.name === 'host' ? limits.hostBudget : use.capacity;
    if (capacity !== undefined && use.total > capacity) return use.name;
  }
  return undefined;
}

/**
 * Bisection on the pure plan: memory grows with the context, so the fitting contexts form a
 * prefix. Steps are 256 cells per sequence (the runtime pads to that anyway); the ceiling is the
 * model's training context.
 */
export function maxContext(model: PlannedModel, decision: Pick<Decision, 'flashAttention' | 'cacheTypeK' | 'cacheTypeV' | 'vTransposed'>, request: PlanRequest, limits: Limits): MaxContext {
  const nSeq = Math.max(1, request.nSeq ?? 1);
  const step = 256 * nSeq;
  const at = (steps: number) => plan(model, decision, { ...request, nCtx: steps * step });
  const ceiling = Math.max(1, Math.floor(model.hparams.nCtxTrain / step));
  if (overflow(at(1), limits) !== undefined) return { tokens: 0, bindingConstraint: overflow(at(1), limits) ?? 'host', plan: undefined };
  if (overflow(at(ceiling), limits) === undefined) return { tokens: ceiling * step, bindingConstraint: 'train-context', plan: at(ceiling) };
  let low = 1;
  let high = ceiling;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (overflow(at(middle), limits) === undefined) low = middle;
    else high = middle;
  }
  return { tokens: low * step, bindingConstraint: overflow(at(high), limits) ?? 'host', plan: at(low) };
}
