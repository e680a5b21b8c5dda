import { CACHE_TYPE_LAYOUT, type CacheType } from '../ggml/cache-types.js';
import type { Decision } from '../dispatch/resolve-attention.js';
import type { ResolvedModel } from '../model/resolve-model.js';
import { cite } from '../schema/cite.js';
import type { ContextPlan } from './context.js';

/** Which cache object a layer's rows live in. */
export type CacheRole = 'kv' | 'non-swa' | 'swa';

export interface LayerKv {
  readonly index: number;
  readonly cache: CacheRole;
  /** Cells per stream. */
  readonly cells: number;
  readonly kBytes: number;
  readonly vBytes: number;
}

/** One cache object, as one `llama_kv_cache: size = …` log line reports it. */
export interface CacheKv {
  readonly role: CacheRole;
  readonly cells: number;
  readonly layers: number;
  readonly kBytes: number;
  readonly vBytes: number;
}

export interface KvPlan {
  readonly bytes: number;
  readonly kBytes: number;
  readonly vBytes: number;
  readonly layers: readonly LayerKv[];
  readonly caches: readonly CacheKv[];
}

export const KV_BYTES_RULE = cite('src/llama-kv-cache.cpp', 'llama_kv_cache::llama_kv_cache', 'K {n_embd_k_gqa(il), kv_size, n_stream}; V {v_trans ? n_embd_v_gqa_max : n_embd_v_gqa(il), ...}; no V under MLA');

/**
 * `ggml_row_size` as a release build computes it: `type_size * ne / blck_size` in integer
 * arithmetic (a width the block does not divide is truncated, the debug assert is compiled out).
 */
export function ggmlRowSize(type: CacheType, width: number): number {
  const { blockSize, typeSize } = CACHE_TYPE_LAYOUT[type];
  return Math.floor((typeSize * width) / blockSize);
}

/** Exact KV-cache bytes per layer and per cache object, as the runtime allocates them. */
export function planKvCache(model: ResolvedModel, decision: Pick<Decision, 'cacheTypeK' | 'cacheTypeV' | 'vTransposed'>, context: ContextPlan): KvPlan {
  const iswa = model.memory === 'iswa';
  const isMla = model.hparams.mla !== null;
  const vWidthMax = decision.vTransposed ? widestV(model) : 0;
  const layers: LayerKv[] = [];
  for (const layer of model.layers) {
    if (!layer.ownsKv) continue;
    const cache: CacheRole = !iswa ? 'kv' : layer.window !== null ? 'swa' : 'non-swa';
    const cells = cache === 'swa' ? (context.swaCells ?? context.cellsPerStream) : context.cellsPerStream;
    const rows = cells * context.streams;
    const vWidth = decision.vTransposed ? vWidthMax : layer.headDimV * layer.headCountKv;
    layers.push({
      index: layer.index,
      cache,
      cells,
      kBytes: ggmlRowSize(decision.cacheTypeK, layer.headDimK * layer.headCountKv) * rows,
      vBytes: isMla ? 0 : ggmlRowSize(decision.cacheTypeV, vWidth) * rows,
    });
  }
  // Recurrent-only models have no attention cache object at all.
  const roles: CacheRole[] = model.memory === 'recurrent' ? [] : iswa ? ['non-swa', 'swa'] : ['kv'];
  const caches = roles.map((role): CacheKv => {
    const members = layers.filter((layer) => layer.cache === role);
    const cells = role === 'swa' ? (context.swaCells ?? context.cellsPerStream) : context.cellsPerStream;
    return { role, cells, layers: members.length, kBytes: sum(members.map((l) => l.kBytes)), vBytes: sum(members.map((l) => l.vBytes)) };
  });
  const kBytes = sum(layers.map((l) => l.kBytes));
  const vBytes = sum(layers.map((l) => l.vBytes));
  return { bytes: kBytes + vBytes, kBytes, vBytes, layers, caches };
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

const widest = new WeakMap<object, number>();

/** `n_embd_v_gqa_max`: over every layer (n_layer_all), owning KV or not; cached per model. */
function widestV(model: ResolvedModel): number {
  let value = widest.get(model.layers);
  if (value === undefined) {
    value = Math.max(0, ...model.layers.map((layer) => layer.headDimV * layer.headCountKv));
    widest.set(model.layers, value);
  }
  return value;
}
