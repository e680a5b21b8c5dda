import type { LayerSpec } from '../model/layers.js';
import type { LayerSelector } from '../schema/tensors.js';

/** What the selectors look at; a `LayerSpec` has it (add builds one from a header). */
export type SelectorLayer = Pick<LayerSpec, 'index' | 'kind' | 'headCount' | 'headCountKv' | 'ffLength' | 'hasRecurrentState' | 'isMtp'>;

/** Whether a per-layer tensor declared for `selector` exists on `layer` (`denseLead` = leading_dense_block_count). */
export function layerSelected(selector: LayerSelector, layer: SelectorLayer, denseLead: number): boolean {
  const recurrentOnly = layer.kind === 'recurrent';
  switch (selector) {
    case 'all':
      return true;
    case 'attention':
      return !recurrentOnly && layer.headCount > 0;
    case 'recurrent':
      return layer.hasRecurrentState;
    case 'trunk':
      return !layer.isMtp;
    case 'mtp':
      return layer.isMtp;
    case 'dense-lead':
      return layer.index < denseLead;
    case 'after-dense-lead':
      return layer.index >= denseLead;
    case 'kv-heads':
      return !recurrentOnly && layer.headCountKv > 0;
    case 'linear-attention':
      return !recurrentOnly && layer.headCount > 0 && layer.headCountKv === 0;
    case 'ffn':
      return layer.ffLength > 0;
  }
}
