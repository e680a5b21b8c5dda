import type { LayerSpec } from '../model/layers.js';
import type { LayerSelector } from '../schema/tensors.js';

/** Whether a per-layer tensor declared for `selector` exists on `layer` (`denseLead` = leading_dense_block_count). */
export function layerSelected(selector: LayerSelector, layer: LayerSpec, denseLead: number): boolean {
  switch (selector) {
    case 'all':
      return true;
    case 'attention':
      return layer.kind !== 'recurrent' && layer.headCount > 0;
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
  }
}
