/** Why the adapter refuses to build runtime options. */
export type AdapterErrorCode = 'UNMAPPED_CACHE_TYPE';

/**
 * A typed error instead of a fallback: node-llama-cpp quietly uses F16 for a
 * cache type it cannot resolve, so every unmappable type must stop here.
 */
export class AdapterError extends Error {
  override readonly name = 'AdapterError';

  constructor(
    readonly code: AdapterErrorCode,
    /** What is wrong. */
    readonly problem: string,
    /** What to do about it. */
    readonly fix: string,
  ) {
    super(`${problem}. ${fix}`);
  }
}
