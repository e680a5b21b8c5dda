/**
 * Every failure the writer can detect before touching the disk is reported as a
 * GgufWriteError, so callers (and tests) can branch on `code` instead of
 * parsing messages. Messages name the offending key/tensor and the fix.
 */
export type GgufWriteErrorCode =
  | 'MIXED_ARRAY'
  | 'BAD_VALUE'
  | 'BAD_DIMS'
  | 'BAD_NAME'
  | 'DATA_SIZE'
  | 'MISSING_DATA'
  | 'ROW_NOT_DIVISIBLE'
  | 'UNKNOWN_TYPE'
  | 'DUPLICATE_KEY'
  | 'DUPLICATE_TENSOR'
  | 'BAD_ALIGNMENT'
  | 'UNSUPPORTED_TYPE';

export class GgufWriteError extends Error {
  readonly code: GgufWriteErrorCode;
  /** The message without the `[CODE]` prefix, for re-wrapping with more context. */
  readonly detail: string;

  constructor(code: GgufWriteErrorCode, detail: string) {
    super(`[${code}] ${detail}`);
    this.name = 'GgufWriteError';
    this.code = code;
    this.detail = detail;
  }
}
