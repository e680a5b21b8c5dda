import { fileURLToPath } from 'node:url';
import type { ByteSource } from './byte-source.js';
import { HeaderCursor } from './cursor.js';
import { GgufError, redactUrl } from './errors.js';
import { openFileSource } from './file-source.js';
import { openHttpSource, type HttpSourceOptions } from './http-source.js';
import { resolveGgufLimits, type GgufLimits } from './limits.js';
import { parseHeader } from './parse-header.js';
import type { GgufHeader } from './types.js';

export { bufferSource, type ByteSource } from './byte-source.js';
export { GgufError, isGgufError, redactUrl, type GgufErrorCode, type GgufErrorDetails } from './errors.js';
/** The error `readGgufHeader` throws; the name callers used before GgufError had codes per check. */
export { GgufError as GgufReadError } from './errors.js';
export { openFileSource, type FileByteSource, type FileSourceOptions } from './file-source.js';
export { openHttpSource, type HttpByteSource, type HttpSourceOptions } from './http-source.js';
export { DEFAULT_GGUF_LIMITS, resolveGgufLimits, type GgufLimits } from './limits.js';
export { GGUF_TYPE, type GgufTypeId } from './value-types.js';
export type { GgufHeader, TensorInfo } from './types.js';

export interface ReadGgufOptions extends Omit<HttpSourceOptions, 'maxBytes'> {
  /** Overrides of DEFAULT_GGUF_LIMITS. */
  readonly limits?: Partial<GgufLimits>;
  /**
   * Bytes read beyond what the parser needs at each refill, to save requests (default 256 KiB for
   * files, 1 MiB for URLs; 0 reads exactly what is parsed and nothing of the data section).
   */
  readonly readAheadBytes?: number;
  /** String values that are not UTF-8: 'replace' (U+FFFD, the default) or 'error' (BAD_UTF8). Keys and tensor names must always be UTF-8. */
  readonly invalidUtf8?: 'replace' | 'error';
}

const FILE_READ_AHEAD = 256 * 1024;
const HTTP_READ_AHEAD = 1024 * 1024;
/** MIME types that are never a GGUF: a web page, an API error, a text file. */
const DOCUMENT_TYPE = /^\s*(text\/|application\/(json|xml|xhtml\+xml|problem\+json)\b)/i;

async function open(source: string | URL | ByteSource, options: ReadGgufOptions, limits: GgufLimits): Promise<{ source: ByteSource; owned: boolean; readAhead: number }> {
  if (typeof source === 'object' && !(source instanceof URL)) {
    return { source, owned: false, readAhead: options.readAheadBytes ?? FILE_READ_AHEAD };
  }
  const text = source instanceof URL ? source.href : source;
  if (/^file:/i.test(text)) {
    let path: string;
    try {
      path = fileURLToPath(text);
    } catch (cause) {
      throw new GgufError('BAD_URL', redactUrl(text), 'it is not a valid file: URL', 'Pass a local path or an https:// URL', { offset: 0, cause });
    }
    return { source: await openFileSource(path, { maxBytes: limits.maxHeaderBytes }), owned: true, readAhead: options.readAheadBytes ?? FILE_READ_AHEAD };
  }
  if (source instanceof URL || /^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    const http = openHttpSource(text, { ...options, maxBytes: limits.maxHeaderBytes });
    return { source: http, owned: true, readAhead: options.readAheadBytes ?? HTTP_READ_AHEAD };
  }
  return { source: await openFileSource(text, { maxBytes: limits.maxHeaderBytes }), owned: true, readAhead: options.readAheadBytes ?? FILE_READ_AHEAD };
}

/** BAD_MAGIC from a server that declared a document type becomes NOT_GGUF, which says so. */
function explain(error: GgufError, source: ByteSource): GgufError {
  const type = source.contentType;
  if (error.code !== 'BAD_MAGIC' || type === undefined || !DOCUMENT_TYPE.test(type)) return error;
  return new GgufError(
    'NOT_GGUF',
    source.name,
    `the server answered with a ${type.split(';')[0]?.trim()} document, not a GGUF file`,
    'Use the download URL of the .gguf file (on Hugging Face: /resolve/<revision>/<file>, not /blob/<revision>/<file>)',
    { offset: 0, cause: error },
  );
}

/**
 * Reads the metadata and tensor infos of a local file, an https URL or any ByteSource. Only the
 * header is read (plus at most `readAheadBytes`), never more than `limits.maxHeaderBytes`, and
 * every failure, whatever the input, is a GgufError with a code, the byte offset and a fix.
 */
export async function readGgufHeader(source: string | URL | ByteSource, options: ReadGgufOptions = {}): Promise<GgufHeader> {
  const limits = resolveGgufLimits(options.limits);
  const opened = await open(source, options, limits);
  const bytes = opened.source;
  try {
    const cursor = new HeaderCursor(bytes, limits.maxHeaderBytes, opened.readAhead, {});
    let parsed;
    try {
      parsed = await parseHeader(cursor, { limits, invalidUtf8: options.invalidUtf8 ?? 'replace' });
    } catch (error) {
      if (error instanceof GgufError) throw explain(error, bytes);
      throw new GgufError(
        'INTERNAL',
        bytes.name,
        `the reader failed at byte ${cursor.pos} (${error instanceof Error ? `${error.name}: ${error.message}` : String(error)})`,
        'This is a bug in arch-registry: please report it with the file',
        { offset: cursor.pos, cause: error },
      );
    }
    return {
      source: bytes.name,
      metadata: parsed.metadata,
      tensors: parsed.tensors,
      version: parsed.version,
      alignment: parsed.alignment,
      dataOffset: parsed.dataOffset,
      fileSize: bytes.size,
      bytesRead: cursor.bytesFetched,
    };
  } finally {
    if (opened.owned) await bytes.close?.();
  }
}
