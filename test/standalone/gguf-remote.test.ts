/*
 * Remote GGUF reads against local servers on 127.0.0.1: an https server with a self-signed
 * certificate made at test time by openssl (skipped where openssl is missing) and a plain http
 * server. They serve good, slow, truncated, redirect-looping, lying and non-GGUF responses.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { bufferSource, GgufError, type GgufErrorCode, readGgufHeader, type ReadGgufOptions } from '@arch-registry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthFile } from '../fuzz/gguf-bytes.js';
import { SAMPLES } from '../fuzz/gguf-samples.js';

const { bytes: FILE, dataStart: DATA_START } = synthFile(SAMPLES.everything ?? { metadata: [], tensors: [] });
const TRUNCATED = FILE.subarray(0, 700);
const SECRET = 's3cr3t-pa55';

function makeCert(): { key: string; cert: string } | undefined {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'arch-registry-cert-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { cwd: dir, stdio: 'ignore', timeout: 10_000 },
    );
    return { key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every Range header each path was asked for. */
const ranges = new Map<string, string[]>();
let streamedBytes = 0;
let lieCount = 0;

/** Answers a Range request from `bytes` as a correct server does. */
function serveRanges(req: http.IncomingMessage, res: http.ServerResponse, bytes: Uint8Array, total = bytes.length): void {
  const match = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  if (match === null) {
    res.writeHead(200, { 'Content-Length': bytes.length, 'Content-Type': 'application/octet-stream' });
    res.end(bytes);
    return;
  }
  const start = Number(match[1]);
  const end = Math.min(Number(match[2]), bytes.length - 1);
  if (start >= bytes.length) {
    res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}` });
    res.end();
    return;
  }
  res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${total}`, 'Content-Length': end - start + 1, 'Content-Type': 'application/octet-stream' });
  res.end(bytes.subarray(start, end + 1));
}

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const list = ranges.get(url.pathname) ?? [];
  list.push(req.headers.range ?? '');
  ranges.set(url.pathname, list);
  res.on('error', () => undefined);
  switch (url.pathname) {
    case '/good.gguf':
      return serveRanges(req, res, FILE);
    case '/truncated.gguf':
      return serveRanges(req, res, TRUNCATED);
    case '/auth.gguf': {
      const expected = `Basic ${Buffer.from(`reader:${SECRET}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'WWW-Authenticate': 'Basic' });
        res.end();
        return;
      }
      return serveRanges(req, res, FILE);
    }
    case '/redirect':
      res.writeHead(302, { Location: '/good.gguf' });
      res.end();
      return;
    case '/loop':
      res.writeHead(302, { Location: '/loop' });
      res.end();
      return;
    case '/to-http':
      res.writeHead(301, { Location: `http://127.0.0.1:${httpPort}/good.gguf` });
      res.end();
      return;
    case '/stall-headers':
      return; // never answers
    case '/stall-body':
      res.writeHead(206, { 'Content-Range': `bytes 0-${FILE.length - 1}/${FILE.length}`, 'Content-Length': FILE.length });
      res.write(FILE.subarray(0, 10)); // then nothing
      return;
    case '/cut-body':
      res.writeHead(206, { 'Content-Range': `bytes 0-${FILE.length - 1}/${FILE.length}`, 'Content-Length': FILE.length });
      res.write(FILE.subarray(0, 100), () => res.destroy());
      return;
    case '/lie-start': {
      res.writeHead(206, { 'Content-Range': `bytes 8-107/${FILE.length}`, 'Content-Length': 100 });
      res.end(FILE.subarray(8, 108));
      return;
    }
    case '/lie-length':
      // Content-Range promises 200 bytes, the body (and Content-Length) has 50.
      res.writeHead(206, { 'Content-Range': `bytes 0-199/${FILE.length}`, 'Content-Length': 50 });
      res.end(FILE.subarray(0, 50));
      return;
    case '/lie-total':
      return serveRanges(req, res, FILE, FILE.length + lieCount++);
    case '/no-content-range':
      res.writeHead(206, { 'Content-Length': 10 });
      res.end(FILE.subarray(0, 10));
      return;
    case '/no-range-support.gguf': {
      // Ignores Range: 200 with the header and then 256 MiB of "tensor data", produced lazily.
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': FILE.length + 256 * 2 ** 20 });
      let sent = 0;
      const zeros = new Uint8Array(64 * 1024);
      const pump = (): void => {
        while (sent < 256 * 2 ** 20 && !res.destroyed) {
          const chunk = sent === 0 ? FILE : zeros;
          sent += chunk.length;
          streamedBytes += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
      return;
    }
    case '/missing.gguf':
      res.writeHead(404);
      res.end('not found');
      return;
    case '/broken.gguf':
      res.writeHead(500);
      res.end();
      return;
    case '/blob/model.gguf':
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><html><body>model page</body></html>');
      return;
    default:
      res.writeHead(404);
      res.end();
  }
}

