import {
  type AttentionRequest,
  type BackendName,
  CACHE_TYPES,
  type CacheType,
  type InspectedModel,
  type MaxContext,
  type Plan,
  type PlanRequest,
  type Reason,
  getBackend,
  maxContext,
  plan,
  resolveAttention,
} from '@arch-registry/core';

/** What `plan --json` prints (design.md's interface). */
export interface PlanReport {
  readonly model: {
    readonly arch: string;
    readonly source: string;
    readonly layers: number;
    /** Layers that attend (own KV or not): neither recurrent-only nor empty. */
    readonly attentionLayers: number;
    readonly swaLayers: number;
    /** Layers that keep recurrent (SSM / conv) state. */
    readonly recurrentLayers: number;
    readonly window: number | null;
  };
  readonly backend: BackendName;
  readonly decision: { readonly flashAttention: boolean; readonly cacheTypeK: CacheType; readonly cacheTypeV: CacheType; readonly reasons: readonly { code: string; message: string }[] };
  readonly context: { readonly nCtx: number; readonly cellsPerStream: number; readonly streams: number; readonly swaCells: number | null; readonly nUbatch: number };
  readonly memory: {
    readonly kvCache: { readonly bytes: number; readonly kBytes: number; readonly vBytes: number; readonly caches: Plan['kv']['caches']; readonly layers: Plan['kv']['layers'] };
    readonly recurrentState: { readonly bytes: number };
    readonly weights: { readonly bytes: number };
    readonly compute: { readonly bytes: number; readonly accuracy: string };
    readonly output: { readonly bytes: number };
    readonly totalBytes: number;
    readonly devices: Plan['devices'];
  };
  readonly maxContext?: { readonly tokens: number; readonly bindingConstraint: string };
  /** The largest context per cache type (K = V), each with the decision it gets, when a budget or devices are given. */
  readonly byCacheType?: readonly { cacheType: CacheType; refused?: string; tokens?: number; bindingConstraint?: string; flashAttention?: boolean }[];
}

/** A request the runtime would refuse: the CLI exits 2 with it. */
export class RefusedRequest extends Error {
  override readonly name = 'RefusedRequest';
  constructor(readonly reason: Reason) {
    super(reason.message);
  }
  get code(): string {
    return this.reason.code;
  }
}

export interface PlanInput {
  readonly model: InspectedModel;
  readonly backend: BackendName;
  readonly request: Required<AttentionRequest>;
  readonly planRequest: PlanRequest;
  /** Whether a budget or devices constrain memory (then the largest fitting context is searched). */
  readonly constrained: boolean;
}

function fitting(input: PlanInput, request: Required<AttentionRequest>): { max: MaxContext; flashAttention: boolean } | { refused: string } {
  const result = resolveAttention({ model: input.model, backend: getBackend(input.backend), request });
  if (!result.ok) return { refused: result.refusal.code };
  return { max: maxContext(input.model, result.decision, input.planRequest), flashAttention: result.decision.flashAttention };
}

export function buildPlanReport(input: PlanInput): PlanReport {
  const { model } = input;
  const dispatched = resolveAttention({ model, backend: getBackend(input.backend), request: input.request });
  if (!dispatched.ok) throw new RefusedRequest(dispatched.refusal);
  const decision = dispatched.decision;
  const result = plan(model, decision, input.planRequest);
  const constrained = input.constrained;
  const max = constrained ? fitting(input, input.request) : undefined;
  const byCacheType = constrained
    ? (['f16', 'q8_0', 'q4_0'] as const satisfies readonly (typeof CACHE_TYPES)[number][]).map((cacheType) => {
        const outcome = fitting(input, { ...input.request, cacheTypeK: cacheType, cacheTypeV: cacheType });
        return 'refused' in outcome
          ? { cacheType, refused: outcome.refused }
          : { cacheType, tokens: outcome.max.tokens, bindingConstraint: outcome.max.bindingConstraint, flashAttention: outcome.flashAttention };
      })
    : undefined;
  const swaLayers = model.layers.filter((layer) => layer.kind === 'swa' || layer.kind === 'chunked').length;
  const attentionLayers = model.layers.filter((layer) => layer.kind !== 'recurrent' && layer.kind !== 'none').length;
  const recurrentLayers = model.layers.filter((layer) => layer.hasRecurrentState && !layer.isMtp).length;
  return {
    model: { arch: model.arch.name, source: model.file ?? '', layers: model.layers.length, attentionLayers, swaLayers, recurrentLayers, window: model.hparams.swa?.window ?? null },
    backend: input.backend,
    decision: { flashAttention: decision.flashAttention, cacheTypeK: decision.cacheTypeK, cacheTypeV: decision.cacheTypeV, reasons: decision.reasons.map(({ code, message }) => ({ code, message })) },
    context: { nCtx: result.context.nCtx, cellsPerStream: result.context.cellsPerStream, streams: result.context.streams, swaCells: result.context.swaCells, nUbatch: result.context.nUbatch },
    memory: {
      kvCache: { bytes: result.kv.bytes, kBytes: result.kv.kBytes, vBytes: result.kv.vBytes, caches: result.kv.caches, layers: result.kv.layers },
      recurrentState: { bytes: result.recurrentState.bytes },
      weights: { bytes: result.weights.bytes },
      compute: { bytes: result.compute.bytes, accuracy: result.compute.accuracy },
      output: result.output,
      totalBytes: result.totalBytes,
      devices: result.devices,
    },
    ...(max === undefined || 'refused' in max ? {} : { maxContext: { tokens: max.max.tokens, bindingConstraint: max.max.bindingConstraint } }),
    ...(byCacheType === undefined ? {} : { byCacheType }),
  };
}
