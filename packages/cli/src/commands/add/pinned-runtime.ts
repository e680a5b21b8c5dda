import { type Cite, type RopeType, cite, upstream } from '@arch-registry/core/schema';

/*
 * Facts the pinned runtime states by arch name in its generic code, so `add` can fill them for any
 * arch the runtime knows without reading the model file. Copied from llama.cpp at the pinned commit
 * (PINNED_SOURCE in core's schema/cite.ts); when the pin moves, re-read the functions cited here.
 */

/**
 * `llama_model_rope_type` (src/llama-model.cpp), one `case` list per return value, names spelled as
 * in `LLM_ARCH_NAMES` (src/llama-arch.cpp). Archs whose rope type depends on hparams (glm4,
 * glm4moe, hunyuan_vl, dflash: M-RoPE when rope sections are set) are left out on purpose.
 */
const ROPE_TYPES: Readonly<Record<Exclude<RopeType, 'vision'>, readonly string[]>> = {
  none: [
    'arwkv7', 'bloom', 'clip', 'gpt2', 'gptj', 'jais', 'jamba', 'jina-bert-v2', 'kimi-k3', 'kimi-linear', 'mamba',
    'mamba2', 'mpt', 'nemotron_h', 'nemotron_h_moe', 'refact', 'rwkv6', 'rwkv6qwen2', 'rwkv7', 't5', 't5encoder',
    'wavtokenizer-dec',
  ],
  norm: [
    'arcee', 'arctic', 'baichuan', 'bailingmoe', 'bailingmoe3', 'chameleon', 'chatglm', 'cohere2', 'cohere2moe',
    'command-r', 'deci', 'deepseek', 'deepseek2', 'deepseek2-ocr', 'deepseek32', 'deepseek4', 'dots3note', 'eagle3',
    'ernie4_5', 'ernie4_5-moe', 'glm-dsa', 'granite', 'granite_swa', 'granitehybrid', 'granitemoe', 'graniteswitch',
    'internlm2', 'llada', 'llama', 'llama-embed', 'llama4', 'maincoder', 'minicpm', 'mistral3', 'mistral4',
    'muse-glimmer', 'nanbeige', 'neo-bert', 'olmo', 'plm', 'pockettts', 'smollm3', 'starcoder', 'xverse',
  ],
  neox: [
    'afmoe', 'apertus', 'bailingmoe2', 'bert', 'bitnet', 'codeshell', 'cogvlm', 'dbrx', 'dots1', 'dream', 'eurobert',
    'exaone', 'exaone-moe', 'exaone4', 'falcon', 'falcon-h1', 'gemma', 'gemma-embedding', 'gemma2', 'gemma3',
    'gemma3n', 'gemma4', 'gemma4-assistant', 'gpt-oss', 'gptneox', 'grok', 'grovemoe', 'hunyuan-dense', 'hunyuan-moe',
    'hy_v3', 'jais2', 'jina-bert-v3', 'laguna', 'lfm2', 'lfm2moe', 'llada-moe', 'mellum', 'mimo2', 'minicpm3',
    'minimax-01', 'minimax-m2', 'minimax-m3', 'modern-bert', 'nemotron', 'nomic-bert', 'nomic-bert-moe', 'olmo2',
    'olmoe', 'openelm', 'orion', 'pangu-embedded', 'phi2', 'phi3', 'phimoe', 'plamo', 'plamo2', 'plamo3', 'qwen',
    'qwen2', 'qwen2moe', 'qwen3', 'qwen3moe', 'qwen3next', 'rnd1', 'seed_oss', 'smallthinker', 'stablelm',
    'starcoder2', 'step35', 'talkie',
  ],
  mrope: [
    'paddleocr', 'qwen2vl',
  ],
  imrope: [
    'qwen35', 'qwen35moe', 'qwen3tts', 'qwen3vl', 'qwen3vlmoe', 'qwen4exp',
  ],

};

/** Archs whose rope type is M-RoPE when the model sets rope sections (`hparams.use_mrope()`), else this. */
const ROPE_UNLESS_MROPE: Readonly<Record<string, RopeType>> = { glm4: 'norm', glm4moe: 'neox', hunyuan_vl: 'neox' };

const ropeCite = cite('src/llama-model.cpp', 'llama_model_rope_type');

/**
 * The rope type the pinned runtime uses for `arch`, or undefined when it is not in the table.
 * `ropeSections`: whether the header sets a non-zero `rope.dimension_sections` (undefined: no header).
 */
export function pinnedRopeType(arch: string, ropeSections?: boolean): { value: RopeType; cite: Cite } | undefined {
  for (const [type, names] of Object.entries(ROPE_TYPES) as [RopeType, readonly string[]][]) {
    if (names.includes(arch)) return { value: type, cite: ropeCite };
  }
  const fallback = ROPE_UNLESS_MROPE[arch];
  if (fallback === undefined || ropeSections === undefined) return undefined;
  return {
    value: ropeSections ? 'mrope' : fallback,
    cite: cite('src/llama-model.cpp', 'llama_model_rope_type', `${fallback} unless use_mrope() (rope.dimension_sections set), then mrope`),
  };
}

/** `llama_init_from_model`: flash attention is forced off by arch name (grok only). */
export function pinnedFlashAttentionForcedOff(arch: string): { value: boolean; cite: Cite } {
  return arch === 'grok'
    ? { value: true, cite: cite('src/llama-context.cpp', 'llama_init_from_model', 'flash_attn is not compatible with Grok - forcing off') }
    : { value: false, cite: upstream.initFromModel };
}

/** `llama_init_from_model`: K and V types must match for MLA models and, by name, deepseek4. */
export function pinnedKvTypesMustMatch(arch: string): { value: boolean; cite: Cite } {
  return arch === 'deepseek4'
    ? { value: true, cite: cite('src/llama-context.cpp', 'llama_init_from_model', 'model->arch == LLM_ARCH_DEEPSEEK4: K and V cache types must match') }
    : { value: false, cite: upstream.initFromModel };
}

/** `llama_model_base::load_hparams`: the `invalid n_rot` check runs for these archs only. */
export function pinnedNRotMustEqualHeadDim(arch: string): { value: boolean; cite: Cite } {
  return { value: ['llama', 'deci', 'falcon', 'llama-embed'].includes(arch), cite: upstream.nRotCheck };
}

/** Where the facts of a new arch live in the pinned source, by the repository's convention. */
export function sourceOf(arch: string): { file: string; className: string } {
  return { file: `src/models/${arch}.cpp`, className: `llama_model_${arch.replace(/-/g, '_')}` };
}

