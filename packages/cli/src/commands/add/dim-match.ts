import { evalDim } from '@arch-registry/core';

/**
 * Expressions a tensor dimension may be, most common first: the names `llama_model_base` uses
 * (DIM_NAMES), the products the loaders write, and the MLA widths. GGUF keys of the header come after.
 */
const COMMON = [
  'n_embd',
  'n_vocab',
  'context_length',
  'n_ff',
  'n_ff_exp',
  'n_expert',
  'n_embd_k_gqa',
  'n_embd_v_gqa',
  'n_head*n_embd_head_k',
  'n_head*n_embd_head_v',
  'n_embd_head_k',
  'n_embd_head_v',
  'n_rot',
  'n_head',
  'n_head_kv',
  'n_rot/2',
  'n_head*n_rot',
  'n_head_kv*n_rot',
  'n_ff_exp*expert_shared_count',
  // Fused projections: QKV, gate+up, Q+gate.
  'n_embd + 2*n_embd_k_gqa',
  'n_head*n_embd_head_k + 2*n_embd_k_gqa',
  '2*n_ff',
  '2*n_ff_exp',
  '2*n_head*n_embd_head_k',
  '2*n_embd',
  '3*n_embd',
  // MLA.
  'attention.q_lora_rank',
  'attention.kv_lora_rank',
  'attention.kv_lora_rank + n_rot',
  'n_head*attention.key_length_mla',
  'attention.key_length_mla - n_rot',
  'attention.value_length_mla',
  'n_head*attention.value_length_mla',
  // Mamba / Mamba-2 (d_inner, conv channels x+B+C, in_proj z+xBC+dt).
  'ssm.inner_size',
  'ssm.state_size',
  'ssm.time_step_rank',
  'ssm.conv_kernel',
  '2*ssm.inner_size',
  'ssm.inner_size + 2*ssm.group_count*ssm.state_size',
  '2*ssm.inner_size + 2*ssm.group_count*ssm.state_size + ssm.time_step_rank',
  'ssm.time_step_rank + 2*ssm.state_size',
  '2*ssm.time_step_rank',
  'ssm.inner_size / ssm.group_count',
  'ssm.group_count',
] as const;

/** GGUF keys that are counts, switches, lengths of context or floats, never a tensor width. */
const NOT_A_WIDTH = /(context_length|_count|pattern|window|gating_func|type|causal|_step|scale|epsilon|eps|freq_base|freq_base_swa|factor|softcapping|max_alibi_bias|multiplier|beta_fast|beta_slow)$/;
/** Keys the names above already stand for. */
const NAMED_KEYS = new Set([
  'embedding_length',
  'feed_forward_length',
  'expert_feed_forward_length',
  'attention.head_count',
  'attention.head_count_kv',
  'attention.key_length',
  'attention.value_length',
  'rope.dimension_count',
  'vocab_size',
]);

/** Dimension by dimension, the reading the loaders use for common tensors (ggml order, ne0 first). */
const LAYOUT: Readonly<Record<string, readonly (readonly string[])[]>> = {
  'ffn_gate.weight': [['n_embd'], ['n_ff']],
  'ffn_up.weight': [['n_embd'], ['n_ff']],
  'ffn_down.weight': [['n_ff'], ['n_embd']],
  'ffn_gate_exps.weight': [['n_embd'], ['n_ff_exp'], ['n_expert']],
  'ffn_up_exps.weight': [['n_embd'], ['n_ff_exp'], ['n_expert']],
  'ffn_down_exps.weight': [['n_ff_exp'], ['n_embd'], ['n_expert']],
  'ffn_gate_exps.bias': [['n_ff_exp'], ['n_expert']],
  'ffn_up_exps.bias': [['n_ff_exp'], ['n_expert']],
  'ffn_down_exps.bias': [['n_embd'], ['n_expert']],
  'ffn_gate_inp.weight': [['n_embd'], ['n_expert']],
  'ffn_gate_inp.bias': [['n_expert']],
  'ffn_gate_shexp.weight': [['n_embd'], ['n_ff_exp*expert_shared_count', 'n_ff_shexp']],
  'ffn_up_shexp.weight': [['n_embd'], ['n_ff_exp*expert_shared_count', 'n_ff_shexp']],
  'ffn_down_shexp.weight': [['n_ff_exp*expert_shared_count', 'n_ff_shexp'], ['n_embd']],
  'attn_sinks.weight': [['n_head']],
  'attn_sinks': [['n_head']],
  // Mamba: the conv kernel runs along dim 0; dt, A and D have one entry per SSM head (dt rank).
  'ssm_conv1d.weight': [['ssm.conv_kernel']],
  'ssm_dt.bias': [['ssm.time_step_rank']],
  'ssm_a': [[], ['ssm.time_step_rank']],
  'ssm_d': [[], ['ssm.time_step_rank']],
  'ssm_out.weight': [['ssm.inner_size'], ['n_embd']],
  // MLA's per-head projections (deepseek2's load_arch_tensors).
  'attn_k_b.weight': [['attention.key_length_mla - n_rot'], ['attention.kv_lora_rank'], ['n_head']],
  'attn_v_b.weight': [['attention.kv_lora_rank'], ['attention.value_length_mla'], ['n_head']],
  'attn_kv_a_norm.weight': [['attention.kv_lora_rank']],
  'attn_kv_a_mqa.weight': [['n_embd'], ['attention.kv_lora_rank + n_rot']],
};

