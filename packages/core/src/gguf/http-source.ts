/*
 * A ByteSource over an https URL: Range requests, a timeout per read and for the whole header,
 * a cap on redirects and on bytes, Content-Range checked against what was asked, credentials
 * sent as a header and never printed. Built on node:https rather than fetch so that redirects,
 * decompression (none: Accept-Encoding identity) and trusted CAs (`ca`) are under our control.
 */
import http from 'node:http';
import https from 'node:https';
import { capError, type ByteSource } from './byte-source.js';
import { GgufError, type GgufErrorCode, redactUrl } from './errors.js';
import { DEFAULT_GGUF_LIMITS } from './limits.js';

export interface HttpSourceOptions {
  /** Accept plain http:// URLs and redirects (default false: https only). */
  readonly allowHttp?: boolean;
  /** Most milliseconds one read (request, headers and body) may take (default 30,000). */
  readonly timeoutMs?: number;
  /** Most milliseconds all reads together may take (default 120,000). */
  readonly totalTimeoutMs?: number;
  /** Most redirects followed per request (default 5). */
  readonly maxRedirects?: number;
  /** Extra request headers, e.g. `{ Authorization: 'Bearer hf_…' }`; sent only to the URL's own origin. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Certificate authorities to trust besides the system's (a private server, a test). */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Cancels every read. */
  readonly signal?: AbortSignal;
  /** Never ask for bytes at or past this offset (default: limits.maxHeaderBytes). */
  readonly maxBytes?: number;
}

/** An https source; `close` drops its connections. */
export interface HttpByteSource extends ByteSource {
  close(): Promise<void>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** A server may answer a range in pieces; this many requests per read at most. */
const MAX_PIECES = 16;

interface Exchange {
  readonly req: http.ClientRequest;
  readonly res: http.IncomingMessage;
}

/** A 200 response to a ranged request: the server ignores Range, so the body is read forward. */
interface Stream extends Exchange {
  readonly iterator: AsyncIterator<Buffer>;
  /** Offset of the first byte of `pending`. */
  pos: number;
  pending: Uint8Array;
  done: boolean;
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function statusFix(status: number): string {
  if (status === 401 || status === 403) return 'The server wants credentials: pass options.headers (e.g. Authorization: Bearer <token>) or check that you may read this file';
  if (status === 404 || status === 410) return 'Check the URL: the file is not there';
  if (status === 429) return 'The server is rate-limiting: wait and try again';
  if (status >= 500) return 'The server failed: try again later';
  return 'Check the URL';
}

function basicAuth(url: URL): string | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return `Basic ${Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString('base64')}`;
}

function stripCredentials(url: URL): URL {
  const clean = new URL(url.href);
  clean.username = '';
  clean.password = '';
  clean.hash = '';
  return clean;
}

class HttpSource implements HttpByteSource {
  readonly name: string;
  size: number | undefined;
  contentType: string | undefined;
  private url: URL;
  private readonly origin: string;
  private readonly auth: string | undefined;
  private readonly headers: Record<string, string>;
  private readonly agents: { http?: http.Agent; https?: https.Agent } = {};
  private deadline: number | undefined;
  private stream: Stream | undefined;
  private closed = false;

  constructor(
    url: URL,
    private readonly options: HttpSourceOptions,
    private readonly maxBytes: number,
  ) {
    this.name = redactUrl(url);
    this.auth = basicAuth(url);
    this.url = stripCredentials(url);
    this.origin = this.url.origin;
    this.headers = { ...(options.headers ?? {}) };
  }

  private error(code: GgufErrorCode, offset: number, problem: string, fix: string, cause?: unknown): GgufError {
    return new GgufError(code, this.name, problem, fix, { offset, cause });
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new RangeError(`bad read(${offset}, ${length})`);
    }
    if (offset + length > this.maxBytes) throw capError(this.name, offset, length, this.maxBytes);
    if (this.closed) throw this.error('GGUF_UNREADABLE', offset, 'the source was closed', 'Read the header again');
    if (length === 0) return new Uint8Array(0);

