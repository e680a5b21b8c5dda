import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  type ByteSource,
  bufferSource,
  DEFAULT_GGUF_LIMITS,
  GgufError,
  type GgufErrorCode,
  type GgufHeader,
  GgufReadError,
  type MetadataValue,
  readGgufHeader,
  type ReadGgufOptions,
  resolveGgufLimits,
} from '@arch-registry/core';
import { writeGguf } from '@arch-registry/gguf-synth';
import { gguf } from '@huggingface/gguf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixture } from '../fixtures/define-fixture.js';
import { exaone4_32b } from '../fixtures/models/index.js';
import { RawGguf, synthFile, T } from '../fuzz/gguf-bytes.js';
import { SAMPLES } from '../fuzz/gguf-samples.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-gguf-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** @huggingface/gguf's values as ours: 64-bit integers are numbers where safe. */
function normalize(value: unknown): unknown {
  if (typeof value === 'bigint') return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (Array.isArray(value)) return value.map(normalize);
  return value;
}

async function oracle(file: string): Promise<{ metadata: Record<string, unknown>; tensors: unknown[] }> {
  const parsed = await gguf(file, { allowLocalFile: true });
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed.metadata)) {
    // @huggingface/gguf adds the header fields as pseudo-keys; GgufHeader has them as fields.
    if (key !== 'version' && key !== 'tensor_count' && key !== 'kv_count') metadata[key] = normalize(value);
  }
  const tensors = parsed.tensorInfos.map((info) => ({ name: info.name, shape: info.shape.map(Number), type: info.dtype, offset: info.offset }));
  return { metadata, tensors };
}

describe('readGgufHeader agrees with @huggingface/gguf on valid files', () => {
  it.each(Object.keys(SAMPLES))('gguf-synth sample %s', async (name) => {
    const spec = SAMPLES[name];
    if (spec === undefined) throw new Error(name);
    const file = path.join(dir, `${name}.gguf`);
    const written = await writeGguf(file, { ...spec, mode: 'header-only' });
    const ours = await readGgufHeader(file, { limits: { maxArrayNesting: name === 'nested' ? 1 : 0 } });
    const theirs = await oracle(file);
    expect({ ...ours.metadata }).toEqual(theirs.metadata);
    expect(Object.keys(ours.metadata)).toEqual(Object.keys(theirs.metadata));
    expect(ours.tensors).toEqual(theirs.tensors);
    expect(ours.version).toBe(3);
    expect(ours.alignment).toBe(written.alignment);
    expect(ours.fileSize).toBe(written.fileSize);
    if (spec.tensors.length > 0) expect(ours.dataOffset).toBe(written.dataStart);
  });

  it('a GGUF v2 file', async () => {
    const file = path.join(dir, 'v2.gguf');
    const bytes = new RawGguf().head(1, 2, 2).kvString('general.architecture', 'llama').kvU32('llama.block_count', 2).tensor('w', [32, 2], 0, 0).padTo(32).zeros(256).bytes();
    await writeFile(file, bytes);
    const ours = await readGgufHeader(file);
    const theirs = await oracle(file);
    expect(ours.version).toBe(2);
    expect({ ...ours.metadata }).toEqual(theirs.metadata);
    expect(ours.tensors).toEqual(theirs.tensors);
  });

  it('a real-scale header (EXAONE 4.0 32B fixture, 102k-token vocab)', async () => {
    const file = path.join(dir, 'exaone4-32b.gguf');
    await writeFixture(exaone4_32b, file);
    const ours = await readGgufHeader(file);
    const theirs = await oracle(file);
    expect({ ...ours.metadata }).toEqual(theirs.metadata);
    expect(ours.tensors).toEqual(theirs.tensors);
    expect(ours.metadata['exaone4.block_count']).toBe(64);
  });
});

