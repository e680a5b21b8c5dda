import { type Cite, PINNED_SOURCE, cite } from '../schema/cite.js';

/**
 * The rules of one runtime version that the dispatcher and planner mirror. When a rule
 * changes upstream, add a profile; never change the numbers of an old one.
 */
export interface RuntimeProfile {
  /** Stable id, e.g. `node-llama-cpp@3.21.1`. */
  readonly id: string;
  /** llama.cpp version the runtime bundles. */
  readonly llamaCpp: string;
  /** Quantized V with FA auto turns FA on; with FA off the context is refused. */
  readonly quantizedVRequiresFa: Cite;
  /** With FA not off, a quantized K/V type's block size must divide every trunk layer's head dim. */
  readonly blockSizeDividesHeadDim: Cite;
  /** MLA models need equal K and V cache types. */
  readonly mlaKvTypesMustMatch: Cite;
  /** Arch names the runtime forces FA off for. */
  readonly faForcedOff: Cite;
  /** FA auto: a probe graph; FA turns off when any layer's FA op lands on another device. */
  readonly faAutoProbe: Cite;
  /** With FA forced on, an op the device cannot run is scheduled on the CPU. */
  readonly faOpFallback: Cite;
}

export const NODE_LLAMA_CPP_3_21_1: RuntimeProfile = {
  id: PINNED_SOURCE.runtime,
  llamaCpp: PINNED_SOURCE.llamaCpp,
  quantizedVRequiresFa: cite('src/llama-context.cpp', 'llama_init_from_model', 'ggml_is_quantized(type_v): AUTO → ENABLED, DISABLED → error'),
  blockSizeDividesHeadDim: cite('src/llama-context.cpp', 'llama_init_from_model', 'n_embd_head_k/v(il) % ggml_blck_size(type) for il < n_layer()'),
  mlaKvTypesMustMatch: cite('src/llama-context.cpp', 'llama_init_from_model', 'is_mla() && type_k != type_v → error'),
  faForcedOff: cite('src/llama-context.cpp', 'llama_init_from_model', 'flash_attn is not compatible with Grok - forcing off'),
  faAutoProbe: cite('src/llama-context.cpp', 'llama_context::resolve_fused_ops', 'FA node device ≠ layer device → FA disabled'),
  faOpFallback: cite('ggml/src/ggml-backend.cpp', 'ggml_backend_sched_split_graph', 'ops a backend does not support run on the CPU backend'),
};

export const DEFAULT_RUNTIME = NODE_LLAMA_CPP_3_21_1;