/** Where a suffix makes one reading of an ambiguous number the natural one. */
function preferred(suffix: string, index: number, rank: number): readonly string[] {
  const known = LAYOUT[suffix]?.[index];
  if (known !== undefined) return known;
  if (/^attn_k\.(weight|bias)$/.test(suffix)) return ['n_embd_k_gqa', 'n_head_kv*n_rot'];
  if (/^attn_v\.(weight|bias)$/.test(suffix)) return ['n_embd_v_gqa', 'n_head_kv*n_rot'];
  if (/^attn_q\.(weight|bias)$/.test(suffix) && (index >= 1 || rank === 1)) return ['n_head*n_embd_head_k', 'n_head*n_rot'];
  if (/^attn_output\.weight$/.test(suffix) && index === 0) return ['n_head*n_embd_head_v', 'n_head*n_embd_head_k', 'n_head*n_rot'];
  if (/^attn_[qk]_norm\.weight$/.test(suffix)) return ['n_embd_head_k'];
  if (rank === 3 && index === 2) return ['n_expert', 'n_head'];
  return [];
}

/** Expressions that only make sense for some tensors. */
function allowed(expr: string, suffix: string): boolean {
  if (expr === 'n_rot/2') return /rope/.test(suffix);
  if (expr === 'context_length') return /position_embd/.test(suffix);
  return true;
}

/** Layer-0 names that have a per-layer form (PER_LAYER_DIM_NAMES without the `(il)`). */
const LAYER_ZERO = /\b(n_head_kv|n_head|n_ff|n_embd_k_gqa|n_embd_v_gqa)\b(?!\()/g;

/** `expr` with every layer-0 name that has a per-layer form in that form (`n_head*n_rot` → `n_head(il)*n_rot`). */
export function perLayerForm(expr: string): string {
  return expr.replace(LAYER_ZERO, '$1(il)');
}

/**
 * Every candidate expression for a header: the common ones, then the header's own width keys; with
 * `perLayer`, then the per-layer forms of the common ones (for tensors whose width changes by layer).
 */
export function candidateExpressions(dims: Readonly<Record<string, number>>, perLayer = false): string[] {
  const keys = Object.keys(dims).filter((key) => !key.startsWith('n_') && (key.includes('.') || key.includes('_length') || key.includes('_rank') || key.includes('_size')));
  const extra = keys.filter((key) => !NAMED_KEYS.has(key) && !NOT_A_WIDTH.test(key) && !(COMMON as readonly string[]).includes(key));
  const layerForms = perLayer ? COMMON.map(perLayerForm).filter((expr) => !(COMMON as readonly string[]).includes(expr)) : [];
  return [...COMMON, ...extra.sort(), ...layerForms];
}

/** Evaluates `expr` over `dims`; undefined when a name is missing or the arithmetic fails. */
export function tryEval(expr: string | number, dims: Readonly<Record<string, number>>): number | undefined {
  try {
    const value = evalDim(expr, (name) => (Object.hasOwn(dims, name) ? dims[name] : undefined));
    return Number.isInteger(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

export interface DimMatch {
  /** The chosen expression. */
  readonly expr: string;
  /**
   * Every candidate that gives the same number in the header (the chosen one first); only the
   * chosen one where the tensor's layout is known (LAYOUT), so the choice is not ambiguous.
   */
  readonly matches: readonly string[];
}

/** One layer's width and the names it is evaluated with (a global tensor has one sample). */
export interface DimSample {
  readonly value: number;
  readonly dims: Readonly<Record<string, number>>;
}

/** A reading and its per-layer form, the plain one first (it is the simpler where both fit). */
const withLayerForms = (exprs: readonly string[]): string[] => [...new Set(exprs.flatMap((expr) => [expr, perLayerForm(expr)]))];

/**
 * The expression for one dimension of a tensor: among the candidates that give every sample's width
 * with its hparams (every layer that carries the tensor), the one the suffix prefers, else the
 * first. Undefined when none matches.
 */
export function matchDimAcross(samples: readonly DimSample[], suffix: string, index: number, rank: number, candidates: readonly string[]): DimMatch | undefined {
  const matches = candidates.filter((expr) => allowed(expr, suffix) && samples.every((sample) => tryEval(expr, sample.dims) === sample.value));
  if (matches.length === 0) return undefined;
  // A tensor whose layout every loader shares: its reading is known, whatever else equals the number.
  const known = withLayerForms(LAYOUT[suffix]?.[index] ?? []).find((expr) => matches.includes(expr));
  if (known !== undefined) return { expr: known, matches: [known] };
  const first = withLayerForms(preferred(suffix, index, rank)).find((expr) => matches.includes(expr)) ?? matches[0] ?? '';
  return { expr: first, matches: [first, ...matches.filter((expr) => expr !== first)] };
}

/** `matchDimAcross` for one width evaluated with one set of names. */
export function matchDim(value: number, suffix: string, index: number, rank: number, candidates: readonly string[], dims: Readonly<Record<string, number>>): DimMatch | undefined {
  return matchDimAcross([{ value, dims }], suffix, index, rank, candidates);
}
