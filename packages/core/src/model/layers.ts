import type { ArchPlugin } from '../schema/arch.js';
import type { Hparams } from './hparams.js';

/** What a layer attends with. `none`: no attention (MTP layer left out of the cache, or no heads). */
export type LayerKind = 'full' | 'swa' | 'chunked' | 'recurrent' | 'mla' | 'none';

/** One layer as the runtime's caches see it. */
export interface LayerSpec {
  readonly index: number;
  readonly kind: LayerKind;
  readonly headCount: number;
  readonly headCountKv: number;
  /** `n_ff(il)`: 0 on a layer without a feed-forward block. */
  readonly ffLength: number;
  /** `n_embd_head_k(il)`: SWA layers use the SWA-specific dim. */
  readonly headDimK: number;
  readonly headDimV: number;
  /** Tokens kept by this layer's cache: the window for SWA/chunked layers, else null (the whole context). */
  readonly window: number | null;
  /** Allocates its own K/V rows in the main context's attention cache. */
  readonly ownsKv: boolean;
  /** The earlier layer whose K/V this layer attends over (KV-sharing tail), else null. */
  readonly kvSource: number | null;
  /** Carries recurrent (SSM / conv) state. */
  readonly hasRecurrentState: boolean;
  /** A trailing `nextn_predict_layers` (MTP) layer. */
  readonly isMtp: boolean;
  /** Q and K get rotary position embedding: false on NoPE layers and for archs without RoPE. */
  readonly rope: boolean;
}

function attentionKind(hparams: Hparams, il: number): LayerKind {
  if (hparams.mla !== null) return 'mla';
  if (hparams.swa?.isSwa[il] === true) return hparams.swa.type === 'chunked' ? 'chunked' : 'swa';
  return 'full';
}

/** Whether layer il skips RoPE under the arch's NoPE rule. */
function isNope(plugin: ArchPlugin, hparams: Hparams, il: number): boolean {
  const rule = plugin.rope.nopeLayers.value;
  switch (rule.type) {
    case 'none':
      return false;
    case 'period':
      return (il + 1) % rule.period === 0;
    case 'full-attention-layers':
      return hparams.swa !== null && hparams.swa.isSwa[il] !== true;
  }
}

/** Builds the per-layer table from resolved hparams and the arch's facts. */
export function buildLayers(plugin: ArchPlugin, hparams: Hparams): LayerSpec[] {
  const everyLayerBoth = plugin.layers.type === 'hybrid' && plugin.layers.recurrent.type === 'every-layer';
  return Array.from({ length: hparams.blockCount }, (_, il): LayerSpec => {
    const isMtp = il >= hparams.nLayer;
    const recurrent = hparams.recurrent?.[il] ?? false;
    const headCount = hparams.headCount[il] ?? 0;
    const headCountKv = hparams.headCountKv[il] ?? 0;
    const isSwa = hparams.swa?.isSwa[il] === true;
    // A layer runs attention only with query and KV heads (deci's linear-attention layers have no KV heads).
    const attends = (!recurrent || everyLayerBoth) && headCount > 0 && headCountKv > 0;
    const mtpDropped = isMtp && plugin.mtp.value === 'excluded-from-kv';
    // llama_kv_cache gets no layer filter for kv/iswa memory: every layer takes a slot, a zero-width
    // one when it has no KV heads; hybrids filter out their recurrent layers.
    const inCache = plugin.memory.value !== 'recurrent' && plugin.memory.value !== 'none' && (!recurrent || everyLayerBoth) && !mtpDropped;
    // llama_hparams::has_kv: layers from n_layer_kv_from_start on keep no K/V; create_memory's reuse
    // callback maps SWA layers to start − 2 and full ones to start − 1 (checked in resolveHparams).
    const start = hparams.kvShareStart;
    const shared = start !== null && il >= start && inCache;
    let kind: LayerKind = 'none';
    if (recurrent && !everyLayerBoth) kind = 'recurrent';
    else if (attends && !mtpDropped) kind = attentionKind(hparams, il);
    return {
      index: il,
      kind,
      headCount,
      headCountKv,
      ffLength: hparams.feedForwardLengths[il] ?? 0,
      headDimK: isSwa ? hparams.headDimKSwa : hparams.headDimK,
      headDimV: isSwa ? hparams.headDimVSwa : hparams.headDimV,
      window: isSwa && hparams.swa !== null ? hparams.swa.window : null,
      ownsKv: inCache && !shared,
      kvSource: shared && attends && hparams.swa !== null ? start - (isSwa ? 2 : 1) : null,
      hasRecurrentState: recurrent,
      isMtp,
      rope: plugin.rope.type.value !== 'none' && !isNope(plugin, hparams, il),
    };
  });
}
