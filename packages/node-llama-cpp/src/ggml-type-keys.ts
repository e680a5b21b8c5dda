import { CACHE_TYPES, type CacheType } from '@arch-registry/core';
import { GgmlType } from 'node-llama-cpp';
import { AdapterError } from './errors.js';

/** A key of node-llama-cpp's `GgmlType` enum, such as "Q8_0" or "IQ4_NL". */
export type GgmlTypeKey = keyof typeof GgmlType;

/** The enum shape the lookup needs; a parameter so tests can hand in a crippled copy. */
export type GgmlTypeEnum = Readonly<Record<string, string | number>>;

/**
 * Finds, for each ggml type name, the enum key that names it. node-llama-cpp
 * resolves a cache type only from an exact key ("Q8_0"); "q8_0" silently
 * becomes F16 (`resolveGgmlTypeOption`), so a missing key throws rather than
 * letting the caller pass anything else.
 */
export function buildCacheTypeKeys(enumObject: GgmlTypeEnum, names: readonly CacheType[] = CACHE_TYPES): Readonly<Record<CacheType, GgmlTypeKey>> {
  // TS numeric enums map value → key too; only string keys with numeric values are names.
  const keys = Object.keys(enumObject).filter((key) => typeof enumObject[key] === 'number');
  const table: Partial<Record<CacheType, GgmlTypeKey>> = {};
  for (const name of names) {
    const key = keys.find((candidate) => candidate.toLowerCase() === name);
    if (key === undefined) {
      throw new AdapterError(
        'UNMAPPED_CACHE_TYPE',
        `cache type ${name} has no key in node-llama-cpp's GgmlType enum`,
        'check the pinned node-llama-cpp version; never pass the lowercase name, which the runtime silently turns into f16',
      );
    }
    table[name] = key as GgmlTypeKey;
  }
  return table as Record<CacheType, GgmlTypeKey>;
}

/** Our nine cache types → GgmlType keys, checked once at module load. */
export const CACHE_TYPE_KEYS = buildCacheTypeKeys(GgmlType as unknown as GgmlTypeEnum);

/** The GgmlType key for a cache type; throws `UNMAPPED_CACHE_TYPE` for anything outside the nine. */
export function toGgmlTypeKey(type: string): GgmlTypeKey {
  // hasOwn, so names such as "constructor" do not reach Object.prototype.
  const key = Object.hasOwn(CACHE_TYPE_KEYS, type) ? (CACHE_TYPE_KEYS as Readonly<Record<string, GgmlTypeKey>>)[type] : undefined;
  if (key === undefined) {
    throw new AdapterError(
      'UNMAPPED_CACHE_TYPE',
      `"${type}" is not one of the KV cache types llama.cpp accepts (${CACHE_TYPES.join(', ')})`,
      'pass a ggml type name as llama.cpp spells it, e.g. q8_0',
    );
  }
  return key;
}
