/*
 * Limits on what a GGUF header may declare. Each is at least as strict as @huggingface/gguf 0.4.6
 * (dist/index.js: MAX_KV_COUNT 1e5, MAX_TENSOR_COUNT 1e7, MAX_METADATA_ARRAY_LENGTH 1e6,
 * MAX_STRING_LENGTH 1e7, MAX_TENSOR_NDIMS 8, MAX_TENSOR_DIM 2^32, MAX_ARRAY_RECURSION_DEPTH 4 (arrays nest 3 deep),
 * HTTP_TOTAL_MAX_SIZE 50e6) and never looser than what llama.cpp's gguf_init_from_file_impl
 * (ggml/src/gguf.cpp of the pinned checkout) accepts: GGUF_MAX_STRING_LENGTH and
 * GGUF_MAX_ARRAY_ELEMENTS of 2^30, GGML_MAX_DIMS = 4, tensor names shorter than GGML_MAX_NAME = 64,
 * no arrays of arrays, general.alignment a u32 power of two, tensor offsets packed in order.
 * Real models sit far below them: the largest vocabularies have 262,144 tokens, the largest
 * single-file tensor counts a few tens of thousands, the largest headers a few tens of MB.
 */

/** Limits applied while reading a GGUF header. All are counts or bytes. */
export interface GgufLimits {
  /** Most bytes read from the source, header and read-ahead included (@huggingface/gguf: 50e6). */
  readonly maxHeaderBytes: number;
  /** Most metadata key-value pairs (@huggingface/gguf: 1e5). */
  readonly maxKvCount: number;
  /** Most tensor infos (@huggingface/gguf: 1e7). */
  readonly maxTensorCount: number;
  /** Most elements of one metadata array (@huggingface/gguf: 1e6; llama.cpp: 2^30). */
  readonly maxArrayLength: number;
  /** Most array elements over the whole header, which bounds the memory the result takes. */
  readonly maxTotalArrayElements: number;
  /** How deep arrays may nest: 0 = no arrays of arrays, as llama.cpp (@huggingface/gguf: 3). */
  readonly maxArrayNesting: number;
  /** Longest string value in bytes (@huggingface/gguf: 1e7; llama.cpp: 2^30). */
  readonly maxStringBytes: number;
  /** Longest metadata key in bytes. */
  readonly maxKeyBytes: number;
  /** Longest tensor name in bytes (llama.cpp: below GGML_MAX_NAME = 64). */
  readonly maxTensorNameBytes: number;
  /** Most dimensions of a tensor (llama.cpp: GGML_MAX_DIMS = 4; @huggingface/gguf: 8). */
  readonly maxDims: number;
  /** Largest single dimension (@huggingface/gguf: 2^32). */
  readonly maxDim: number;
  /**
   * Require tensor data to be packed in header order, each tensor padded to the alignment, as
   * llama.cpp does ("tensor 'x' has offset N, expected M"). Off: offsets need only be aligned.
   */
  readonly requirePackedTensors: boolean;
}

/** The defaults: at least as strict as @huggingface/gguf, and what llama.cpp itself accepts. */
export const DEFAULT_GGUF_LIMITS: GgufLimits = Object.freeze({
  maxHeaderBytes: 50_000_000,
  maxKvCount: 65_536,
  maxTensorCount: 131_072,
  maxArrayLength: 1_000_000,
  maxTotalArrayElements: 4_000_000,
  maxArrayNesting: 0,
  maxStringBytes: 10_000_000,
  maxKeyBytes: 65_535,
  maxTensorNameBytes: 63,
  maxDims: 4,
  maxDim: 2 ** 32,
  requirePackedTensors: true,
});

/** Defaults with `overrides` applied; throws a RangeError for a limit that is not a count. */
export function resolveGgufLimits(overrides: Partial<GgufLimits> = {}): GgufLimits {
  const limits: GgufLimits = { ...DEFAULT_GGUF_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (name === 'requirePackedTensors') {
      if (typeof value !== 'boolean') throw new RangeError(`GGUF limit ${name} must be a boolean, got ${String(value)}`);
    } else if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`GGUF limit ${name} must be a non-negative safe integer, got ${String(value)}`);
    }
  }
  return limits;
}
