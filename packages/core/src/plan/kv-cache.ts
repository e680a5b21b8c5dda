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

/** One layer's row widths in bytes: what does not depend on the context. */
interface LayerRows {
  readonly index: number;
  readonly cache: CacheRole;
  readonly kRow: number;
  readonly vRow: number;
}

/** Row bytes per layer and per cache object for one model and one choice of cache types. */
interface KvLayout {
  readonly layers: readonly LayerRows[];
  readonly roles: readonly { readonly role: CacheRole; readonly layers: number; readonly kRows: number; readonly vRows: number }[];
}

type LayoutKey = Pick<Decision, 'cacheTypeK' | 'cacheTypeV' | 'vTransposed'>;

// Per model (its layer table) and cache types: a plan is asked for many contexts of one model.
const layouts = new WeakMap<object, Map<string, KvLayout>>();

function kvLayout(model: ResolvedModel, decision: LayoutKey): KvLayout {
  const key = `${decision.cacheTypeK}/${decision.cacheTypeV}/${decision.vTransposed}`;
  let byKey = layouts.get(model.layers);
  const cached = byKey?.get(key);
  if (cached !== undefined) return cached;
  const iswa = model.swaCache;
  const isMla = model.hparams.mla !== null;
  const vWidthMax = decision.vTransposed ? widestV(model) : 0;
  const layers: LayerRows[] = [];
  for (const layer of model.layers) {
    if (!layer.ownsKv) continue;
    const vWidth = decision.vTransposed ? vWidthMax : layer.headDimV * layer.headCountKv;
    layers.push({
      index: layer.index,
      cache: !iswa ? 'kv' : layer.window !== null ? 'swa' : 'non-swa',
      kRow: ggmlRowSize(decision.cacheTypeK, layer.headDimK * layer.headCountKv),
      vRow: isMla ? 0 : ggmlRowSize(decision.cacheTypeV, vWidth),
    });
  }
  // Recurrent-only models have no attention cache object at all.
  const roles: CacheRole[] = model.memory === 'recurrent' ? [] : iswa ? ['non-swa', 'swa'] : ['kv'];
  const layout: KvLayout = {
    layers,
    roles: roles.map((role) => {
      const members = layers.filter((layer) => layer.cache === role);
      return { role, layers: members.length, kRows: sum(members.map((l) => l.kRow)), vRows: sum(members.map((l) => l.vRow)) };
    }),
  };
  if (byKey === undefined) layouts.set(model.layers, (byKey = new Map()));
  byKey.set(key, layout);
  return layout;
}

/** Exact KV-cache bytes per layer and per cache object, as the runtime allocates them. */
export function planKvCache(model: ResolvedModel, decision: LayoutKey, context: ContextPlan): KvPlan {
  const layout = kvLayout(model, decision);
  const swaCells = context.swaCells ?? context.cellsPerStream;
  const layers: LayerKv[] = new Array(layout.layers.length);
  for (let i = 0; i < layout.layers.length; i++) {
    const layer = layout.layers[i] as LayerRows;
    const cells = layer.cache === 'swa' ? swaCells : context.cellsPerStream;
    const rows = cells * context.streams;
    layers[i] = { index: layer.index, cache: layer.cache, cells, kBytes: layer.kRow * rows, vBytes: layer.vRow * rows };
  }
  let kBytes = 0;
  let vBytes = 0;
  const caches: CacheKv[] = [];
  for (const role of layout.roles) {
    const cells = role.role === 'swa' ? swaCells : context.cellsPerStream;
    const rows = cells * context.streams;
    caches.push({ role: role.role, cells, layers: role.layers, kBytes: role.kRows * rows, vBytes: role.vRows * rows });
    kBytes += role.kRows * rows;
    vBytes += role.vRows * rows;
  }
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
