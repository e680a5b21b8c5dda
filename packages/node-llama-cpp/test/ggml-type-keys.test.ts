import { CACHE_TYPES, type CacheType } from '@arch-registry/core';
import { GgmlType } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { AdapterError, CACHE_TYPE_KEYS, buildCacheTypeKeys, toGgmlTypeKey, type GgmlTypeEnum } from '../src/index.js';

/** enum ggml_type in ggml/include/ggml.h of the pinned llama.cpp. */
const GGML_TYPE_IDS: Readonly<Record<CacheType, number>> = { f32: 0, f16: 1, q4_0: 2, q4_1: 3, q5_0: 6, q5_1: 7, q8_0: 8, iq4_nl: 20, bf16: 30 };

function adapterErrorOf(fn: () => unknown): AdapterError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AdapterError) return error;
    throw error;
  }
  throw new Error('expected an AdapterError');
}

describe('CACHE_TYPE_KEYS', () => {
  it('covers exactly the nine cache types', () => {
    expect(Object.keys(CACHE_TYPE_KEYS).sort()).toEqual([...CACHE_TYPES].sort());
  });

  it.each(Object.entries(GGML_TYPE_IDS))('%s maps to a GgmlType key whose value is ggml type id %i', (name, id) => {
    const key = toGgmlTypeKey(name);
    expect(Object.hasOwn(GgmlType, key)).toBe(true);
    expect(GgmlType[key]).toBe(id);
  });

  it('uses the enum keys node-llama-cpp resolves, never the lowercase names it turns into f16', () => {
    expect(CACHE_TYPE_KEYS).toMatchObject({ q8_0: 'Q8_0', iq4_nl: 'IQ4_NL', bf16: 'BF16', f16: 'F16' });
  });
});

describe('toGgmlTypeKey', () => {
  it.each(['q4_K', 'Q8_0', 'f64', '', 'constructor'])('refuses %j with UNMAPPED_CACHE_TYPE', (name) => {
    expect(adapterErrorOf(() => toGgmlTypeKey(name)).code).toBe('UNMAPPED_CACHE_TYPE');
  });
});

describe('buildCacheTypeKeys', () => {
  it('throws instead of falling back when the enum lacks a type', () => {
    const withoutIq4nl: GgmlTypeEnum = Object.fromEntries(Object.entries(GgmlType).filter(([key]) => key !== 'IQ4_NL'));
    const error = adapterErrorOf(() => buildCacheTypeKeys(withoutIq4nl));
    expect(error.code).toBe('UNMAPPED_CACHE_TYPE');
    expect(error.message).toContain('iq4_nl');
  });

  it('ignores the reverse (value → name) entries of a numeric enum', () => {
    expect(buildCacheTypeKeys({ F16: 1, 1: 'F16' }, ['f16'])).toEqual({ f16: 'F16' });
  });
});
