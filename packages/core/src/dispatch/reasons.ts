import type { Cite } from '../schema/cite.js';

/**
 * Stable reason codes. `info` says why a setting stayed; `change` says the runtime changed a
 * request; `warning` flags a legal but costly outcome; `refusal` means no context is created.
 */
export const REASON_CODES = {
  FA_ON_AS_REQUESTED: 'info',
  FA_OFF_AS_REQUESTED: 'info',
  FA_AUTO_ENABLED: 'info',
  FA_AUTO_DISABLED_BY_BACKEND: 'change',
  FA_FORCED_OFF_BY_ARCH: 'change',
  FA_ENABLED_FOR_QUANTIZED_V: 'change',
  FA_OP_ON_CPU: 'warning',
  SWA_PATTERN_ARRAY_IGNORED: 'warning',
  SWA_WINDOW_COVERS_CONTEXT: 'warning',
  QUANTIZED_V_NEEDS_FA: 'refusal',
  KV_TYPES_MUST_MATCH: 'refusal',
  K_BLOCK_SIZE: 'refusal',
  V_BLOCK_SIZE: 'refusal',
} as const;

export type ReasonCode = keyof typeof REASON_CODES;
export type ReasonSeverity = (typeof REASON_CODES)[ReasonCode];

/** One rule the dispatcher applied, in words, with the upstream place it mirrors. */
export interface Reason {
  readonly code: ReasonCode;
  readonly severity: ReasonSeverity;
  readonly message: string;
  readonly rule: Cite;
}

export function reason(code: ReasonCode, message: string, rule: Cite): Reason {
  return { code, severity: REASON_CODES[code], message, rule };
}
