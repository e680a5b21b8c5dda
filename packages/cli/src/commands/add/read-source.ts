import { type ByteSource, DEFAULT_GGUF_LIMITS, type GgufHeader, type HttpSourceOptions, openHttpSource, readGgufHeader } from '@arch-registry/core';

const MIB = 1024 * 1024;
/** Bytes fetched ahead per request from a server: fewer round trips for headers of a few MiB. */
const HTTP_READ_AHEAD = MIB;

const isUrl = (source: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(source) && !/^file:/i.test(source);

/** A source that reports how many bytes it has fetched so far. */
function withProgress(inner: ByteSource, report: (bytes: number) => void): ByteSource {
  let fetched = 0;
  return {
    name: inner.name,
    get size() {
      return inner.size;
    },
    get contentType() {
      return inner.contentType;
    },
    async read(offset, length) {
      const bytes = await inner.read(offset, length);
      fetched += bytes.length;
      report(fetched);
      return bytes;
    },
    close: async () => inner.close?.(),
  };
}

/** `HF_TOKEN` as a bearer token for Hugging Face URLs (gated repositories); sent to that origin only. */
function tokenHeaders(source: string): Readonly<Record<string, string>> {
  const token = process.env.HF_TOKEN;
  if (token === undefined || token === '') return {};
  try {
    const host = new URL(source).hostname;
    return host === 'huggingface.co' || host.endsWith('.huggingface.co') ? { Authorization: `Bearer ${token}` } : {};
  } catch {
    return {};
  }
}

/**
 * Reads the header of a local GGUF or an https URL (only the header: metadata and tensor infos).
 * Remote reads report progress through `progress`, one line per request.
 */
export async function readSourceHeader(source: string, progress: (line: string) => void, http: Omit<HttpSourceOptions, 'maxBytes'> = {}): Promise<GgufHeader> {
  if (!isUrl(source)) return readGgufHeader(source);
  return readRemote(source, progress, { headers: tokenHeaders(source), ...http });
}

async function readRemote(source: string, progress: (line: string) => void, options: Omit<HttpSourceOptions, 'maxBytes'>): Promise<GgufHeader> {
  const http = openHttpSource(source, { ...options, maxBytes: DEFAULT_GGUF_LIMITS.maxHeaderBytes });
  const started = performance.now();
  progress(`reading the header of ${http.name}`);
  const tracked = withProgress(http, (bytes) => {
    const total = http.size === undefined ? '' : ` of a ${(http.size / 1024 ** 3).toFixed(1)} GiB file`;
    progress(`  ${(bytes / MIB).toFixed(1)} MiB fetched${total}`);
  });
  try {
    const header = await readGgufHeader(tracked, { readAheadBytes: HTTP_READ_AHEAD });
    progress(`  header read: ${header.tensors.length} tensors, ${Object.keys(header.metadata).length} keys in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return header;
  } finally {
    await http.close();
  }
}
