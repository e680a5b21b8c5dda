import { cite, defineBackend, fact } from '@arch-registry/core/schema';

const supportsOp = cite('ggml/src/ggml-metal/ggml-metal-device.m', 'ggml_metal_device_supports_op', 'case GGML_OP_FLASH_ATTN_EXT');

export default defineBackend({
  name: 'metal',
  summary: 'ggml Metal backend: Q head dim from a fixed list, K and V of one type, no iq4_nl.',
  offloads: true,
  flashAttention: {
    headDims: fact({ type: 'k-list', k: [32, 40, 48, 64, 72, 80, 96, 112, 128, 192, 256, 320, 512, 576] }, supportsOp),
    cacheTypes: fact(
      {
        k: ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1', 'q5_0', 'q5_1'],
        v: ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1', 'q5_0', 'q5_1'],
        kEqualsV: true,
        bf16BothOrNeither: false,
      },
      supportsOp,
    ),
    rejectsSinks: fact(false, supportsOp),
    rejectsSoftcap: fact(false, supportsOp),
  },
  notes: [
    { text: 'bf16 needs a device with bfloat support (Apple6 / Metal3 family).', cite: cite('ggml/src/ggml-metal/ggml-metal-device.m', 'ggml_metal_device_supports_op', 'bf16 rejected when !has_bfloat') },
    { text: 'Flash attention needs simdgroup matrix multiply (Apple7 / M1 or newer).', cite: supportsOp },
    {
      text: 'Only the Q head dim is checked; kernels exist for equal K/V dims plus 192/128, 320/256 and 576/512, other pairs fail at pipeline creation.',
      cite: cite('ggml/src/ggml-metal/ggml-metal-device.cpp', 'ggml_metal_library_get_pipeline_flash_attn_ext'),
    },
  ],
});