const cert = makeCert();
let httpsServer: https.Server | undefined;
let httpServer: http.Server;
let httpsPort = 0;
let httpPort = 0;

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  httpServer = http.createServer(handler);
  httpPort = await listen(httpServer);
  if (cert !== undefined) {
    httpsServer = https.createServer({ key: cert.key, cert: cert.cert }, handler);
    httpsPort = await listen(httpsServer);
  }
});

afterAll(async () => {
  for (const server of [httpServer, httpsServer]) {
    if (server === undefined) continue;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const tls = (): ReadGgufOptions => ({ ca: cert?.cert, timeoutMs: 2000 });
const httpsUrl = (p: string) => `https://127.0.0.1:${httpsPort}${p}`;
const httpUrl = (p: string) => `http://127.0.0.1:${httpPort}${p}`;

async function failure(source: string, options: ReadGgufOptions): Promise<GgufError> {
  const error = await readGgufHeader(source, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GgufError);
  return error as GgufError;
}

interface Protocol {
  readonly name: string;
  readonly url: (path: string) => string;
  readonly userUrl: (user: string, password: string, path: string) => string;
  readonly options: () => ReadGgufOptions;
}

/** https with the test CA where openssl made one; plain http with allowHttp always. */
const protocols: Protocol[] = [
  ...(cert === undefined
    ? []
    : [{ name: 'https (self-signed certificate trusted through options.ca)', url: httpsUrl, userUrl: (u: string, p: string, path: string) => `https://${u}:${p}@127.0.0.1:${httpsPort}${path}`, options: tls }]),
  { name: 'http with allowHttp: true', url: httpUrl, userUrl: (u, p, path) => `http://${u}:${p}@127.0.0.1:${httpPort}${path}`, options: () => ({ allowHttp: true, timeoutMs: 2000 }) },
];

describe.each(protocols)('$name', ({ name, url, userUrl, options }) => {
  const host = () => new URL(url('/')).host;

  it('reads a good file in one request, equal to the local read', async () => {
    ranges.delete('/good.gguf');
    const remote = await readGgufHeader(url('/good.gguf'), options());
    const local = await readGgufHeader(bufferSource(FILE));
    expect({ ...remote.metadata }).toEqual({ ...local.metadata });
    expect(remote.tensors).toEqual(local.tensors);
    expect(remote.fileSize).toBe(FILE.length);
    expect(remote.source).toBe(url('/good.gguf'));
    expect(ranges.get('/good.gguf')).toEqual([`bytes=0-${1024 * 1024 - 1}`]);
  });

  it('with readAheadBytes: 0 no Range reaches the data section', async () => {
    ranges.delete('/good.gguf');
    await readGgufHeader(url('/good.gguf'), { ...options(), readAheadBytes: 0 });
    const ends = (ranges.get('/good.gguf') ?? []).map((r) => Number(/-(\d+)$/.exec(r)?.[1]));
    expect(ends.length).toBeGreaterThan(10);
    expect(Math.max(...ends)).toBeLessThan(DATA_START);
  });

  it('follows one redirect', async () => {
    const header = await readGgufHeader(url('/redirect'), options());
    expect(header.tensors.length).toBeGreaterThan(0);
  });

  const cases: Array<[string, string, GgufErrorCode, ReadGgufOptions?]> = [
    ['a redirect loop', '/loop', 'TOO_MANY_REDIRECTS'],
    ['a server that never answers', '/stall-headers', 'TIMEOUT', { timeoutMs: 300 }],
    ['a body that stalls', '/stall-body', 'TIMEOUT', { timeoutMs: 300 }],
    ['a total deadline', '/stall-body', 'TIMEOUT', { timeoutMs: 5000, totalTimeoutMs: 300 }],
    ['a truncated file', '/truncated.gguf', 'TRUNCATED'],
    ['a connection cut mid-body', '/cut-body', 'NETWORK'],
    ['Content-Range for other bytes', '/lie-start', 'BAD_CONTENT_RANGE'],
    ['Content-Range longer than the body', '/lie-length', 'BAD_CONTENT_RANGE'],
    ['a file size that changes between requests', '/lie-total', 'BAD_CONTENT_RANGE', { readAheadBytes: 16 }],
    ['206 without Content-Range', '/no-content-range', 'BAD_CONTENT_RANGE'],
    ['404', '/missing.gguf', 'HTTP_STATUS'],
    ['500', '/broken.gguf', 'HTTP_STATUS'],
    ['an HTML page instead of a GGUF', '/blob/model.gguf', 'NOT_GGUF'],
    ['a header over the byte cap', '/good.gguf', 'HEADER_TOO_LARGE', { limits: { maxHeaderBytes: 1000 } }],
    ...(name.startsWith('https') ? [['a redirect to plain http', '/to-http', 'HTTP_NOT_ALLOWED'] as [string, string, GgufErrorCode]] : []),
  ];
  it.each(cases)('%s → %s', async (_name, route, code, extra) => {
    const started = Date.now();
    const e = await failure(url(route), { ...options(), ...extra });
    if (process.env.SHOW_MESSAGES) console.log(e.code, e.offset, e.message);
    expect(e.code).toBe(code);
    expect(e.message).toContain(host());
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('HTML is NOT_GGUF with a hint at the download URL', async () => {
    const e = await failure(url('/blob/model.gguf'), options());
    expect(e.message).toMatch(/text\/html.*\/resolve\//);
  });

  it('never asks for bytes past the cap', async () => {
    ranges.delete('/good.gguf');
    await failure(url('/good.gguf'), { ...options(), limits: { maxHeaderBytes: 1000 } });
    const ends = (ranges.get('/good.gguf') ?? []).map((r) => Number(/-(\d+)$/.exec(r)?.[1]));
    expect(Math.max(...ends)).toBeLessThan(1000);
  });

  it('a server that ignores Range: the 200 body is read only as far as the header', async () => {
    streamedBytes = 0;
    const header = await readGgufHeader(url('/no-range-support.gguf'), options());
    expect(header.tensors.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(streamedBytes).toBeLessThan(32 * 2 ** 20);
  });

  it('credentials in the URL are sent as Basic auth and never printed', async () => {
    const ok = await readGgufHeader(userUrl('reader', SECRET, '/auth.gguf'), options());
    expect(ok.source).toBe(url('/auth.gguf'));
    for (const bad of [userUrl('reader', `wrong-${SECRET}`, '/auth.gguf'), `${userUrl('reader', SECRET, '/missing.gguf')}?token=${SECRET}`]) {
      const e = await failure(bad, options());
      expect(e.code).toBe('HTTP_STATUS');
      expect(e.message).not.toContain(SECRET);
      expect(e.message).not.toContain('reader');
      expect(e.source).not.toContain(SECRET);
      expect(JSON.stringify({ ...e, stack: e.stack })).not.toContain(SECRET);
    }
  });

  it('an abort signal cancels the read', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const e = await failure(url('/stall-headers'), { ...options(), signal: controller.signal });
    expect(e.code).toBe('ABORTED');
  });
});

describe.runIf(cert !== undefined)('https only', () => {
  it('an untrusted certificate is a NETWORK error that says so', async () => {
    const e = await failure(httpsUrl('/good.gguf'), { timeoutMs: 2000 });
    expect(e.code).toBe('NETWORK');
    expect(e.message).toMatch(/certificate/);
  });
});

describe('plain http', () => {
  it('is refused without allowHttp', async () => {
    const e = await failure(httpUrl('/good.gguf'), {});
    expect(e).toMatchObject({ code: 'HTTP_NOT_ALLOWED', offset: 0 });
    expect(e.message).toMatch(/allowHttp/);
  });

  it('other schemes and bad URLs are BAD_URL; nothing listens → NETWORK', async () => {
    expect((await failure('ftp://127.0.0.1/x.gguf', {})).code).toBe('BAD_URL');
    expect((await failure('https://[::1/x.gguf', {})).code).toBe('BAD_URL');
    const closed = http.createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    expect((await failure(`http://127.0.0.1:${port}/x.gguf`, { allowHttp: true })).code).toBe('NETWORK');
  });
});
