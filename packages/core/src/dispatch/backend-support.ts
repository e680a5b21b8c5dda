import { type CacheType } from '../ggml/cache-types.js';
import type { BackendPlugin, HeadDimRule } from '../schema/backend.js';
import type { LayerSpec } from '../model/layers.js';

/** What the FA op of one layer looks like to a backend's `supports_op`. */
export interface FaOpShape {
  readonly headDimK: number;
  readonly headDimV: number;
  readonly gqaRatio: number;
  readonly alibi: boolean;
  readonly sinks: boolean;
  readonly softcap: boolean;
  readonly cacheTypeK: CacheType;
  readonly cacheTypeV: CacheType;
}

export type Support = { readonly ok: true } | { readonly ok: false; readonly why: string };

const OK: Support = { ok: true };

function headDimSupport(rule: HeadDimRule, op: FaOpShape): Support {
  const dims = `K/V head dims ${op.headDimK}/${op.headDimV}`;
  switch (rule.type) {
    case 'any':
      return OK;
    case 'multiple-of':
      return op.headDimK % rule.k === 0 && op.headDimV % rule.v === 0 ? OK : { ok: false, why: `${dims} are not multiples of ${rule.k}/${rule.v}` };
    case 'k-list':
      return rule.k.includes(op.headDimK) ? OK : { ok: false, why: `head dim ${op.headDimK} is not one of ${rule.k.join(', ')}` };
    case 'pairs': {
      const pair = rule.pairs.find((p) => p.k === op.headDimK && p.v === op.headDimV);
      if (pair === undefined) return { ok: false, why: `no kernel for ${dims}` };
      const gqa = pair.gqa;
      if (gqa === undefined) return OK;
      if (op.gqaRatio < gqa.min || op.gqaRatio % gqa.multipleOf !== 0) {
        return { ok: false, why: `${dims} need a GQA ratio ≥ ${gqa.min} that is a multiple of ${gqa.multipleOf}; this layer has ${op.gqaRatio}` };
      }
      if (gqa.noAlibi && op.alibi) return { ok: false, why: `${dims} need the GQA kernel, which refuses ALiBi` };
      return OK;
    }
  }
}

/** Mirrors one backend's `supports_op(FLASH_ATTN_EXT)` for one layer. */
export function faSupport(backend: BackendPlugin, op: FaOpShape): Support {
  const fa = backend.flashAttention;
  const dims = headDimSupport(fa.headDims.value, op);
  if (!dims.ok) return dims;
  const types = fa.cacheTypes.value;
  if (!types.k.includes(op.cacheTypeK)) return { ok: false, why: `K cache type ${op.cacheTypeK} has no ${backend.name} FA kernel` };
  if (!types.v.includes(op.cacheTypeV)) return { ok: false, why: `V cache type ${op.cacheTypeV} has no ${backend.name} FA kernel` };
  if (types.kEqualsV && op.cacheTypeK !== op.cacheTypeV) {
    return { ok: false, why: `${backend.name} FA needs equal K and V cache types (got ${op.cacheTypeK}/${op.cacheTypeV})` };
  }
  if (types.bf16BothOrNeither && (op.cacheTypeK === 'bf16') !== (op.cacheTypeV === 'bf16')) {
    return { ok: false, why: `${backend.name} FA needs bf16 on both K and V or on neither` };
  }
  if (fa.rejectsSinks.value && op.sinks) return { ok: false, why: `${backend.name} FA refuses attention sinks` };
  if (fa.rejectsSoftcap.value && op.softcap) return { ok: false, why: `${backend.name} FA refuses a logit softcap` };
  return OK;
}

/** The FA op shape of an attention layer. */
export function faOpShape(layer: LayerSpec, flags: { alibi: boolean; sinks: boolean; softcap: boolean }, cacheTypeK: CacheType, cacheTypeV: CacheType): FaOpShape {
  return {
    headDimK: layer.headDimK,
    headDimV: layer.headDimV,
    gqaRatio: layer.headCountKv > 0 ? layer.headCount / layer.headCountKv : 0,
    ...flags,
    cacheTypeK,
    cacheTypeV,
  };
}
