import { CACHE_TYPES } from '@arch-registry/core';
import type { OptionSpec } from './command.js';

/** The attention request flags, spelled as llama.cpp spells them. */
export const REQUEST_OPTIONS: readonly OptionSpec[] = [
  { names: ['-fa', '--flash-attn'], value: 'on|off|auto', choices: ['on', 'off', 'auto'], default: 'auto', description: 'flash attention request' },
  { names: ['-ctk', '--cache-type-k'], value: 'type', choices: CACHE_TYPES, default: 'f16', description: 'K cache type' },
  { names: ['-ctv', '--cache-type-v'], value: 'type', choices: CACHE_TYPES, default: 'f16', description: 'V cache type' },
];