    const now = Date.now();
    this.deadline ??= now + (this.options.totalTimeoutMs ?? 120_000);
    const budget = Math.min(this.options.timeoutMs ?? 30_000, this.deadline - now);
    const controller = new AbortController();
    let timedOut = false;
    const abort = (): void => {
      controller.abort();
      this.stream?.req.destroy();
    };
    const timer = setTimeout(
      () => {
        timedOut = true;
        abort();
      },
      Math.max(0, budget),
    );
    const userSignal = this.options.signal;
    userSignal?.addEventListener('abort', abort);
    try {
      if (budget <= 0) timedOut = true;
      if (timedOut) throw new Error('deadline passed');
      if (userSignal?.aborted) throw new Error('aborted');
      return await this.readRange(offset, length, controller.signal);
    } catch (error) {
      if (timedOut) {
        this.dropStream();
        throw this.error('TIMEOUT', offset, `reading bytes ${offset}-${offset + length - 1} took longer than ${budget} ms (per-read limit ${this.options.timeoutMs ?? 30_000} ms, total ${this.options.totalTimeoutMs ?? 120_000} ms)`, 'The server is too slow or stalled: try again, or raise timeoutMs / totalTimeoutMs', error);
      }
      if (userSignal?.aborted) {
        this.dropStream();
        throw this.error('ABORTED', offset, 'the read was cancelled', 'Nothing to fix: the caller aborted', error);
      }
      if (error instanceof GgufError) throw error;
      throw this.networkError(offset, error);
    } finally {
      clearTimeout(timer);
      userSignal?.removeEventListener('abort', abort);
    }
  }

  private networkError(offset: number, error: unknown): GgufError {
    const code = (error as { code?: unknown } | null)?.code;
    const detail = typeof code === 'string' ? code : redactUrl(String((error as Error)?.message ?? error));
    const tls = typeof code === 'string' && /CERT|SELF_SIGNED|TLS|SSL/i.test(code);
    return this.error(
      'NETWORK',
      offset,
      `the request for bytes from ${offset} failed (${detail})`,
      tls ? "The server's TLS certificate is not trusted: fix the server, or pass its CA in options.ca" : 'Check the URL and the network, then try again',
      error,
    );
  }

  private async readRange(offset: number, length: number, signal: AbortSignal): Promise<Uint8Array> {
    if (this.stream !== undefined) return this.readStream(offset, length);
    const parts: Uint8Array[] = [];
    let got = 0;
    for (let piece = 0; got < length; piece++) {
      if (piece === MAX_PIECES) {
        throw this.error('BAD_CONTENT_RANGE', offset, `the server answered bytes ${offset}-${offset + length - 1} in more than ${MAX_PIECES} pieces`, 'The server splits ranges too finely: download the file and read it locally');
      }
      const start = offset + got;
      const answer = await this.rangeRequest(start, length - got, signal);
      if (answer === 'stream') {
        const rest = await this.readStream(start, length - got);
        parts.push(rest);
        got += rest.length;
        break;
      }
      parts.push(answer.bytes);
      got += answer.bytes.length;
      if (answer.eof || answer.bytes.length === 0) break;
    }
    return concat(parts, got);
  }

