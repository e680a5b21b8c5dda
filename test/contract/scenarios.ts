import type { AttentionRequest } from '@arch-registry/core';

/** One context the contract run creates on the native runtime. */
export interface Scenario {
  readonly id: string;
  readonly request: Required<AttentionRequest>;
  /** node-llama-cpp's per-sequence context size. */
  readonly contextSize: number;
  readonly sequences: number;
  /**
   * `decision`: create the context with the dispatcher's decision through the adapter.
   * `request`: send the raw request, so the runtime's own rules (auto probe, forced-off archs,
   * refusals) decide, and compare what it decided with the dispatcher.
   */
  readonly send: 'decision' | 'request';
}

/**
 * Contexts are ≥ 1024 cells so one layer of a tiny model (2 KV heads × 32 dims, 128 B per f16 cell)
 * moves the logged size by ≥ 0.12 MiB, far above the log's 0.01 MiB rounding; cell counts are
 * compared exactly.
 */
export const SCENARIOS: readonly Scenario[] = [
  { id: 'auto-q8_0', request: { flashAttention: 'auto', cacheTypeK: 'q8_0', cacheTypeV: 'q8_0' }, contextSize: 2048, sequences: 1, send: 'decision' },
  { id: 'auto-f16', request: { flashAttention: 'auto', cacheTypeK: 'f16', cacheTypeV: 'f16' }, contextSize: 4096, sequences: 1, send: 'request' },
  { id: 'on-f16', request: { flashAttention: 'on', cacheTypeK: 'f16', cacheTypeV: 'f16' }, contextSize: 2048, sequences: 1, send: 'request' },
  { id: 'off-f16', request: { flashAttention: 'off', cacheTypeK: 'f16', cacheTypeV: 'f16' }, contextSize: 2048, sequences: 1, send: 'request' },
  { id: 'auto-q4_0', request: { flashAttention: 'auto', cacheTypeK: 'q4_0', cacheTypeV: 'q4_0' }, contextSize: 4096, sequences: 1, send: 'request' },
  { id: 'auto-q8_0-2seq', request: { flashAttention: 'auto', cacheTypeK: 'q8_0', cacheTypeV: 'q8_0' }, contextSize: 2048, sequences: 2, send: 'request' },
  { id: 'auto-f16-3seq', request: { flashAttention: 'auto', cacheTypeK: 'f16', cacheTypeV: 'f16' }, contextSize: 1000, sequences: 3, send: 'request' },
  { id: 'off-q8_0-k', request: { flashAttention: 'off', cacheTypeK: 'q8_0', cacheTypeV: 'f16' }, contextSize: 2048, sequences: 1, send: 'request' },
  { id: 'off-q8_0-v', request: { flashAttention: 'off', cacheTypeK: 'f16', cacheTypeV: 'q8_0' }, contextSize: 2048, sequences: 1, send: 'request' },
];

/** Scenarios whose log-probabilities are compared: FA on against off, and q8_0 against f16. */
export const LOGIT_PAIRS = [
  { a: 'on-f16', b: 'off-f16' },
  { a: 'auto-q8_0', b: 'on-f16' },
] as const;

/** The prompt every generating scenario evaluates. */
export const PROMPT = 'the model cache';
export const GENERATED_TOKENS = 8;
