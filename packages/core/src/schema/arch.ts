import type { Cite, Fact } from './cite.js';
import type { ContractModel, TensorLayout } from './tensors.js';
import { validateArch } from './validate-arch.js';

/** What the model is for; decides whether a KV cache exists at all. */
export type ArchKind = 'decoder' | 'encoder' | 'encoder-decoder' | 'diffusion' | 'draft' | 'audio';

/**
 * The memory object `llama_model::create_memory` builds.
 * - `kv`: `llama_kv_cache` for every attention layer.
 * - `iswa`: `llama_kv_cache_iswa` (a full cache plus an SWA cache) whenever the layer rule
 *   yields sliding-window layers for this model, otherwise a plain `kv` cache.
 * - `hybrid`: `llama_memory_hybrid` (KV for attention layers, recurrent state for the rest).
 * - `recurrent`: `llama_memory_recurrent` only.
 * - `none`: no memory (encoders, diffusion models).
 * - `special`: a cache of its own (DSA, DSv4...): not planned exactly yet.
 */
export type MemoryKind = 'kv' | 'iswa' | 'hybrid' | 'recurrent' | 'none' | 'special';

/** How the sliding window is masked (`llama_swa_type`). */
export type SwaType = 'standard' | 'chunked' | 'symmetric';

/**
 * How the runtime reads `<arch>.attention.sliding_window_pattern` for this arch.
 * - `scalar`: `get_key_or_arr(kid, uint32&, false)`: a number overrides the period;
 *   in the pinned runtime an array is ignored (the call returns false) and the default period stays.
 * - `scalar-or-array`: a number overrides the period, a per-layer bool array sets each layer.
 * - `array`: a per-layer array is required.
 * - `ignored`: the key is never read.
 */
export type SwaPatternKey = 'scalar' | 'scalar-or-array' | 'array' | 'ignored';

/** When the sliding-window layout applies; otherwise every layer is full attention. */
export type SwaActivation =
  /** Always. */
  | { readonly type: 'always' }
  /** Only when `<arch>.attention.sliding_window` is present and greater than zero (gemma3). */
  | { readonly type: 'window-positive' }
  /** Only when n_layer (block_count − nextn_predict_layers) equals `nLayer` (exaone4 32B). */
  | { readonly type: 'n-layer-equals'; readonly nLayer: number }
  /** Unless `<arch>.attention.sliding_window` is present and 0; an absent key keeps SWA on (llama4). */
  | { readonly type: 'unless-window-zero' };

/** Where the window size comes from. */
export interface SwaWindow {
  /** True when `<arch>.attention.sliding_window` must be present (load fails without it). */
  readonly required: boolean;
  /** Window used when the key is absent; omit when there is none (required key, or activation needs the key). */
  readonly default?: number;
  /** A window the runtime imposes whatever the key says (llama4's 8192). */
  readonly forced?: number;
  /**
   * A window key of 0 loads but the runtime aborts at the first decode (llama4: the graph always
   * scales Q by the attention temperature, which only the windowed branch sets). Such a file is refused.
   */
  readonly zeroAborts?: { readonly why: string; readonly cite: Cite };
}

/** Sliding-window layers repeating with a period. */
export interface SwaLayerRule {
  readonly type: 'swa';
  readonly swaType: SwaType;
  /**
   * Period N of `set_swa_pattern(N, dense_first)`. Dense-last: layer il is SWA iff
   * `N == 0 || il % N < N - 1`. Dense-first: iff `N == 0 || il % N != 0`.
   */
  readonly period: number;
  /** True for `set_swa_pattern(N, true)`: the first layer of each group is dense. */
  readonly denseFirst: boolean;
  readonly patternKey: SwaPatternKey;
  readonly window: SwaWindow;
  readonly activation: SwaActivation;
  readonly cite: Cite;
}

/** Which layers of a hybrid model are recurrent. */
export type RecurrentLayerSelector =
  /** Layer il is recurrent iff its `head_count_kv` is 0 (jamba, granitehybrid, lfm2). */
  | { readonly type: 'head-count-kv-zero' }
  /** Attention iff `(il + 1) % interval == 0`; `key` overrides the default interval. */
  | { readonly type: 'interval'; readonly key: string; readonly default: number }
  /** A per-layer bool array under `key` marks the recurrent layers. */
  | { readonly type: 'array'; readonly key: string }
  /** Every layer has both attention and recurrent state (falcon-h1). */
  | { readonly type: 'every-layer' };

/** How each layer's kind is decided. */
export type LayerRule =
  /** Every layer is full (global) attention. */
  | { readonly type: 'all-full'; readonly cite: Cite }
  | SwaLayerRule
  /** Attention and recurrent layers mixed. */
  | {
      readonly type: 'hybrid';
      readonly recurrent: RecurrentLayerSelector;
      /**
       * When `<arch>.attention.sliding_window` is present and > 0, every attention layer uses that
       * window and the memory becomes `llama_memory_hybrid_iswa` (lfm2); absent: never.
       */
      readonly attentionSwa?: { readonly swaType: SwaType; readonly cite: Cite };
      readonly cite: Cite;
    }
  /** Every layer is recurrent (Mamba, RWKV). */
  | { readonly type: 'recurrent'; readonly cite: Cite };

