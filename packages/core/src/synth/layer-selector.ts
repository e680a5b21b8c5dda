import type { LayerSpec } from '../model/layers.js';
import type { LayerSelector, TensorCondition } from '../schema/tensors.js';

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

/** Whether a tensor's loader branches are all taken: `lookup` reads a key without the arch prefix (absent = 0). */
export function conditionHolds(when: readonly TensorCondition[] | undefined, lookup: (key: string) => number | undefined): boolean {
  return (when ?? []).every((condition) => {
    const value = lookup(condition.key) ?? 0;
    return condition.is === 'positive' ? value > 0 : value === 0;
  });
}
