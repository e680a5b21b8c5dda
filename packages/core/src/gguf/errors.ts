/* Typed errors for reading GGUF headers from files and URLs that strangers hand us. */

/**
 * Why a GGUF header could not be read. Every code names one check; the message says what to do.
 *
 * Source:  GGUF_UNREADABLE (cannot open or read: missing file, permissions, not a regular file),
 *          BAD_URL, HTTP_NOT_ALLOWED, HTTP_STATUS, NOT_GGUF, TIMEOUT, ABORTED, NETWORK,
 *          TOO_MANY_REDIRECTS, BAD_CONTENT_RANGE.
 * INTERNAL: a bug in this reader (an unexpected exception), never expected from any input.
 * Layout:  TRUNCATED, HEADER_TOO_LARGE, BAD_MAGIC, UNSUPPORTED_VERSION.
 * KV:      TOO_MANY_KV, EMPTY_KEY, DUPLICATE_KEY, UNKNOWN_VALUE_TYPE, ARRAY_TOO_LONG, ARRAY_TOO_DEEP,
 *          STRING_TOO_LONG, BAD_UTF8, BAD_ALIGNMENT.
 * Tensors: TOO_MANY_TENSORS, DUPLICATE_TENSOR, BAD_NDIMS, BAD_DIM, UNKNOWN_TENSOR_TYPE,
 *          BAD_TENSOR_OFFSET, TENSOR_OUT_OF_FILE.
 */
export type GgufErrorCode =
  | 'GGUF_UNREADABLE'
  | 'TRUNCATED'
  | 'HEADER_TOO_LARGE'
  | 'BAD_MAGIC'
  | 'UNSUPPORTED_VERSION'
  | 'TOO_MANY_KV'
  | 'TOO_MANY_TENSORS'
  | 'EMPTY_KEY'
  | 'DUPLICATE_KEY'
  | 'UNKNOWN_VALUE_TYPE'
  | 'ARRAY_TOO_LONG'
  | 'ARRAY_TOO_DEEP'
  | 'STRING_TOO_LONG'
  | 'BAD_UTF8'
  | 'BAD_ALIGNMENT'
  | 'DUPLICATE_TENSOR'
  | 'BAD_NDIMS'
  | 'BAD_DIM'
  | 'UNKNOWN_TENSOR_TYPE'
  | 'BAD_TENSOR_OFFSET'
  | 'TENSOR_OUT_OF_FILE'
  | 'BAD_URL'
  | 'HTTP_NOT_ALLOWED'
  | 'HTTP_STATUS'
  | 'NOT_GGUF'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'NETWORK'
  | 'TOO_MANY_REDIRECTS'
  | 'BAD_CONTENT_RANGE'
  | 'INTERNAL';

export interface GgufErrorDetails {
  /** Byte offset in the file of the field at fault (for HTTP errors: the start of the range asked for). */
  readonly offset: number;
  /** The metadata key being read, when there is one. */
  readonly key?: string | undefined;
  /** The tensor whose info is at fault, when there is one. */
  readonly tensor?: string | undefined;
  readonly cause?: unknown;
}

/** A GGUF header that cannot be read, with the check that failed, where, and what to do about it. */
export class GgufError extends Error {
  override readonly name = 'GgufError';
  readonly offset: number;
  readonly key: string | undefined;
  readonly tensor: string | undefined;

  constructor(
    readonly code: GgufErrorCode,
    /** The file path or the URL without credentials. */
    readonly source: string,
    /** What is wrong. */
    readonly problem: string,
    /** What to do about it. */
    readonly fix: string,
    details: GgufErrorDetails,
  ) {
    super(`cannot read the GGUF header of ${source}: ${problem}. ${fix}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.offset = details.offset;
    this.key = details.key;
    this.tensor = details.tensor;
  }
}

/** True for a typed GGUF error (also across copies of this module). */
export function isGgufError(error: unknown): error is GgufError {
  return error instanceof GgufError;
}

/**
 * A URL as it may be printed: no user name or password, no query string (signed URLs carry
 * tokens there), no fragment. Strings that are not URLs lose anything that looks like `user:pass@`.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return String(url).replace(/\/\/[^/@\s]*@/g, '//').replace(/\?.*$/s, '?…');
  }
  const query = parsed.search === '' ? '' : '?…';
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}${query}`;
}
