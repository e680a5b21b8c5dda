/* The ggml tensor types a GGUF may hold, with their block layouts. */

/** One ggml tensor type: `blockSize` elements are stored in `typeSize` bytes. */
export interface GgmlTypeInfo {
  readonly id: number;
  /** Spelled exactly as ggml_type_name() returns it ("q4_K", "iq4_nl"). */
  readonly name: string;
  readonly blockSize: number;
  readonly typeSize: number;
}

/*
 * Block/type sizes mirror the `type_traits` table in ggml/src/ggml.c and the
 * block_* structs (with their static_asserts) in ggml/src/ggml-common.h of the
 * pinned llama.cpp checkout (/tmp/llsrc, commit 80fb11ac73e6). They were
 * checked by compiling ggml-common.h and printing sizeof(block_*) for every
 * entry below. QK_K = 256, K_SCALE_SIZE = 12, ggml_half = 2 bytes.
 * Ids 4, 5 (Q4_2/Q4_3) and 31-33, 36-38 (repacked variants) are removed from
 * GGUF files and are deliberately absent.
 */
export const GGML_TYPES = {
  F32: { id: 0, name: 'f32', blockSize: 1, typeSize: 4 },
  F16: { id: 1, name: 'f16', blockSize: 1, typeSize: 2 },
  Q4_0: { id: 2, name: 'q4_0', blockSize: 32, typeSize: 18 }, // d + qs[16]
  Q4_1: { id: 3, name: 'q4_1', blockSize: 32, typeSize: 20 }, // d, m + qs[16]
  Q5_0: { id: 6, name: 'q5_0', blockSize: 32, typeSize: 22 }, // d + qh[4] + qs[16]
  Q5_1: { id: 7, name: 'q5_1', blockSize: 32, typeSize: 24 }, // d, m + qh[4] + qs[16]
  Q8_0: { id: 8, name: 'q8_0', blockSize: 32, typeSize: 34 }, // d + qs[32]
  Q8_1: { id: 9, name: 'q8_1', blockSize: 32, typeSize: 36 }, // d, s + qs[32]
  Q2_K: { id: 10, name: 'q2_K', blockSize: 256, typeSize: 84 }, // 2*2 + 256/16 + 256/4
  Q3_K: { id: 11, name: 'q3_K', blockSize: 256, typeSize: 110 }, // 2 + 256/4 + 256/8 + 12
  Q4_K: { id: 12, name: 'q4_K', blockSize: 256, typeSize: 144 }, // 2*2 + 12 + 256/2
  Q5_K: { id: 13, name: 'q5_K', blockSize: 256, typeSize: 176 }, // 2*2 + 12 + 256/2 + 256/8
  Q6_K: { id: 14, name: 'q6_K', blockSize: 256, typeSize: 210 }, // 2 + 256/16 + 3*256/4
  Q8_K: { id: 15, name: 'q8_K', blockSize: 256, typeSize: 292 }, // 4 + 256 + 256/16*2
  IQ2_XXS: { id: 16, name: 'iq2_xxs', blockSize: 256, typeSize: 66 },
  IQ2_XS: { id: 17, name: 'iq2_xs', blockSize: 256, typeSize: 74 },
  IQ3_XXS: { id: 18, name: 'iq3_xxs', blockSize: 256, typeSize: 98 },
  IQ1_S: { id: 19, name: 'iq1_s', blockSize: 256, typeSize: 50 },
  IQ4_NL: { id: 20, name: 'iq4_nl', blockSize: 32, typeSize: 18 },
  IQ3_S: { id: 21, name: 'iq3_s', blockSize: 256, typeSize: 110 },
  IQ2_S: { id: 22, name: 'iq2_s', blockSize: 256, typeSize: 82 },
  IQ4_XS: { id: 23, name: 'iq4_xs', blockSize: 256, typeSize: 136 },
  I8: { id: 24, name: 'i8', blockSize: 1, typeSize: 1 },
  I16: { id: 25, name: 'i16', blockSize: 1, typeSize: 2 },
  I32: { id: 26, name: 'i32', blockSize: 1, typeSize: 4 },
  I64: { id: 27, name: 'i64', blockSize: 1, typeSize: 8 },
  F64: { id: 28, name: 'f64', blockSize: 1, typeSize: 8 },
  IQ1_M: { id: 29, name: 'iq1_m', blockSize: 256, typeSize: 56 }, // no d: 256/8 + 256/16 + 256/32
  BF16: { id: 30, name: 'bf16', blockSize: 1, typeSize: 2 },
  TQ1_0: { id: 34, name: 'tq1_0', blockSize: 256, typeSize: 54 },
  TQ2_0: { id: 35, name: 'tq2_0', blockSize: 256, typeSize: 66 },
  MXFP4: { id: 39, name: 'mxfp4', blockSize: 32, typeSize: 17 }, // e (u8) + qs[16]
  // Newer ids present in the pinned ggml.h; older readers may not know them.
  NVFP4: { id: 40, name: 'nvfp4', blockSize: 64, typeSize: 36 }, // 4 E4M3 scales + qs[32]
  Q1_0: { id: 41, name: 'q1_0', blockSize: 128, typeSize: 18 }, // d + qs[16]
  Q2_0: { id: 42, name: 'q2_0', blockSize: 64, typeSize: 18 }, // d + qs[16]
} as const satisfies Record<string, GgmlTypeInfo>;

export type GgmlTypeKey = keyof typeof GGML_TYPES;
export type GgmlTypeName = (typeof GGML_TYPES)[GgmlTypeKey]['name'];

const BY_ID = new Map<number, GgmlTypeInfo>(Object.values(GGML_TYPES).map((type) => [type.id, type]));

/** The type with this GGUF id, or undefined for an id ggml does not have. */
export function ggmlTypeById(id: number): GgmlTypeInfo | undefined {
  return BY_ID.get(id);
}
