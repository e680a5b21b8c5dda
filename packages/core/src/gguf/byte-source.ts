import { GgufError } from './errors.js';

/**
 * Random access to the bytes of a GGUF file: a local file, an https URL, or memory.
 * The header parser reads forward only, through `read`, and never past its byte cap.
 */
export interface ByteSource {
  /** How messages name the source: a path, or a URL without credentials or query. */
  readonly name: string;
  /** Total size in bytes once known (files: from the start; https: after the first response). */
  readonly size: number | undefined;
  /** The MIME type a server declared, if any; tells a web page from a GGUF in errors. */
  readonly contentType?: string | undefined;
  /**
   * `length` bytes starting at `offset`, fewer only where the source ends. Rejects with a
   * GgufError (never another error) and never returns more than `length` bytes.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases the file handle or connections; safe to call twice. */
  close?(): Promise<void>;
}

/** The error a source throws when asked for bytes past its cap. */
export function capError(name: string, offset: number, length: number, maxBytes: number): GgufError {
  return new GgufError(
    'HEADER_TOO_LARGE',
    name,
    `reading ${length} bytes at offset ${offset} would pass the cap of ${maxBytes} header bytes`,
    'The header is larger than any real model needs; if the file is genuine, raise limits.maxHeaderBytes',
    { offset },
  );
}

/** A source over bytes in memory (tests, fuzzing, or a header already downloaded). */
export function bufferSource(bytes: Uint8Array, name = '<memory>', maxBytes = Number.MAX_SAFE_INTEGER): ByteSource {
  return {
    name,
    size: bytes.length,
    read(offset: number, length: number): Promise<Uint8Array> {
      if (offset + length > maxBytes) return Promise.reject(capError(name, offset, length, maxBytes));
      return Promise.resolve(bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length)));
    },
  };
}
