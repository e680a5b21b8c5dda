export { AdapterError, type AdapterErrorCode } from './errors.js';
export { CACHE_TYPE_KEYS, buildCacheTypeKeys, toGgmlTypeKey, type GgmlTypeEnum, type GgmlTypeKey } from './ggml-type-keys.js';
export { flashAttentionOption, toContextOptions, type AdapterContextOptions, type ContextRequest } from './context-options.js';
export { expectedContextParams, type ContextModelFacts, type ExpectedContextParams } from './expected-context-params.js';
export { mib, sizeLineMib } from './mib.js';
export { readRuntimeReport } from './read-runtime-report.js';
export type {
  BufferReport,
  CacheRole,
  ContextReport,
  FlashAttentionReport,
  FlashAttentionType,
  KvCacheReport,
  RecurrentReport,
  Refusal,
  RefusalCode,
  RuntimeReport,
} from './runtime-report-types.js';
