import type { Cite } from './cite.js';

/**
 * A tensor dimension: a number, or an expression over hparams such as `n_head*n_embd_head_k`
 * or `n_embd_k_gqa`. Identifiers are the names `llama_model_base` uses (see `DIM_NAMES`, layer-0
 * values as LLAMA_LOAD_LOCALS sets them), the per-layer names `n_head(il)` and co. (see
 * `PER_LAYER_DIM_NAMES`, per-layer tensors only) or a GGUF key without the arch prefix
 * (`attention.kv_lora_rank`); operators `+ - * /` with the usual precedence.
 */
export type DimExpr = number | string;

/** Which layers carry a per-layer tensor. */
export type LayerSelector =
  | 'all'
  /** Layers with attention (own KV or not), excluding recurrent-only layers. */
  | 'attention'
  | 'recurrent'
  /** Trunk layers (il < n_layer). */
  | 'trunk'
  /** Trailing nextn_predict_layers (MTP) layers. */
  | 'mtp'
  /** il < leading_dense_block_count (deepseek2's dense FFN layers). */
  | 'dense-lead'
  /** Layers at or after leading_dense_block_count, trailing MTP layers included (deepseek2's MoE layers). */
  | 'after-dense-lead'
  /** Layers with KV heads, n_head_kv(il) > 0 (deci's attention layers proper). */
  | 'kv-heads'
  /** Non-recurrent layers with query heads but no KV heads: n_head(il) > 0 && n_head_kv(il) == 0 (deci's linear attention). */
  | 'linear-attention'
  /** Layers with a feed-forward block, n_ff(il) > 0. */
  | 'ffn'
  | StepSelector;

/** Every named layer selector, for validation and for `add`'s matching. */
export const LAYER_SELECTORS = [
  'all',
  'attention',
  'recurrent',
  'trunk',
  'mtp',
  'dense-lead',
  'after-dense-lead',
  'kv-heads',
  'linear-attention',
  'ffn',
] as const satisfies readonly LayerSelector[];

/**
 * Every `step`-th layer, the step read from a GGUF key (llama4's `interleave_moe_layer_step`):
 * `on-step` picks layer il iff `step > 0 && (il + 1) % step == 0`, `off-step` picks the others.
 */
export interface StepSelector {
  readonly type: 'step';
  /** GGUF key without the arch prefix; absent or 0 means no layer is on the step. */
  readonly key: string;
  readonly selects: 'on-step' | 'off-step';
}

/** One tensor the arch's `load_arch_tensors` creates. */
export interface TensorDecl {
  /** GGUF tensor name; `{i}` stands for the layer index. */
  readonly name: string;
  /** Shape in ggml order (ne0 first). */
  readonly shape: readonly DimExpr[];
  /** For per-layer tensors: the layers that carry it (default `all`). */
  readonly layers?: LayerSelector;
  /** Loadable without it (`TENSOR_NOT_REQUIRED`); the synthesizer leaves optional tensors out. */
  readonly optional?: boolean;
  /**
   * An optional tensor the loader takes in place of these (same list, same layers): create_tensor_qkv
   * tries a fused `attn_qkv` and creates the separate Q/K/V only without it. A file carries one form;
   * the synthesizer writes the others unless asked for this one (`use`).
   */
  readonly insteadOf?: readonly string[];
  /** How a tiny model fills it: norms start at one so activations stay sane. Default `random`. */
  readonly init?: 'random' | 'ones' | 'zeros';
  /**
   * Created only when every condition holds: a metadata key (without the arch prefix, absent = 0)
   * is positive or zero, as loader branches such as `if (n_expert > 0)` decide. Default: always.
   */
  readonly when?: readonly TensorCondition[];
}

/** A loader branch on one integer key: `positive` (> 0) or `zero` (0 or absent). */
export interface TensorCondition {
  readonly key: string;
  readonly is: 'positive' | 'zero';
}

/** The GGUF tensor layout, enough to synthesize a file the runtime loads. */
export interface TensorLayout {
  readonly global: readonly TensorDecl[];
  readonly perLayer: readonly TensorDecl[];
  /**
   * True when `load_arch_tensors` creates the tied output (token_embd with `TENSOR_DUPLICATED`)
   * before `token_embd` itself: the loader finds no tensor to reuse in that buffer type, so a file
   * without `output.weight` loads token_embd twice even on one device. Default false.
   */
  readonly tiedOutputBeforeTokenEmbd?: boolean;
  readonly cite: Cite;
}

/** A metadata value of a contract model; `{ f32 }` marks keys the runtime reads as floats. */
export type ContractValue = number | boolean | string | { readonly f32: number } | readonly number[] | readonly boolean[];

/**
 * The smallest configuration that keeps the arch's shape, run on the native runtime by the
 * contract tests: GQA ratio > 1, at least one full and one SWA layer with a window below the
 * test context, MLA widths, recurrent layers for hybrids.
 */
export interface ContractModel {
  /** Metadata keys without the arch prefix. `context_length`, `embedding_length`, `block_count` are required. */
  readonly hparams: Readonly<Record<string, ContractValue>>;
  /** Vocabulary size of the synthetic SPM vocabulary (at least 259: 3 specials and 256 bytes). */
  readonly vocabSize: number;
  /** Why this configuration keeps the shape that matters. */
  readonly why: string;
}

/** Hparam names a dimension expression may use; each maps to a resolved value per model. */
export const DIM_NAMES = [
  'n_embd',
  'n_vocab',
  'n_head',
  'n_head_kv',
  'n_embd_head_k',
  'n_embd_head_v',
  'n_embd_k_gqa',
  'n_embd_v_gqa',
  'n_rot',
  'n_ff',
  'n_expert',
  'n_expert_used',
  'n_ff_exp',
] as const;

export type DimName = (typeof DIM_NAMES)[number];

/**
 * Per-layer names, as `llama_hparams` methods of the layer index (`hparams.n_head(il)`); a loader
 * that sizes a tensor with them lets the shape change from layer to layer (openelm, deci). Only
 * per-layer tensors may use them.
 */
export const PER_LAYER_DIM_NAMES = ['n_head(il)', 'n_head_kv(il)', 'n_ff(il)', 'n_embd_k_gqa(il)', 'n_embd_v_gqa(il)'] as const;

export type PerLayerDimName = (typeof PER_LAYER_DIM_NAMES)[number];
