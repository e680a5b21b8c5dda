export * from './cite.js';
export * from './arch.js';
export * from './backend.js';
export { PluginValidationError } from './errors.js';
export type { Issue } from './validator.js';
export { validateArch, ARCH_NAME_PATTERN } from './validate-arch.js';
export { validateBackend } from './validate-backend.js';
export { CACHE_TYPES, type CacheType } from '../ggml/cache-types.js';
export { upstream } from './upstream.js';
