import { cite, defineBackend, fact } from '@arch-registry/core/schema';

const bestKernel = cite('ggml/src/ggml-cuda/fattn.cu', 'ggml_cuda_get_best_fattn_kernel', 'supports_op is "best kernel != NONE"');
const kvTypes = cite('ggml/src/ggml-cuda/fattn.cu', 'ggml_cuda_fattn_kv_type_supported', 'default build (GGML_CUDA_FA_ALL_QUANTS off): f32, f16, bf16, q4_0, q8_0 and K type == V type');
const gqaOpt = { min: 2, multipleOf: 1, noAlibi: true } as const;

export default defineBackend({
  name: 'cuda',
  summary: 'ggml CUDA backend (default build): fixed head-dim pairs, GQA-gated wide heads, K and V of one type from f32/f16/bf16/q4_0/q8_0.',
  offloads: true,
  flashAttention: {
    headDims: fact(
      {
        type: 'pairs',
        pairs: [
          { k: 40, v: 40 },
          { k: 64, v: 64 },
          { k: 72, v: 72 },
          { k: 80, v: 80 },
          { k: 96, v: 96 },
          { k: 112, v: 112 },
          { k: 128, v: 128 },
          { k: 256, v: 256 },
          { k: 192, v: 128, gqa: { ...gqaOpt, multipleOf: 8 } },
          { k: 320, v: 256, gqa: { ...gqaOpt, multipleOf: 32 } },
          { k: 512, v: 512, gqa: gqaOpt },
          { k: 576, v: 512, gqa: gqaOpt },
        ],
      },
      cite('ggml/src/ggml-cuda/fattn.cu', 'ggml_cuda_get_best_fattn_kernel', 'switch on K->ne[0]; gqa_opt = gqa ratio >= 2, a mask, max_bias == 0'),
    ),
    cacheTypes: fact({ k: ['f32', 'f16', 'bf16', 'q8_0', 'q4_0'], v: ['f32', 'f16', 'bf16', 'q8_0', 'q4_0'], kEqualsV: true, bf16BothOrNeither: false }, kvTypes),
    rejectsSinks: fact(false, bestKernel),
    rejectsSoftcap: fact(false, bestKernel),
  },
  notes: [
    { text: 'Builds with GGML_CUDA_FA=OFF never support flash attention.', cite: cite('ggml/src/ggml-cuda/fattn.cu', 'ggml_cuda_get_best_fattn_kernel', 'no FLASH_ATTN_AVAILABLE → NONE') },
    {
      text: 'Builds with GGML_CUDA_FA_ALL_QUANTS=ON also accept q4_1/q5_0/q5_1 and mixed K/V types; node-llama-cpp does not set it.',
      cite: kvTypes,
    },
    { text: 'The mask must not be broadcast per head (mask ne[2] == 1); llama.cpp never broadcasts it.', cite: bestKernel },
  ],
});
