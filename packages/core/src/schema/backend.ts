import type { CacheType } from '../ggml/cache-types.js';
import type { Cite, Fact } from './cite.js';
import { validateBackend } from './validate-backend.js';

/**
 * GQA conditions some kernels need (CUDA's "gqa_opt"): a GQA ratio
 * (n_head / n_head_kv) of at least `min` that is a multiple of `multipleOf`,
 * a mask, and no ALiBi.
 */
export interface GqaRequirement {
  readonly min: number;
  readonly multipleOf: number;
  /** The kernel refuses ALiBi (max_bias > 0). */
  readonly noAlibi: boolean;
}

/** One accepted (K head dim, V head dim) pair. */
export interface HeadDimPair {
  readonly k: number;
  readonly v: number;
  /** Extra GQA condition for this pair, if any. */
  readonly gqa?: GqaRequirement;
}

/** Which head dims a backend's FLASH_ATTN_EXT accepts. */
export type HeadDimRule =
  /** Any head dims (CPU). */
  | { readonly type: 'any' }
  /** Only the listed pairs (CUDA). */
  | { readonly type: 'pairs'; readonly pairs: readonly HeadDimPair[] }
  /** Both dims multiples of these (Vulkan). */
  | { readonly type: 'multiple-of'; readonly k: number; readonly v: number }
  /**
   * Only the K (= Q) head dim is checked, against a list (Metal). Pairs without a compiled
   * kernel pass this check and fail later at pipeline creation; see the backend's notes.
   */
  | { readonly type: 'k-list'; readonly k: readonly number[] };

/** Cache types the FA kernels read, and how K and V may combine. */
export interface FaCacheTypes {
  readonly k: readonly CacheType[];
  readonly v: readonly CacheType[];
  /** K type must equal V type (Metal). */
  readonly kEqualsV: boolean;
  /** bf16 must be on both K and V or on neither (Vulkan). */
  readonly bf16BothOrNeither: boolean;
}

/** What a backend's flash-attention op accepts (`supports_op` for GGML_OP_FLASH_ATTN_EXT). */
export interface BackendFlashAttention {
  readonly headDims: Fact<HeadDimRule>;
  readonly cacheTypes: Fact<FaCacheTypes>;
  /** FA refuses attention sinks on this backend. */
  readonly rejectsSinks: Fact<boolean>;
  /** FA refuses a logit softcap on this backend. */
  readonly rejectsSoftcap: Fact<boolean>;
}

/** A declarative backend plugin. */
export interface BackendPlugin {
  /** `cpu`, `cuda`, `metal`, `vulkan`. */
  readonly name: string;
  readonly summary: string;
  /** True for a GPU backend: the runtime's FA probe can move FA to the CPU when it is unsupported here. */
  readonly offloads: boolean;
  readonly flashAttention: BackendFlashAttention;
  /** Conditions outside the op's shape (build flags, device features), for docs and reasons. */
  readonly notes: readonly { readonly text: string; readonly cite: Cite }[];
}

/** Declares a backend plugin; validated at load time like `defineArch`. */
export function defineBackend<const T extends BackendPlugin>(plugin: T): T {
  validateBackend(plugin);
  return plugin;
}
