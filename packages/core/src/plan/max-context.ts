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

/** The first place (host or device) whose use exceeds its capacity. */
function overflow(result: Plan): string | undefined {
  return result.devices.find((use) => use.capacity !== undefined && use.total > use.capacity)?.name;
}

/**
 * Bisection on the pure plan against each device's capacity and the host budget: memory grows
 * with the context, so the fitting contexts form a
 * prefix. Steps are 256 cells per sequence (the runtime pads to that anyway); the ceiling is the
 * model's training context.
 */
export function maxContext(model: PlannedModel, decision: Pick<Decision, 'flashAttention' | 'cacheTypeK' | 'cacheTypeV' | 'vTransposed'>, request: PlanRequest): MaxContext {
  const nSeq = Math.max(1, request.nSeq ?? 1);
  const step = 256 * nSeq;
  const at = (steps: number) => plan(model, decision, { ...request, nCtx: steps * step });
  const ceiling = Math.max(1, Math.floor(model.hparams.nCtxTrain / step));
  if (overflow(at(1)) !== undefined) return { tokens: 0, bindingConstraint: overflow(at(1)) ?? 'host', plan: undefined };
  if (overflow(at(ceiling)) === undefined) return { tokens: ceiling * step, bindingConstraint: 'train-context', plan: at(ceiling) };
  let low = 1;
  let high = ceiling;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (overflow(at(middle)) === undefined) low = middle;
    else high = middle;
  }
  return { tokens: low * step, bindingConstraint: overflow(at(high)) ?? 'host', plan: at(low) };
}
