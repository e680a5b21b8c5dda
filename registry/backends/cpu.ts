import { cite, defineBackend, fact } from '@arch-registry/core/schema';

const supportsOp = cite('ggml/src/ggml-cpu/ggml-cpu.cpp', 'ggml_backend_cpu_device_supports_op', 'no FLASH_ATTN_EXT case: default returns true');
const kernel = cite('ggml/src/ggml-cpu/ops.cpp', 'ggml_compute_forward_flash_attn_ext_f16_one_chunk', 'K needs a vec_dot type with from_float, V needs to_float: all nine cache types have them');

export default defineBackend({
  name: 'cpu',
  summary: 'ggml CPU backend: flash attention for any head dims and any mix of the nine cache types.',
  offloads: false,
  flashAttention: {
    headDims: fact({ type: 'any' }, supportsOp),
    cacheTypes: fact(
      {
        k: ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1', 'iq4_nl', 'q5_0', 'q5_1'],
        v: ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_1', 'iq4_nl', 'q5_0', 'q5_1'],
        kEqualsV: false,
        bf16BothOrNeither: false,
      },
      kernel,
    ),
    rejectsSinks: fact(false, supportsOp),
    rejectsSoftcap: fact(false, supportsOp),
  },
  notes: [],
});
