import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { main } from 'arch-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixture } from '../fixtures/define-fixture.js';
import { exaone4_1_2b, exaone4_32b, gemma3n_e4b, llama4Scout } from '../fixtures/models/index.js';
import { captureIo } from '../helpers/capture-io.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
let dir = '';
const file = (name: string) => path.join(dir, `${name}.gguf`);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-inspect-'));
  await writeFixture(exaone4_32b, file('exaone4-32b'));
  await writeFixture(exaone4_1_2b, file('exaone4-1.2b'));
  await writeFixture(llama4Scout, file('llama4-scout'));
  await writeFixture(gemma3n_e4b, file('gemma-3n-e4b'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function inspectJson(...args: string[]) {
  const io = captureIo();
  const status = await main(['inspect', ...args, '--json'], io);
  return { status, report: JSON.parse(io.out()) as Record<string, unknown> & { layers: { index: number; kind: string; window: number | null; rope: boolean; ownsKv: boolean; kvSource: number | null }[]; decisions: { backend: string; ok: boolean; flashAttention: boolean; cacheTypeK: string; cacheTypeV: string }[] }, err: io.err() };
}

describe('arch-registry inspect', () => {
  it('exaone4 32B header: 64 layers, 48 SWA with window 4096, the 4th of each group full', async () => {
    const { status, report } = await inspectJson(file('exaone4-32b'), '-ctk', 'q8_0', '-ctv', 'q8_0');
    expect(status).toBe(0);
    expect(report.arch).toBe('exaone4');
    expect(report.layers).toHaveLength(64);
    const swa = report.layers.filter((l) => l.kind === 'swa');
    expect(swa).toHaveLength(48);
    expect(swa.every((l) => l.window === 4096)).toBe(true);
    // set_swa_pattern(4): the last layer of each group of 4 is dense.
    expect(report.layers.filter((l) => l.kind === 'full').map((l) => l.index)).toEqual(Array.from({ length: 16 }, (_, g) => 4 * g + 3));
  });

  it('exaone4 32B: FA on and q8_0/q8_0 legal on cpu, cuda, metal and vulkan', async () => {
    const { report } = await inspectJson(file('exaone4-32b'), '-ctk', 'q8_0', '-ctv', 'q8_0');
    expect(report.decisions.map(({ backend, ok, flashAttention, cacheTypeK, cacheTypeV }) => ({ backend, ok, flashAttention, cacheTypeK, cacheTypeV }))).toEqual(
      ['cpu', 'cuda', 'metal', 'vulkan'].map((backend) => ({ backend, ok: true, flashAttention: true, cacheTypeK: 'q8_0', cacheTypeV: 'q8_0' })),
    );
  });

  it('llama4 Scout header: 48 layers, 36 chunked with window 8192, the 4th of each group full and NoPE', async () => {
    const { status, report } = await inspectJson(file('llama4-scout'));
    expect(status).toBe(0);
    expect(report.arch).toBe('llama4');
    expect(report.memory).toBe('iswa');
    expect(report.layers).toHaveLength(48);
    // set_swa_pattern(4) dense-last: il % 4 == 3 is full (12 layers), the other 36 chunked.
    const full = Array.from({ length: 12 }, (_, g) => 4 * g + 3);
    expect(report.layers.filter((l) => l.kind === 'full').map((l) => l.index)).toEqual(full);
    const chunked = report.layers.filter((l) => l.kind === 'chunked');
    expect(chunked).toHaveLength(36);
    expect(chunked.every((l) => l.window === 8192)).toBe(true);
    // n_no_rope_layer_step 4: (il + 1) % 4 == 0 skips RoPE, the same layers as the full ones here.
    expect(report.layers.filter((l) => !l.rope).map((l) => l.index)).toEqual(full);
    expect(report.layerCounts).toEqual({ chunked: 36, full: 12 });
  });

  it('llama4 Scout human table: a RoPE column with NoPE on layer 3', async () => {
    const io = captureIo();
    expect(await main(['inspect', file('llama4-scout')], io)).toBe(0);
    expect(io.out()).toMatch(/layers\s+48: 36 chunked, 12 full/);
    expect(io.out()).toMatch(/\n3\s+full\s+40\s+8\s+128\s+128\s+-\s+yes\s+NoPE\n/);
    expect(io.out()).toMatch(/\n0\s+chunked\s+40\s+8\s+128\s+128\s+8192\s+yes\s+yes\n/);
  });

  it('exaone4 1.2B header: 30 layers, no SWA', async () => {
    const { status, report } = await inspectJson(file('exaone4-1.2b'));
    expect(status).toBe(0);
    expect(report.layers).toHaveLength(30);
    expect(report.layers.every((l) => l.kind === 'full')).toBe(true);
    expect(report.memory).toBe('kv');
  });

  it('prints the design.md JSON fields for layers', async () => {
    const { report } = await inspectJson(file('exaone4-32b'));
    expect(Object.keys(report.layers[0] ?? {})).toEqual(expect.arrayContaining(['index', 'kind', 'headCount', 'headCountKv', 'headDimK', 'headDimV']));
    expect(report.hparams).toMatchObject({ blockCount: 64, nEmbd: 5120, headDimK: 128 });
  });

  it('a missing file is a clear error with status 1', async () => {
    const io = captureIo();
    const status = await main(['inspect', path.join(dir, 'nope.gguf')], io);
    expect(status).toBe(1);
    expect(io.err()).toMatch(/GGUF_UNREADABLE.*nope\.gguf/);
  });

  it('a bad flag value is a usage error with status 2 that lists the choices', async () => {
    const io = captureIo();
    const status = await main(['inspect', file('exaone4-32b'), '-ctk', 'q8'], io);
    expect(status).toBe(2);
    expect(io.err()).toContain('q8_0');
  });

  it('runs through the installed bin (npx arch-registry) with the human table', async () => {
    const { stdout } = await run('npx', ['arch-registry', 'inspect', file('exaone4-32b')], { cwd: root, timeout: 60_000 });
    expect(stdout).toMatch(/arch\s+exaone4/);
    expect(stdout).toMatch(/layers\s+64: 48 swa, 16 full/);
    expect(stdout).toMatch(/cuda: FA on, K f16, V f16/);
  });

  it('gemma-3n E4B: 35 layers, every 5th full; layers 20-34 own no K/V and reuse layer 18 (SWA) or 19 (full)', async () => {
    const { status, report } = await inspectJson(file('gemma-3n-e4b'));
    expect(status).toBe(0);
    // set_swa_pattern(5) (the GGUF's bool array is ignored): il % 5 == 4 is full; n_layer_kv_from_start = 20;
    // create_memory's reuse: start - 2 = 18 for SWA layers, start - 1 = 19 for full ones.
    const expected = Array.from({ length: 35 }, (_, il) => {
      const kind = il % 5 === 4 ? 'full' : 'swa';
      return { index: il, kind, window: kind === 'swa' ? 512 : null, ownsKv: il < 20, kvSource: il < 20 ? null : kind === 'swa' ? 18 : 19 };
    });
    expect(report.layers.map(({ index, kind, window, ownsKv, kvSource }) => ({ index, kind, window, ownsKv, kvSource }))).toEqual(expected);
    // 18 and 19 are themselves the SWA and full layers whose cache is read.
    expect([report.layers[18]?.kind, report.layers[19]?.kind]).toEqual(['swa', 'full']);
  });

  it('gemma-3n E4B table: the sharing layers say which layer they reuse', async () => {
    const io = captureIo();
    expect(await main(['inspect', file('gemma-3n-e4b')], io)).toBe(0);
    const out = io.out();
    expect(out).toMatch(/layers\s+35: 28 swa, 7 full/);
    // The last two columns: own KV, RoPE (gemma3n ropes every layer).
    expect(out).toMatch(/^\s*19\s+full\b.*\byes\s+yes\s*$/m);
    expect(out).toMatch(/^\s*20\s+swa\b.*no: reuses 18\s+yes\s*$/m);
    expect(out).toMatch(/^\s*24\s+full\b.*no: reuses 19\s+yes\s*$/m);
  });
});
