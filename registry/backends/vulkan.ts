import { cite, defineBackend, fact } from '@arch-registry/core/schema';

const supportsOp = cite('ggml/src/ggml-vulkan/ggml-vulkan.cpp', 'ggml_backend_vk_device_supports_op', 'case GGML_OP_FLASH_ATTN_EXT');

export default defineBackend({
  name: 'vulkan',
  summary: 'ggml Vulkan backend: any head dims that are multiples of 8, all nine cache types mixed freely except bf16.',
  offloads: true,
  flashAttention: {
    headDims: fact({ type: 'multiple-of', k: 8, v: 8 }, supportsOp),
    cacheTypes: fact(
      {
        k: ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1', 'iq4_nl', 'q5_0', 'q5_1'],
        v: ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1', 'iq4_nl', 'q5_0', 'q5_1'],
        kEqualsV: false,
        bf16BothOrNeither: true,
      },
      supportsOp,
    ),
    rejectsSinks: fact(false, supportsOp),
    rejectsSoftcap: fact(false, supportsOp),
  },
  notes: [{ text: 'Flash attention needs coopmat2, or subgroup shuffle and vote.', cite: supportsOp }],
});