/** Attention logit soft-capping read from metadata. */
export interface Softcap {
  /** GGUF key without the arch prefix, e.g. `attn_logit_softcapping`. */
  readonly key: string;
  /** Value used when the key is absent. */
  readonly default: number;
}

/** ALiBi position bias: from a key, or a value the runtime hard-codes. */
export type Alibi = { readonly type: 'key'; readonly key: string } | { readonly type: 'fixed'; readonly maxBias: number };

/** Multi-head latent attention: the cache holds the compressed latent, K only. */
export interface Mla {
  /**
   * GGUF keys (without arch prefix) whose presence and non-zero value make MLA active
   * (`llama_hparams::is_mla`): `attention.key_length_mla` and `attention.value_length_mla`.
   */
  readonly activeWhenKeys: readonly string[];
  /** The latent rank key, e.g. `attention.kv_lora_rank`. */
  readonly kvLoraRankKey: string;
}

/** Attention facts. Head counts and dims come from metadata unless a field overrides them. */
export interface AttentionFacts {
  /** Causal unless `attention.causal` says otherwise. */
  readonly causal: Fact<boolean>;
  /** True when the arch depends on per-layer `head_count` / `head_count_kv` arrays (openelm, deci). */
  readonly perLayerHeads: Fact<boolean>;
  /** Q and K RMS-norm tensors (`attn_q_norm`, `attn_k_norm`). */
  readonly qkNorm: Fact<boolean>;
  /** Attention logit soft-capping, or null. */
  readonly softcap: Fact<Softcap | null>;
  /** `blk.N.attn_sinks` tensors. */
  readonly sinks: Fact<boolean>;
  /** ALiBi bias, or null. */
  readonly alibi: Fact<Alibi | null>;
  /** Multi-head latent attention, or null. */
  readonly mla: Fact<Mla | null>;
}

/** RoPE variants as `llama_model_rope_type` names them. */
export type RopeType = 'none' | 'norm' | 'neox' | 'mrope' | 'imrope' | 'vision';

/** NoPE layers: layers that skip rotary embedding. */
export type NopeLayers =
  | { readonly type: 'none' }
  /** Every `period`-th layer ((il + 1) % period == 0) has no RoPE. */
  | { readonly type: 'period'; readonly period: number }
  /** Full-attention layers have no RoPE while the model has sliding-window layers (exaone4); none otherwise. */
  | { readonly type: 'full-attention-layers' };

export interface RopeFacts {
  readonly type: Fact<RopeType>;
  readonly nopeLayers: Fact<NopeLayers>;
  /** True when load fails unless `rope.dimension_count` equals the key head dim (`invalid n_rot`). */
  readonly nRotMustEqualHeadDim: Fact<boolean>;
}

/** Rules the runtime hard-codes for this arch by name. */
export interface RuntimeQuirks {
  /** `llama_init_from_model` forces flash attention off for this arch (grok). */
  readonly flashAttentionForcedOff: Fact<boolean>;
  /** K and V cache types must be equal regardless of MLA (deepseek4). */
  readonly kvTypesMustMatch: Fact<boolean>;
}

/**
 * Whether the last layer's hidden state is a graph output of its own (`llm_graph_result::t_h_nextn`,
 * which set_outputs flags, so ggml-alloc never frees it while the logits are computed):
 * - `none`: not set, or set to the final norm (deepseek2, glm4moe: already an output as t_embd);
 * - `all-rows`: the last layer's output, set before the out_ids rows are selected after the layers
 *   (every token's row stays; gpt-oss).
 */
export type HiddenStateOutput = 'none' | 'all-rows';

/**
 * How the arch's graph departs from the common decoder block, where that changes the compute
 * buffer. Each field defaults to the common block: the hidden state is no output, the FFN input is
 * normed by `ffn_norm`, and an MoE router's gating is not modelled.
 */
/**
 * build_moe_ffn's routing:
 * - `gating`: `softmax` soft-maxes the router logits into probabilities; `sigmoid` squashes them;
 *   `softmax-weight` takes the logits (plus `ffn_gate_inp.bias`) as they are and soft-maxes the
 *   picked top-k weights.
 * - `normalizeWeights` (norm_w): the picked weights are divided by their sum.
 * - `selectFromLogits`: the top-k are picked from the raw logits, not the probabilities (llama4).
 * - `weightBeforeExperts`: the weights scale each expert's input, not its output (llama4).
 */
export interface MoeRouting {
  readonly gating: 'softmax' | 'softmax-weight' | 'sigmoid';
  readonly normalizeWeights: boolean;
  readonly selectFromLogits?: boolean;
  readonly weightBeforeExperts?: boolean;
}

