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
  /** Carries recurrent (SSM / conv) state. */
  readonly hasRecurrentState: boolean;
  /** A trailing `nextn_predict_layers` (MTP) layer. */
  readonly isMtp: boolean;
}

function attentionKind(hparams: Hparams, il: number): LayerKind {
  if (hparams.mla !== null) return 'mla';
  if (hparams.swa?.isSwa[il] === true) return hparams.swa.type === 'chunked' ? 'chunked' : 'swa';
  return 'full';
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
      ownsKv: inCache,
      hasRecurrentState: recurrent,
      isMtp,
    };
  });
}
