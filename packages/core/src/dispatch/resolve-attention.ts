import { type CacheType, CACHE_TYPE_LAYOUT, isQuantized } from '../ggml/cache-types.js';
import type { LayerSpec } from '../model/layers.js';
import type { ResolvedModel } from '../model/resolve-model.js';
import { DEFAULT_RUNTIME, type RuntimeProfile } from '../runtime/profile.js';
import type { BackendPlugin } from '../schema/backend.js';
import { faOpShape, faSupport } from './backend-support.js';
import { type Reason, reason } from './reasons.js';

export type FlashAttentionRequest = 'auto' | 'on' | 'off';

/** What the user asked for; llama.cpp's defaults fill the gaps (`auto`, f16, f16). */
export interface AttentionRequest {
  readonly flashAttention?: FlashAttentionRequest;
  readonly cacheTypeK?: CacheType;
  readonly cacheTypeV?: CacheType;
}

/** The runtime's own outcome, with every rule that decided it. */
export interface Decision {
  readonly flashAttention: boolean;
  readonly cacheTypeK: CacheType;
  readonly cacheTypeV: CacheType;
  /**
   * V stored transposed (`v_trans`): only when FA was DISABLED before the context was built
   * (requested off, or forced off for the arch). FA auto resolving to off keeps V untransposed,
   * because the memory is created before the probe. Changes bytes when V widths vary by layer.
   */
  readonly vTransposed: boolean;
  readonly reasons: readonly Reason[];
}

/** A decision, or the refusal the runtime would answer with (no context created). */
export type DispatchResult =
  | { readonly ok: true; readonly decision: Decision }
  | { readonly ok: false; readonly refusal: Reason; readonly reasons: readonly Reason[] };

export interface DispatchInput {
  readonly model: ResolvedModel;
  readonly backend: BackendPlugin;
  readonly runtime?: RuntimeProfile;
  readonly request?: AttentionRequest;
}

/** Layers whose attention runs through the FA op in the trunk graph (MTP layers are not executed). */
function attentionLayers(model: ResolvedModel): LayerSpec[] {
  return model.layers.filter((layer) => !layer.isMtp && ['full', 'swa', 'chunked', 'mla'].includes(layer.kind));
}

/** The first trunk layer whose head dim the cache type's block size does not divide. */
function blockMisfit(model: ResolvedModel, type: CacheType, dim: 'headDimK' | 'headDimV'): LayerSpec | undefined {
  const { blockSize } = CACHE_TYPE_LAYOUT[type];
  return model.layers.find((layer) => !layer.isMtp && layer[dim] % blockSize !== 0);
}

/**
 * Decides flash attention and the K/V cache types the way the pinned runtime does
 * (`llama_init_from_model`, then the FA auto probe), and says why at every step.
 */
