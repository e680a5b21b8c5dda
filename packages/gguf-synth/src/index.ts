export { GgufWriteError, type GgufWriteErrorCode } from './errors.js';
export {
  GGUF_VALUE_TYPE,
  inferValue,
  type GgufArray,
  type GgufItemType,
  type GgufScalar,
  type GgufScalarType,
  type GgufScalarValueMap,
  type GgufValue,
  type PlainGgufValue,
} from './gguf-value.js';
export {
  GGML_TYPES,
  resolveGgmlType,
  rowSize,
  tensorBytes,
  type GgmlTypeInfo,
  type GgmlTypeKey,
  type GgmlTypeName,
  type GgmlTypeRef,
} from './ggml-types.js';
export {
  ALIGNMENT_KEY,
  encodeGgufHeader,
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  type EncodedHeader,
  type GgufSpec,
  type TensorData,
  type TensorLayout,
  type TensorSpec,
} from './encode-header.js';
export { writeGguf, type WriteGgufOptions, type WriteMode } from './write-gguf.js';
export { seededRandom, randomTensorData } from './random.js';
export { f16BitsToNumber, f32ToF16Bits } from './half.js';
export { spmVocabMetadata } from './spm-vocab.js';
export { planSynthesis, synthesize, type SynthMode, type SynthOptions, type Synthesized } from './synthesize.js';
