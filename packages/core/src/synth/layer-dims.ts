import type { PerLayerDimName } from '../schema/tensors.js';

/** What a layer's per-layer sizes come from; a `LayerSpec` has it. */
export interface LayerCounts {
  readonly headCount: number;
  readonly headCountKv: number;
  readonly headDimK: number;
  readonly headDimV: number;
  readonly ffLength: number;
}

/** The per-layer dimension names of one layer, as `llama_hparams::n_head(il)` and co. give them. */
export function layerDims(layer: LayerCounts): Readonly<Record<PerLayerDimName, number>> {
  return {
    'n_head(il)': layer.headCount,
    'n_head_kv(il)': layer.headCountKv,
    'n_ff(il)': layer.ffLength,
    // n_embd_head_k(il) * n_head_kv(il) (llama-hparams.cpp, n_embd_k_gqa): the layer's own head dim.
    'n_embd_k_gqa(il)': layer.headDimK * layer.headCountKv,
    'n_embd_v_gqa(il)': layer.headDimV * layer.headCountKv,
  };
}