export function resolveAttention(input: DispatchInput): DispatchResult {
  const { model, backend } = input;
  const runtime = input.runtime ?? DEFAULT_RUNTIME;
  const requested = input.request?.flashAttention ?? 'auto';
  const cacheTypeK = input.request?.cacheTypeK ?? 'f16';
  const cacheTypeV = input.request?.cacheTypeV ?? 'f16';
  const reasons: Reason[] = [];
  const refuse = (refusal: Reason): DispatchResult => ({ ok: false, refusal, reasons: [...reasons, refusal] });
  let fa: FlashAttentionRequest = requested;

  for (const note of model.hparams.notes) {
    if (note.code !== 'SWA_INACTIVE') reasons.push(reason(note.code, note.message, model.arch.layers.type === 'swa' ? model.arch.layers.cite : runtime.faForcedOff));
  }

  if (fa !== 'off' && model.arch.runtime.flashAttentionForcedOff.value) {
    fa = 'off';
    reasons.push(reason('FA_FORCED_OFF_BY_ARCH', `flash attention is not compatible with ${model.arch.name}: the runtime forces it off`, model.arch.runtime.flashAttentionForcedOff.cite));
  }

  const mustMatch = model.hparams.mla !== null || model.arch.runtime.kvTypesMustMatch.value;
  if (mustMatch && cacheTypeK !== cacheTypeV) {
    const why = model.hparams.mla !== null ? 'MLA caches one latent row that serves as both K and V' : `${model.arch.name} needs equal K and V cache types`;
    return refuse(reason('KV_TYPES_MUST_MATCH', `the model does not support different K (${cacheTypeK}) and V (${cacheTypeV}) cache types: ${why}; use the same type for both`, runtime.mlaKvTypesMustMatch));
  }

  if (isQuantized(cacheTypeV)) {
    if (fa === 'auto') {
      fa = 'on';
      reasons.push(reason('FA_ENABLED_FOR_QUANTIZED_V', `flash attention turned on because a quantized V cache (${cacheTypeV}) requires it`, runtime.quantizedVRequiresFa));
    } else if (fa === 'off') {
      return refuse(reason('QUANTIZED_V_NEEDS_FA', `a quantized V cache (${cacheTypeV}) requires flash attention; use -fa on or auto, or an f16/bf16/f32 V cache`, runtime.quantizedVRequiresFa));
    }
  }

  // The memory is built here, before the auto probe: v_trans = !cparams.flash_attn at this point.
  const vTransposed = fa === 'off';

  if (fa !== 'off') {
    for (const [type, dim, code, side] of [
      [cacheTypeK, 'headDimK', 'K_BLOCK_SIZE', 'K'],
      [cacheTypeV, 'headDimV', 'V_BLOCK_SIZE', 'V'],
    ] as const) {
      if (!isQuantized(type)) continue;
      const misfit = blockMisfit(model, type, dim);
      if (misfit === undefined) continue;
      const { blockSize } = CACHE_TYPE_LAYOUT[type];
      return refuse(
        reason(
          code,
          `${side} cache type ${type} with block size ${blockSize} does not divide the ${side} head dim ${misfit[dim]} (layer ${misfit.index}); use f16, bf16 or f32 for ${side}, or turn flash attention off`,
          runtime.blockSizeDividesHeadDim,
        ),
      );
    }
  }

  const flags = {
    alibi: model.arch.attention.alibi.value !== null,
    sinks: model.arch.attention.sinks.value,
    softcap: model.arch.attention.softcap.value !== null,
  };
  const misfit = backend.offloads
    ? attentionLayers(model)
        .map((layer) => ({ layer, support: faSupport(backend, faOpShape(layer, flags, cacheTypeK, cacheTypeV)) }))
        .find((entry) => !entry.support.ok)
    : undefined;
  const why = misfit !== undefined && !misfit.support.ok ? `layer ${misfit.layer.index}: ${misfit.support.why}` : '';

  if (fa === 'auto') {
    if (misfit !== undefined) {
      reasons.push(reason('FA_AUTO_DISABLED_BY_BACKEND', `flash attention turned off: ${backend.name} cannot run it (${why}), so the runtime's auto probe disables it`, runtime.faAutoProbe));
      return { ok: true, decision: { flashAttention: false, cacheTypeK, cacheTypeV, vTransposed, reasons } };
    }
    reasons.push(reason('FA_AUTO_ENABLED', `flash attention on: every attention layer's FA op is supported on ${backend.name}`, runtime.faAutoProbe));
    return { ok: true, decision: { flashAttention: true, cacheTypeK, cacheTypeV, vTransposed, reasons } };
  }

  if (fa === 'on') {
    if (!reasons.some((r) => r.code === 'FA_ENABLED_FOR_QUANTIZED_V')) reasons.push(reason('FA_ON_AS_REQUESTED', 'flash attention on, as requested', runtime.faAutoProbe));
    if (misfit !== undefined) {
      reasons.push(reason('FA_OP_ON_CPU', `flash attention stays on but ${backend.name} cannot run it (${why}): the FA op runs on the CPU, which is slow`, runtime.faOpFallback));
    }
    return { ok: true, decision: { flashAttention: true, cacheTypeK, cacheTypeV, vTransposed, reasons } };
  }

  if (requested === 'off') reasons.push(reason('FA_OFF_AS_REQUESTED', 'flash attention off, as requested', runtime.faAutoProbe));
  return { ok: true, decision: { flashAttention: false, cacheTypeK, cacheTypeV, vTransposed, reasons } };
}