  /** One ranged GET (redirects followed): the bytes, or 'stream' when the server ignores Range. */
  private async rangeRequest(offset: number, length: number, signal: AbortSignal): Promise<{ bytes: Uint8Array; eof: boolean } | 'stream'> {
    const last = offset + length - 1;
    const { req, res } = await this.request(offset, last, signal);
    const status = res.statusCode ?? 0;
    this.contentType ??= res.headers['content-type'];
    const encoding = res.headers['content-encoding'];
    if ((status === 200 || status === 206) && encoding !== undefined && !/^\s*identity\s*$/i.test(encoding)) {
      res.destroy();
      throw this.error('BAD_CONTENT_RANGE', offset, `the server sent a ${encoding}-encoded body although the raw bytes were asked for (Accept-Encoding: identity)`, 'Byte ranges of a compressed body are meaningless: use a URL that serves the file as is');
    }

    if (status === 200) {
      const declared = Number(res.headers['content-length']);
      if (res.headers['content-length'] !== undefined && Number.isSafeInteger(declared) && declared >= 0) this.size ??= declared;
      this.stream = { req, res, iterator: res[Symbol.asyncIterator]() as AsyncIterator<Buffer>, pos: 0, pending: new Uint8Array(0), done: false };
      return 'stream';
    }
    if (status === 416) {
      res.destroy();
      const total = /^bytes\s+\*\/(\d+)\s*$/i.exec(res.headers['content-range'] ?? '')?.[1];
      if (total !== undefined && Number(total) <= offset) {
        this.size ??= Number(total);
        return { bytes: new Uint8Array(0), eof: true };
      }
      throw this.error('BAD_CONTENT_RANGE', offset, `the server refused bytes ${offset}-${last} (416) without saying the file is shorter`, 'The server handles ranges wrongly: download the file and read it locally');
    }
    if (status !== 206) {
      res.destroy();
      throw this.error('HTTP_STATUS', offset, `the server answered ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`, statusFix(status));
    }

    const header = res.headers['content-range'] ?? '';
    const match = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(header);
    const lie = (problem: string): GgufError => {
      res.destroy();
      return this.error('BAD_CONTENT_RANGE', offset, problem, 'The server answers ranges wrongly (a broken proxy or mirror?): try another URL, or download the file and read it locally');
    };
    if (match === null) throw lie(`asked for bytes ${offset}-${last}, the server answered 206 with Content-Range ${JSON.stringify(header.slice(0, 80))}`);
    const [, startText = '', endText = '', totalText = '*'] = match;
    const start = Number(startText);
    const end = Number(endText);
    const total = totalText === '*' ? undefined : Number(totalText);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || (total !== undefined && !Number.isSafeInteger(total))) {
      throw lie(`Content-Range ${JSON.stringify(header.slice(0, 80))} holds numbers beyond 2^53`);
    }
    if (start !== offset || end < start || end > last) throw lie(`asked for bytes ${offset}-${last}, the server sent bytes ${start}-${end}`);
    if (total !== undefined) {
      if (end >= total) throw lie(`Content-Range bytes ${start}-${end}/${total} ends past the file size it states`);
      if (this.size !== undefined && this.size !== total) throw lie(`the file size changed between requests (${this.size} then ${total} bytes)`);
      this.size = total;
    }
    const expected = end - start + 1;
    const body = await this.readBody(res, expected);
    if (body.overflow) throw lie(`the server sent more than the ${expected} bytes its Content-Range ${start}-${end} promised`);
    if (body.bytes.length < expected) throw lie(`the server sent ${body.bytes.length} bytes, but its Content-Range ${start}-${end} promised ${expected}`);
    const eof = this.size !== undefined && end + 1 >= this.size;
    return { bytes: body.bytes, eof };
  }

  private async readBody(res: http.IncomingMessage, max: number): Promise<{ bytes: Uint8Array; overflow: boolean }> {
    const parts: Uint8Array[] = [];
    let total = 0;
    let overflow = false;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      if (total + chunk.length > max) {
        parts.push(chunk.subarray(0, max - total));
        total = max;
        overflow = true;
        break;
      }
      parts.push(chunk);
      total += chunk.length;
    }
    if (overflow) res.destroy();
    return { bytes: concat(parts, total), overflow };
  }

  /** Serves a read from the body of a 200 response, forward only. */
  private async readStream(offset: number, length: number): Promise<Uint8Array> {
    const stream = this.stream;
    if (stream === undefined) throw new Error('unreachable: no stream');
    if (offset < stream.pos) {
      throw this.error('BAD_CONTENT_RANGE', offset, `the server ignores Range requests and the reader needed to go back to byte ${offset}`, 'Download the file and read it locally');
    }
    const end = offset + length;
    const parts: Uint8Array[] = [];
    let have = 0;
    while (have < length) {
      // Drop what lies before `offset`, take what lies inside the read.
      const pendingEnd = stream.pos + stream.pending.length;
      if (pendingEnd > offset + have) {
        const from = offset + have - stream.pos;
        const take = stream.pending.subarray(from, Math.min(stream.pending.length, end - stream.pos));
        parts.push(take);
        have += take.length;
        stream.pending = stream.pending.subarray(from + take.length);
        stream.pos = offset + have;
        continue;
      }
      stream.pos = pendingEnd;
      stream.pending = new Uint8Array(0);
      if (stream.done) break;
      const next = await stream.iterator.next();
      if (next.done === true) {
        stream.done = true;
        this.size ??= stream.pos;
        break;
      }
      stream.pending = next.value;
    }
    return concat(parts, have);
  }

  private dropStream(): void {
    this.stream?.res.destroy();
    this.stream = undefined;
  }

  private agent(url: URL): http.Agent {
    if (url.protocol === 'https:') {
      this.agents.https ??= new https.Agent({ keepAlive: true, maxSockets: 2, ...(this.options.ca === undefined ? {} : { ca: this.options.ca as string | Buffer | Array<string | Buffer> }) });
      return this.agents.https;
    }
    this.agents.http ??= new http.Agent({ keepAlive: true, maxSockets: 2 });
    return this.agents.http;
  }

  private send(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Exchange> {
    return new Promise((resolve, reject) => {
      const client = url.protocol === 'https:' ? https : http;
      const req = client.request(url, { method: 'GET', headers, signal, agent: this.agent(url) }, (res) => resolve({ req, res }));
      req.on('error', reject);
      req.end();
    });
  }

  /** GET with Range; follows redirects up to the cap, and keeps the final URL for the next reads. */
  private async request(offset: number, last: number, signal: AbortSignal): Promise<Exchange> {
    let url = this.url;
    const maxRedirects = this.options.maxRedirects ?? 5;
    for (let hops = 0; ; hops++) {
      const headers: Record<string, string> = { 'User-Agent': 'arch-registry', ...this.headers, Range: `bytes=${offset}-${last}`, 'Accept-Encoding': 'identity' };
      const sameOrigin = url.origin === this.origin;
      if (!sameOrigin) {
        for (const name of Object.keys(headers)) if (/^(authorization|cookie)$/i.test(name)) delete headers[name];
      } else if (this.auth !== undefined && !Object.keys(headers).some((name) => /^authorization$/i.test(name))) {
        headers.Authorization = this.auth;
      }
      const exchange = await this.send(url, headers, signal);
      const status = exchange.res.statusCode ?? 0;
      if (!REDIRECTS.has(status)) {
        this.url = url;
        return exchange;
      }
      exchange.res.destroy();
      const location = exchange.res.headers.location;
      if (location === undefined || location === '') {
        throw this.error('HTTP_STATUS', offset, `the server answered ${status} without a Location`, 'The server is misconfigured: use the final URL of the file');
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (cause) {
        throw this.error('BAD_URL', offset, `the server redirected to an invalid URL (${redactUrl(location)})`, 'The server is misconfigured: use the final URL of the file', cause);
      }
      if (hops >= maxRedirects) {
        throw this.error('TOO_MANY_REDIRECTS', offset, `more than ${maxRedirects} redirects (the last to ${redactUrl(next)})`, 'The URL redirects in a loop or too far: open it in a browser and use the final URL');
      }
      checkProtocol(next, this.options.allowHttp ?? false, this.name, offset, true);
      url = stripCredentials(next);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dropStream();
    this.agents.http?.destroy();
    this.agents.https?.destroy();
  }
}

function checkProtocol(url: URL, allowHttp: boolean, name: string, offset: number, redirected: boolean): void {
  const shown = redactUrl(url);
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:') {
    if (allowHttp) return;
    throw new GgufError(
      'HTTP_NOT_ALLOWED',
      name,
      redirected ? `the server redirected to plain http (${shown})` : 'plain http is not accepted',
      'Use an https URL; to read over http anyway (a trusted local network), pass allowHttp: true',
      { offset },
    );
  }
  throw new GgufError('BAD_URL', name, `${redirected ? 'the server redirected to' : 'the URL has'} scheme ${url.protocol.replace(/:$/, '')}`, 'Pass an https:// URL or a local path', { offset });
}

/** An https (or, with allowHttp, http) URL as a ByteSource; nothing is requested until the first read. */
export function openHttpSource(url: string | URL, options: HttpSourceOptions = {}): HttpByteSource {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : new URL(url.href);
  } catch (cause) {
    throw new GgufError('BAD_URL', redactUrl(String(url)), 'it is not a valid URL', 'Pass an https:// URL or a local path', { offset: 0, cause });
  }
  checkProtocol(parsed, options.allowHttp ?? false, redactUrl(parsed), 0, false);
  return new HttpSource(parsed, options, options.maxBytes ?? DEFAULT_GGUF_LIMITS.maxHeaderBytes);
}
