import { archTable } from '@arch-registry/core';
import { planSynthesis } from '@arch-registry/gguf-synth';
import { describe, expect, it } from 'vitest';

/** Layers of the synthesized llama4 model that carry `blk.N.<suffix>`. */
function layersWith(suffix: string, hparams: Record<string, number> = {}): number[] {
  const { tensors } = planSynthesis(archTable.llama4, 'header-only', { hparams });
  return tensors
    .map((tensor) => /^blk\.(\d+)\.(.+)$/.exec(tensor.name))
    .filter((match) => match?.[2] === suffix)
    .map((match) => Number(match?.[1]));
}

// llama4's load_arch_tensors: layer i is MoE iff step > 0 && (i + 1) % step == 0 (step =
// interleave_moe_layer_step); MoE layers carry routed experts and a shared expert, the others a dense FFN.
describe('step layer selector (llama4 interleave_moe_layer_step), contract model with 4 layers', () => {
  it.each([
    { step: 2, moe: [1, 3], dense: [0, 2] },
    { step: 1, moe: [0, 1, 2, 3], dense: [] },
    { step: 4, moe: [3], dense: [0, 1, 2] },
    { step: 3, moe: [2], dense: [0, 1, 3] },
    { step: 0, moe: [], dense: [0, 1, 2, 3] },
  ])('step $step: MoE on $moe, dense on $dense', ({ step, moe, dense }) => {
    const hparams = { interleave_moe_layer_step: step };
    for (const suffix of ['ffn_gate_inp.weight', 'ffn_up_exps.weight', 'ffn_gate_shexp.weight', 'ffn_down_shexp.weight']) expect(layersWith(suffix, hparams)).toEqual(moe);
    for (const suffix of ['ffn_gate.weight', 'ffn_up.weight', 'ffn_down.weight']) expect(layersWith(suffix, hparams)).toEqual(dense);
    expect(layersWith('attn_q.weight', hparams)).toEqual([0, 1, 2, 3]);
  });
});