export interface GraphFacts {
  readonly hiddenStateOutput?: Fact<HiddenStateOutput>;
  /** The per-layer norm (tensor stem) applied before the FFN when it is not `ffn_norm` (gpt-oss: `post_attention_norm`). */
  readonly ffnNorm?: Fact<string>;
  /** NoPE layers multiply Q by the attention-temperature input (build_inp_attn_scale). */
  readonly nopeQueryScale?: Fact<boolean>;
  /** The layer-output add takes the residual first (ggml_add(residual, ffn_out)), so ggml-alloc reuses the residual's block. */
  readonly ffnResidualFirst?: Fact<boolean>;
  /** How build_moe_ffn routes tokens to experts (the arguments the arch's graph passes it). */
  readonly moe?: Fact<MoeRouting>;
}

/**
 * Which per-layer state a recurrent layer keeps (`llama_hparams::n_embd_r` / `n_embd_s`), by the
 * keys that size it. R and S are always f32, whatever the cache types.
 * - `mamba`: r = (ssm.conv_kernel − 1)·(ssm.inner_size + 2·ssm.group_count·ssm.state_size),
 *   s = ssm.state_size·ssm.inner_size (Mamba 1/2, Gated DeltaNet, hybrids built on them).
 * - `rwkv`: r = token_shift_count·n_embd, s = n_embd·wkv.head_size.
 * - `shortconv`: r = n_embd·(shortconv.l_cache − 1), s = 0 (LFM2).
 */
export type RecurrentStateKind = 'mamba' | 'rwkv' | 'shortconv';

/**
 * Layers that keep no K/V of their own and attend over an earlier layer's cache
 * (`llama_hparams::n_layer_kv_from_start`, `llama_hparams::has_kv`).
 * - `none`: every attention layer owns its K/V (`n_layer_kv_from_start` stays -1).
 * - `tail`: layers il >= start own nothing; `create_memory`'s `reuse` callback points each at
 *   layer start − 2 when it is SWA and start − 1 when it is full, so those two layers must be
 *   SWA and full respectively (the runtime asserts otherwise).
 */
export type KvSharing = { readonly type: 'none' } | { readonly type: 'tail'; readonly start: KvShareStart };

/** Where the KV-sharing tail starts (`n_layer_kv_from_start`). */
export type KvShareStart =
  /** A layer index the loader hard-codes. */
  | { readonly type: 'fixed'; readonly layer: number }
  /** block_count minus `key` (a count of shared layers, 0 when absent). */
  | { readonly type: 'shared-count-key'; readonly key: string };

/** What happens to trailing MTP layers in the main context's KV cache. */
export type MtpPolicy = 'none' | 'kept-in-kv' | 'excluded-from-kv';

/** Support status in the registry. */
export type ArchStatus = { readonly supported: true } | { readonly supported: false; readonly reason: string };

/** A declarative architecture plugin: facts about one GGUF `general.architecture`, each cited. */
export interface ArchPlugin {
  /** GGUF `general.architecture` verbatim (`gpt-oss`, `ernie4_5-moe`); equals the plugin folder name. */
  readonly name: string;
  /** One line for docs and `list`. */
  readonly summary: string;
  readonly status: ArchStatus;
  readonly kind: Fact<ArchKind>;
  readonly memory: Fact<MemoryKind>;
  /** How each layer's kind is determined. */
  readonly layers: LayerRule;
  /**
   * Arch-specific hparam keys (without the arch prefix) the loader requires; the generic ones
   * (`context_length`, `embedding_length`, `block_count`) are always required.
   */
  readonly requiredKeys: Fact<readonly string[]>;
  /**
   * Trailing `nextn_predict_layers` (MTP) layers: `none` when the arch has none,
   * `kept-in-kv` when the main context still allocates KV for them (no layer filter in
   * `create_memory`), `excluded-from-kv` when `create_memory` filters them out.
   */
  readonly mtp: Fact<MtpPolicy>;
  /** Layers that reuse an earlier layer's K/V instead of owning cache rows. */
  readonly kvSharing: Fact<KvSharing>;
  readonly attention: AttentionFacts;
  readonly rope: RopeFacts;
  readonly runtime: RuntimeQuirks;
  /** How recurrent layers size their state; required for hybrid and recurrent layer rules. */
  readonly recurrentState?: Fact<RecurrentStateKind>;
  /** Where the compute graph departs from the common decoder block (the compute planner reads it). */
  readonly graph?: GraphFacts;
  /** The GGUF tensors `load_arch_tensors` creates, so a model can be synthesized. */
  readonly tensors: TensorLayout;
  /** The smallest model that keeps this arch's shape, run by the contract tests. */
  readonly contract: ContractModel;
}

/**
 * Declares an arch plugin. Validates at load time and throws a `PluginValidationError`
 * that names the plugin and the field path of the first problems found.
 */
export function defineArch<const T extends ArchPlugin>(plugin: T): T {
  validateArch(plugin);
  return plugin;
}
