import type { LayerSpec } from '../model/layers.js';
import type { LayerSelector, TensorCondition } from '../schema/tensors.js';

/** Reads an integer hparam by GGUF key (without the arch prefix); undefined when absent. */
export type SelectorKeys = (key: string) => number | undefined;

/** What the selectors look at; a `LayerSpec` has it (add builds one from a header). */
export type SelectorLayer = Pick<LayerSpec, 'index' | 'kind' | 'headCount' | 'headCountKv' | 'ffLength' | 'hasRecurrentState' | 'isMtp'>;

/** Whether a per-layer tensor declared for `selector` exists on `layer`; `keys` reads the hparams selectors depend on. */
export function layerSelected(selector: LayerSelector, layer: SelectorLayer, keys: SelectorKeys): boolean {
  if (typeof selector === 'object') {
    const step = keys(selector.key) ?? 0;
    const onStep = step > 0 && (layer.index + 1) % step === 0;
    return selector.selects === 'on-step' ? onStep : !onStep;
  }
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
      return layer.index < (keys('leading_dense_block_count') ?? 0);
    case 'after-dense-lead':
      return layer.index >= (keys('leading_dense_block_count') ?? 0);
    case 'kv-heads':
      return !recurrentOnly && layer.headCountKv > 0;
    case 'linear-attention':
      return !recurrentOnly && layer.headCount > 0 && layer.headCountKv === 0;
    case 'ffn':
      return layer.ffLength > 0;
  }
}

/** Whether a tensor's loader branches are all taken: `lookup` reads a key without the arch prefix (absent = 0). */
export function conditionHolds(when: readonly TensorCondition[] | undefined, lookup: (key: string) => number | undefined): boolean {
  return (when ?? []).every((condition) => {
    const value = lookup(condition.key) ?? 0;
    return condition.is === 'positive' ? value > 0 : value === 0;
  });
}
