import { type AttentionRequest, BACKEND_NAMES, type BackendName, type InspectedModel, type LayerKind, getBackend, resolveAttention } from '@arch-registry/core';

/** One backend's outcome for the request. */
export interface BackendDecision {
  readonly backend: BackendName;
  readonly ok: boolean;
  readonly flashAttention?: boolean;
  readonly cacheTypeK?: string;
  readonly cacheTypeV?: string;
  readonly reasons: readonly { code: string; severity: string; message: string }[];
  readonly error?: { code: string; message: string };
}

/** What `inspect --json` prints. */
export interface InspectReport {
  readonly source: string;
  readonly arch: string;
  readonly plugin: { readonly found: true; readonly summary: string; readonly supported: boolean };
  readonly memory: string;
  readonly hparams: InspectedModel['hparams'];
  readonly layers: readonly {
    index: number;
    kind: LayerKind;
    headCount: number;
    headCountKv: number;
    headDimK: number;
    headDimV: number;
    window: number | null;
    ownsKv: boolean;
    /** The earlier layer whose K/V this one reads (KV-sharing tail), else null. */
    kvSource: number | null;
    isMtp: boolean;
    rope: boolean;
  }[];
  readonly layerCounts: Readonly<Partial<Record<LayerKind, number>>>;
  readonly request: Required<AttentionRequest>;
  readonly decisions: readonly BackendDecision[];
}

export function decide(model: InspectedModel, backend: BackendName, request: Required<AttentionRequest>): BackendDecision {
  const result = resolveAttention({ model, backend: getBackend(backend), request });
  const reasons = (result.ok ? result.decision.reasons : result.reasons).map(({ code, severity, message }) => ({ code, severity, message }));
  if (!result.ok) return { backend, ok: false, reasons, error: { code: result.refusal.code, message: result.refusal.message } };
  const { flashAttention, cacheTypeK, cacheTypeV } = result.decision;
  return { backend, ok: true, flashAttention, cacheTypeK, cacheTypeV, reasons };
}

export function buildReport(model: InspectedModel, request: Required<AttentionRequest>, backends: readonly BackendName[] = BACKEND_NAMES): InspectReport {
  const layerCounts: Partial<Record<LayerKind, number>> = {};
  for (const layer of model.layers) layerCounts[layer.kind] = (layerCounts[layer.kind] ?? 0) + 1;
  return {
    source: model.file ?? '',
    arch: model.arch.name,
    plugin: { found: true, summary: model.arch.summary, supported: model.arch.status.supported },
    memory: model.memory,
    hparams: model.hparams,
    layers: model.layers.map(({ index, kind, headCount, headCountKv, headDimK, headDimV, window, ownsKv, kvSource, isMtp, rope }) => ({ index, kind, headCount, headCountKv, headDimK, headDimV, window, ownsKv, kvSource, isMtp, rope })),
    layerCounts,
    request,
    decisions: backends.map((backend) => decide(model, backend, request)),
  };
}
