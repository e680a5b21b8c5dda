import type { AllocTensor } from './galloc.js';
import type { MoeLayout } from './graph-template.js';

export type Op = (name: string, bytes: number, srcs: string[], extra?: Partial<AllocTensor>) => string;

/**
 * build_moe_ffn without a weight scale, in the order ggml_build_forward_expand reaches it: the
 * routing weights first, then the experts, then their sum. Softmax gating soft-maxes the router
 * logits (in place); softmax-weight takes them as the probs and soft-maxes the picked top-k weights
 * (over a reshape, so not in place). Normalized weights are divided by their clamped row sum.
 */
export function moeFfn(m: MoeLayout, il: number, t: number, rowBytes: number, input: string, op: Op, view: (name: string, of: string, src?: string) => string): string {
  const inplace = { inplace: true };
  let probs = op(`moe_logits${il}`, 4 * m.experts * t, [input]);
  if (m.routerBias) probs = op(`moe_logits_b${il}`, 4 * m.experts * t, [probs], inplace);
  const logits = probs;
  // soft_max / sigmoid run in place unless the logits have another consumer (experts selected from them)
  if (m.gating !== 'softmax-weight') probs = op(`moe_probs${il}`, 4 * m.experts * t, [probs], inplace);
  const probs3d = view(`moe_probs3d${il}`, probs);
  const argsort = op(`moe_argsort${il}`, 4 * m.experts * t, [m.selectFromLogits ? logits : probs]);
  const topk = view(`moe_topk${il}`, argsort);
  let weights = op(`moe_weights${il}`, 4 * m.used * t, [probs3d, topk]);
  if (m.gating === 'softmax-weight') {
    weights = view(`moe_weights_sm3d${il}`, op(`moe_weights_softmax${il}`, 4 * m.used * t, [view(`moe_weights_sm2d${il}`, weights)], inplace));
  }
  if (m.normalizeWeights) {
    const rows = view(`moe_weights_norm2d${il}`, weights);
    const sum = op(`moe_weights_sum_clamped${il}`, 4 * t, [op(`moe_weights_sum${il}`, 4 * t, [rows])], inplace);
    weights = view(`moe_weights_norm3d${il}`, op(`moe_weights_norm${il}`, 4 * m.used * t, [rows, sum], inplace));
  }
  let input3d = view(`moe_in3d${il}`, input);
  // Weights applied before the experts: the input repeated per picked expert, multiplied in place.
  if (m.weightBeforeExperts) input3d = op(`moe_in_weighted${il}`, rowBytes * m.used, [op(`moe_in_repeated${il}`, rowBytes * m.used, [input3d]), weights], inplace);
  const expertBytes = 4 * m.width * m.used * t;
  const biased = (name: string, bytes: number, x: string) => (m.expertBiases ? op(`${name}_b`, bytes, [x, topk], inplace) : x);
  const gate = biased(`moe_gate${il}`, expertBytes, op(`moe_gate${il}`, expertBytes, [input3d, topk]));
  const up = biased(`moe_up${il}`, expertBytes, op(`moe_up${il}`, expertBytes, [input3d, topk]));
  const act = op(`moe_act${il}`, expertBytes, [gate, up]);
  const downBytes = rowBytes * m.used;
  const down = biased(`moe_down${il}`, downBytes, op(`moe_down${il}`, downBytes, [act, topk]));
  const weighted = m.weightBeforeExperts ? down : op(`moe_weighted${il}`, downBytes, [down, weights], inplace);
  const experts = Array.from({ length: m.used }, (_, i) => view(`moe_expert${il}.${i}`, weighted));
  let sum = experts[0] ?? weighted;
  for (let i = 1; i < experts.length; i++) sum = op(`moe_sum${il}.${i}`, rowBytes, [sum, experts[i] ?? weighted], inplace);
  // One expert: its view is made contiguous.
  if (experts.length === 1) sum = op(`moe_out${il}`, rowBytes, [sum]);
  if (m.sharedWidth === null) return sum;
  // The shared expert: a gated FFN over the same input, added to the routed output.
  const sharedBytes = 4 * m.sharedWidth * t;
  const shared = op(`shexp_out${il}`, rowBytes, [op(`shexp_glu${il}`, sharedBytes, [op(`shexp_gate${il}`, sharedBytes, [input]), op(`shexp_up${il}`, sharedBytes, [input])])]);
  return op(`moe_shexp_sum${il}`, rowBytes, [sum, shared], inplace);
}