describe('metadata values', () => {
  it('64-bit integers are numbers where safe and bigints beyond 2^53', async () => {
    const { bytes } = synthFile(SAMPLES.scalars ?? { metadata: [], tensors: [] });
    const { metadata } = await readGgufHeader(bufferSource(bytes));
    expect(metadata['t.u64_small']).toBe(4096);
    expect(metadata['t.u64_safe_max']).toBe(Number.MAX_SAFE_INTEGER);
    expect(metadata['t.u64_big']).toBe((1n << 64n) - 1n);
    expect(metadata['t.i64_neg']).toBe(-5);
    expect(metadata['t.i64_big']).toBe(-(1n << 63n));
  });

  it('keys such as __proto__ and constructor are plain data', async () => {
    const bytes = new RawGguf().head(0, 3).kvU32('__proto__', 1).kvString('constructor', 'x').kvU32('toString', 2).bytes();
    const { metadata } = await readGgufHeader(bufferSource(bytes));
    expect(Object.keys(metadata)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(metadata.__proto__).toBe(1);
    expect(metadata['general.architecture']).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('invalid UTF-8 in a string value is replaced by default and refused with invalidUtf8: error', async () => {
    const bytes = new RawGguf().head(0, 1).str('k').u32(T.string).str(Uint8Array.of(0x61, 0xff)).bytes();
    const { metadata } = await readGgufHeader(bufferSource(bytes));
    expect(metadata.k).toBe('a\ufffd');
    await expect(readGgufHeader(bufferSource(bytes), { invalidUtf8: 'error' })).rejects.toMatchObject({ code: 'BAD_UTF8', offset: 45, key: 'k' });
  });
});

interface Row {
  readonly name: string;
  readonly build: () => { bytes: Uint8Array; offset: number };
  readonly code: GgufErrorCode;
  readonly key?: string;
  readonly tensor?: string;
  readonly options?: ReadGgufOptions;
}

/** A header with one u32 key, cut `cut` bytes before its end. */
const rows: Row[] = [
  {
    name: 'truncated inside a key',
    build: () => ({ bytes: new RawGguf().head(0, 1).str('general.architecture').bytes().subarray(0, 36), offset: 32 }),
    code: 'TRUNCATED',
  },
  {
    name: 'truncated inside a value',
    build: () => {
      const b = new RawGguf().head(0, 1).str('k').u32(T.u32);
      const offset = b.length;
      return { bytes: b.u32(7).bytes().subarray(0, offset + 2), offset };
    },
    code: 'TRUNCATED',
    key: 'k',
  },
  { name: 'empty file', build: () => ({ bytes: new Uint8Array(0), offset: 0 }), code: 'TRUNCATED' },
  { name: 'truncated magic', build: () => ({ bytes: Uint8Array.of(0x47, 0x47), offset: 0 }), code: 'TRUNCATED' },
  { name: 'GGML magic', build: () => ({ bytes: new TextEncoder().encode('ggjt\x03\x00\x00\x00'), offset: 0 }), code: 'BAD_MAGIC' },
  { name: 'an HTML page', build: () => ({ bytes: new TextEncoder().encode('<!DOCTYPE html><html>'), offset: 0 }), code: 'BAD_MAGIC' },
  { name: 'version 1', build: () => ({ bytes: new RawGguf().head(0, 0, 1).bytes(), offset: 4 }), code: 'UNSUPPORTED_VERSION' },
  { name: 'version 4', build: () => ({ bytes: new RawGguf().head(0, 0, 4).bytes(), offset: 4 }), code: 'UNSUPPORTED_VERSION' },
  { name: 'big-endian v3', build: () => ({ bytes: new RawGguf().head(0, 0, 0x03000000).bytes(), offset: 4 }), code: 'UNSUPPORTED_VERSION' },
  { name: 'tensor count over the limit', build: () => ({ bytes: new RawGguf().head(DEFAULT_GGUF_LIMITS.maxTensorCount + 1, 0).bytes(), offset: 8 }), code: 'TOO_MANY_TENSORS' },
  { name: 'tensor count 2^64-1', build: () => ({ bytes: new RawGguf().head((1n << 64n) - 1n, 0).bytes(), offset: 8 }), code: 'TOO_MANY_TENSORS' },
  { name: 'kv count over the limit', build: () => ({ bytes: new RawGguf().head(0, DEFAULT_GGUF_LIMITS.maxKvCount + 1).bytes(), offset: 16 }), code: 'TOO_MANY_KV' },
  { name: 'empty key', build: () => ({ bytes: new RawGguf().head(0, 1).str('').u32(T.u8).u8(0).bytes(), offset: 24 }), code: 'EMPTY_KEY' },
  {
    name: 'duplicate key',
    build: () => {
      const b = new RawGguf().head(0, 2).kvU32('a.b', 1);
      const offset = b.length;
      return { bytes: b.kvU32('a.b', 2).bytes(), offset };
    },
    code: 'DUPLICATE_KEY',
    key: 'a.b',
  },
  { name: 'value type 13', build: () => ({ bytes: new RawGguf().head(0, 1).str('k').u32(13).u32(0).bytes(), offset: 33 }), code: 'UNKNOWN_VALUE_TYPE', key: 'k' },
  { name: 'array item type 99', build: () => ({ bytes: new RawGguf().head(0, 1).str('k').u32(T.array).u32(99).u64(0).bytes(), offset: 37 }), code: 'UNKNOWN_VALUE_TYPE', key: 'k' },
  {
    name: 'array longer than the limit',
    build: () => ({ bytes: new RawGguf().head(0, 1).str('k').u32(T.array).u32(T.u8).u64(DEFAULT_GGUF_LIMITS.maxArrayLength + 1).bytes(), offset: 41 }),
    code: 'ARRAY_TOO_LONG',
    key: 'k',
  },
  {
    name: 'array length past the end of the file',
    build: () => ({ bytes: new RawGguf().head(0, 1).str('k').u32(T.array).u32(T.u64).u64(1000).u64(1).bytes(), offset: 49 }),
    code: 'TRUNCATED',
    key: 'k',
  },
  {
    name: 'array of arrays (llama.cpp refuses them)',
    build: () => ({ bytes: new RawGguf().head(0, 1).str('k').u32(T.array).u32(T.array).u64(1).u32(T.u8).u64(0).bytes(), offset: 37 }),
    code: 'ARRAY_TOO_DEEP',
    key: 'k',
  },
  {
    name: 'string value longer than the limit',
    build: () => ({ bytes: new RawGguf().head(0, 1).str('k').u32(T.string).u64(DEFAULT_GGUF_LIMITS.maxStringBytes + 1).bytes(), offset: 37 }),
    code: 'STRING_TOO_LONG',
    key: 'k',
  },
  { name: 'key length 2^64-1', build: () => ({ bytes: new RawGguf().head(0, 1).u64((1n << 64n) - 1n).bytes(), offset: 24 }), code: 'STRING_TOO_LONG' },
  {
    name: 'tensor name of 64 bytes (GGML_MAX_NAME)',
    build: () => ({ bytes: new RawGguf().head(1, 0).tensor('x'.repeat(64), [32], 0, 0).bytes(), offset: 24 }),
    code: 'STRING_TOO_LONG',
  },
  { name: 'key not UTF-8', build: () => ({ bytes: new RawGguf().head(0, 1).str(Uint8Array.of(0xc3, 0x28)).u32(T.u8).u8(1).bytes(), offset: 32 }), code: 'BAD_UTF8' },
  {
    name: 'general.alignment as a u64',
    build: () => ({ bytes: new RawGguf().head(0, 1).str('general.alignment').u32(T.u64).u64(32).bytes(), offset: 49 }),
    code: 'BAD_ALIGNMENT',
    key: 'general.alignment',
  },
  {
    name: 'general.alignment 48',
    build: () => ({ bytes: new RawGguf().head(0, 1).kvU32('general.alignment', 48).bytes(), offset: 53 }),
    code: 'BAD_ALIGNMENT',
    key: 'general.alignment',
  },
  {
    name: 'general.alignment 0',
    build: () => ({ bytes: new RawGguf().head(0, 1).kvU32('general.alignment', 0).bytes(), offset: 53 }),
    code: 'BAD_ALIGNMENT',
    key: 'general.alignment',
  },
  {
    name: 'duplicate tensor name',
    build: () => {
      const b = new RawGguf().head(2, 0).tensor('w', [32], 0, 0);
      const offset = b.length;
      return { bytes: b.tensor('w', [32], 0, 128).padTo(32).zeros(256).bytes(), offset };
    },
    code: 'DUPLICATE_TENSOR',
    tensor: 'w',
  },
  { name: '5 dimensions', build: () => ({ bytes: new RawGguf().head(1, 0).tensor('w', [1, 1, 1, 1, 1], 0, 0).bytes(), offset: 33 }), code: 'BAD_NDIMS', tensor: 'w' },
  { name: 'dimension over 2^32', build: () => ({ bytes: new RawGguf().head(1, 0).tensor('w', [1, 2 ** 32 + 1], 0, 0).bytes(), offset: 45 }), code: 'BAD_DIM', tensor: 'w' },
  {
    name: 'more than 2^53 elements',
    build: () => ({ bytes: new RawGguf().head(1, 0).tensor('w', [2 ** 32, 2 ** 32], 0, 0).bytes(), offset: 37 }),
    code: 'BAD_DIM',
    tensor: 'w',
  },
  { name: 'ne0 not a multiple of the block size', build: () => ({ bytes: new RawGguf().head(1, 0).tensor('w', [100], 12, 0).bytes(), offset: 37 }), code: 'BAD_DIM', tensor: 'w' },
  { name: 'removed ggml type 4 (Q4_2)', build: () => ({ bytes: new RawGguf().head(1, 0).tensor('w', [32], 4, 0).bytes(), offset: 45 }), code: 'UNKNOWN_TENSOR_TYPE', tensor: 'w' },
  { name: 'ggml type 2^32-1', build: () => ({ bytes: new RawGguf().head(1, 0).tensor('w', [32], 0xffffffff, 0).bytes(), offset: 45 }), code: 'UNKNOWN_TENSOR_TYPE', tensor: 'w' },
  {
    name: 'tensor offset not packed (llama.cpp: "has offset N, expected M")',
    build: () => {
      const b = new RawGguf().head(2, 0).tensor('a', [32], 0, 0);
      const offset = b.length + 8 + 1 + 4 + 8 + 4;
      return { bytes: b.tensor('b', [32], 0, 256).padTo(32).zeros(512).bytes(), offset };
    },
    code: 'BAD_TENSOR_OFFSET',
    tensor: 'b',
  },
  {
    name: 'tensor offset not aligned (packing not required)',
    build: () => ({ bytes: new RawGguf().head(1, 0).tensor('a', [32], 0, 4).padTo(32).zeros(256).bytes(), offset: 49 }),
    code: 'BAD_TENSOR_OFFSET',
    tensor: 'a',
    options: { limits: { requirePackedTensors: false } },
  },
  {
    name: 'tensor data past the end of the file',
    build: () => ({ bytes: new RawGguf().head(1, 0).tensor('a', [32, 2], 0, 0).padTo(32).zeros(255).bytes(), offset: 57 }),
    code: 'TENSOR_OUT_OF_FILE',
    tensor: 'a',
  },
  {
    name: 'tensor offset 2^64-1 (packing not required)',
    build: () => ({ bytes: new RawGguf().head(1, 0).tensor('a', [32], 0, 2n ** 64n - 32n).padTo(32).zeros(128).bytes(), offset: 49 }),
    code: 'TENSOR_OUT_OF_FILE',
    tensor: 'a',
    options: { limits: { requirePackedTensors: false } },
  },
  {
    name: 'file ends before the data section',
    build: () => ({ bytes: new RawGguf().head(1, 0).tensor('a', [0], 0, 0).bytes(), offset: 57 }),
    code: 'TRUNCATED',
  },
  {
    name: 'header larger than maxHeaderBytes',
    build: () => ({ bytes: new RawGguf().head(0, 1).kvString('k', 'x'.repeat(200)).bytes(), offset: 45 }),
    code: 'HEADER_TOO_LARGE',
    key: 'k',
    options: { limits: { maxHeaderBytes: 128 } },
  },
];

describe('every check is a GgufError with its code, byte offset and key', () => {
  it.each(rows)('$name → $code', async ({ build, code, key, tensor, options }) => {
    const { bytes, offset } = build();
    const error = await readGgufHeader(bufferSource(bytes, 'crafted.gguf'), options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GgufError);
    const e = error as GgufError;
    expect({ code: e.code, offset: e.offset, key: e.key, tensor: e.tensor }).toEqual({ code, offset, key, tensor });
    expect(e.message).toMatch(/^cannot read the GGUF header of crafted\.gguf: .+ \(offset \d+(, (key|tensor) .+)?\)\. \S.+$/);
    expect(e).toBeInstanceOf(GgufReadError);
  });

  it('covers every parser error code', () => {
    const parserCodes: GgufErrorCode[] = [
      'TRUNCATED',
      'HEADER_TOO_LARGE',
      'BAD_MAGIC',
      'UNSUPPORTED_VERSION',
      'TOO_MANY_KV',
      'TOO_MANY_TENSORS',
      'EMPTY_KEY',
      'DUPLICATE_KEY',
      'UNKNOWN_VALUE_TYPE',
      'ARRAY_TOO_LONG',
      'ARRAY_TOO_DEEP',
      'STRING_TOO_LONG',
      'BAD_UTF8',
      'BAD_ALIGNMENT',
      'DUPLICATE_TENSOR',
      'BAD_NDIMS',
      'BAD_DIM',
      'UNKNOWN_TENSOR_TYPE',
      'BAD_TENSOR_OFFSET',
      'TENSOR_OUT_OF_FILE',
    ];
    expect(new Set(rows.map((r) => r.code))).toEqual(new Set(parserCodes));
  });

  it('a total over maxTotalArrayElements is ARRAY_TOO_LONG', async () => {
    const bytes = new RawGguf().head(0, 2).str('a').u32(T.array).u32(T.u8).u64(3).raw([1, 2, 3]).str('b').u32(T.array).u32(T.u8).u64(3).raw([1, 2, 3]).bytes();
    await expect(readGgufHeader(bufferSource(bytes), { limits: { maxTotalArrayElements: 5 } })).rejects.toMatchObject({ code: 'ARRAY_TOO_LONG', key: 'b' });
  });

  it('BAD_MAGIC says what the file really is', async () => {
    const html = readGgufHeader(bufferSource(new TextEncoder().encode('<!DOCTYPE html>'), 'x.gguf'));
    await expect(html).rejects.toThrow(/HTML/);
    const lfs = readGgufHeader(bufferSource(new TextEncoder().encode('version https://git-lfs.github.com/spec/v1\n'), 'x.gguf'));
    await expect(lfs).rejects.toThrow(/Git LFS pointer/);
  });
});

describe('local files', () => {
  it('a missing file is GGUF_UNREADABLE naming the path (the CLI prints the code)', async () => {
    const file = path.join(dir, 'nope.gguf');
    await expect(readGgufHeader(file)).rejects.toMatchObject({ code: 'GGUF_UNREADABLE', message: expect.stringContaining(file) });
  });

  it('a directory is GGUF_UNREADABLE', async () => {
    const sub = path.join(dir, 'a-dir.gguf');
    await mkdir(sub, { recursive: true });
    await expect(readGgufHeader(sub)).rejects.toMatchObject({ code: 'GGUF_UNREADABLE' });
  });

  it.runIf(process.platform !== 'win32')('a FIFO is refused at once instead of blocking', async () => {
    const fifo = path.join(dir, 'fifo.gguf');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    await expect(readGgufHeader(fifo)).rejects.toMatchObject({ code: 'GGUF_UNREADABLE' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('file: URLs are local paths', async () => {
    const file = path.join(dir, 'url.gguf');
    await writeFile(file, synthFile(SAMPLES.tensors ?? { metadata: [], tensors: [] }).bytes);
    const header = await readGgufHeader(new URL(`file://${file}`));
    expect(header.tensors).toHaveLength(9);
  });
});

/** Wraps a source and records every read. */
function counting(inner: ByteSource): ByteSource & { reads: Array<[number, number]>; highest: () => number; total: () => number } {
  const reads: Array<[number, number]> = [];
  return {
    name: inner.name,
    get size() {
      return inner.size;
    },
    reads,
    highest: () => Math.max(0, ...reads.map(([offset, length]) => offset + length)),
    total: () => reads.reduce((sum, [, length]) => sum + length, 0),
    async read(offset, length) {
      const bytes = await inner.read(offset, length);
      reads.push([offset, bytes.length]);
      return bytes;
    },
  };
}

/** A source with a real header followed by `dataBytes` of (virtual) tensor data that must never be read. */
function bigFile(dataBytes: number): { source: ByteSource; dataStart: number; infoEnd: number } {
  const { bytes, dataStart } = synthFile(SAMPLES.everything ?? { metadata: [], tensors: [] });
  const size = dataStart + dataBytes;
  return {
    dataStart,
    infoEnd: dataStart,
    source: {
      name: 'big.gguf',
      size,
      read(offset, length) {
        const end = Math.min(offset + length, size);
        const out = new Uint8Array(Math.max(0, end - offset));
        out.set(bytes.subarray(offset, Math.min(end, bytes.length)));
        return Promise.resolve(out);
      },
    },
  };
}

describe('reads stop at the header and at the byte cap', () => {
  it('with readAheadBytes: 0 nothing at or past the data section is read', async () => {
    const { source, dataStart } = bigFile(2 ** 40);
    const spy = counting(source);
    const header = await readGgufHeader(spy, { readAheadBytes: 0 });
    expect(header.tensors).toHaveLength(9);
    expect(spy.highest()).toBeLessThanOrEqual(dataStart);
    expect(header.bytesRead).toBe(spy.total());
  });

  it('with the default read-ahead, at most 256 KiB past the header of a 1 TiB file', async () => {
    const { source, dataStart } = bigFile(2 ** 40);
    const spy = counting(source);
    const header: GgufHeader = await readGgufHeader(spy);
    expect(header.fileSize).toBe(dataStart + 2 ** 40);
    expect(spy.highest()).toBeLessThanOrEqual(dataStart + 256 * 1024);
    expect(spy.reads).toHaveLength(1);
  });

  it('a header-only 4 GiB file on disk costs one read', async () => {
    const file = path.join(dir, 'sparse.gguf');
    await writeGguf(file, { metadata: [['general.architecture', { type: 'string', value: 'llama' }]], tensors: [{ name: 'w', dims: [2 ** 14, 2 ** 16], type: 'f32' }], mode: 'header-only' });
    const header = await readGgufHeader(file);
    expect(header.fileSize).toBeGreaterThan(2 ** 32);
    expect(header.bytesRead).toBeLessThanOrEqual(256 * 1024);
  });

  it('never asks the source for bytes past maxHeaderBytes', async () => {
    const bytes = new RawGguf().head(0, 2).kvString('a', 'x'.repeat(5000)).kvString('b', 'y'.repeat(5000)).bytes();
    const spy = counting(bufferSource(bytes));
    await expect(readGgufHeader(spy, { limits: { maxHeaderBytes: 6000 } })).rejects.toMatchObject({ code: 'HEADER_TOO_LARGE', key: 'b' });
    expect(spy.highest()).toBeLessThanOrEqual(6000);
  });

  it('a lying source that returns more than asked is clipped', async () => {
    const { bytes } = synthFile(SAMPLES.scalars ?? { metadata: [], tensors: [] });
    const greedy: ByteSource = { name: 'greedy', size: undefined, read: (offset) => Promise.resolve(bytes.subarray(offset)) };
    const header = await readGgufHeader(greedy, { readAheadBytes: 0 });
    expect(header.metadata['t.u8']).toBe(255);
  });

  it('a source that throws a plain error becomes GGUF_UNREADABLE', async () => {
    const broken: ByteSource = { name: 'broken', size: undefined, read: () => Promise.reject(new Error('EIO')) };
    await expect(readGgufHeader(broken)).rejects.toMatchObject({ code: 'GGUF_UNREADABLE', message: expect.stringContaining('EIO') });
  });
});

describe('limits', () => {
  it('are at least as strict as @huggingface/gguf 0.4.6 and within llama.cpp', () => {
    const hf = { maxHeaderBytes: 50e6, maxKvCount: 1e5, maxTensorCount: 1e7, maxArrayLength: 1e6, maxStringBytes: 1e7, maxDims: 8, maxDim: 2 ** 32, maxArrayNesting: 3 };
    for (const [name, value] of Object.entries(hf)) expect(DEFAULT_GGUF_LIMITS[name as keyof typeof hf], name).toBeLessThanOrEqual(value);
    expect(DEFAULT_GGUF_LIMITS.maxDims).toBe(4); // GGML_MAX_DIMS
    expect(DEFAULT_GGUF_LIMITS.maxTensorNameBytes).toBe(63); // GGML_MAX_NAME - 1
  });

  it('bad overrides are programmer errors', () => {
    expect(() => resolveGgufLimits({ maxKvCount: -1 })).toThrow(RangeError);
    expect(() => resolveGgufLimits({ maxDim: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });

  it('metadata values keep the MetadataValue shape', async () => {
    const { bytes } = synthFile(SAMPLES.arrays ?? { metadata: [], tensors: [] });
    const { metadata } = await readGgufHeader(bufferSource(bytes));
    const check = (v: MetadataValue): boolean => (Array.isArray(v) ? v.every(check) : ['number', 'bigint', 'string', 'boolean'].includes(typeof v));
    expect(Object.values(metadata).every(check)).toBe(true);
  });
});
