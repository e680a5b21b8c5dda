import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { COMMANDS, main } from 'arch-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixture } from '../fixtures/define-fixture.js';
import { llama31_8b } from '../fixtures/models/index.js';
import { captureIo } from '../helpers/capture-io.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-cli-'));
  await writeFixture(llama31_8b, path.join(dir, 'llama.gguf'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('every command has help with usage and examples', () => {
  it.each(Object.keys(COMMANDS))('%s --help', async (name) => {
    const io = captureIo();
    expect(await main([name, '--help'], io)).toBe(0);
    expect(io.out()).toMatch(new RegExp(`^Usage: arch-registry ${name}`));
    expect(io.out()).toContain('Examples:');
  });

  it('the overview lists every command', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(io.out()).toContain(`  ${name}`);
  });

  it('an unknown command exits 2 and lists the commands', async () => {
    const io = captureIo();
    expect(await main(['plna'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown command "plna".*plan/);
  });

  it('colours only when asked for: a non-TTY io prints no escape codes', async () => {
    const io = captureIo();
    await main(['plna'], io);
    expect(io.err()).not.toMatch(/\u001b\[/);
  });
});

describe('arch-registry list', () => {
  it('--json has every arch; grok keeps flash attention off everywhere (forced by the runtime)', async () => {
    const io = captureIo();
    expect(await main(['list', '--json'], io)).toBe(0);
    const rows = JSON.parse(io.out()) as { arch: string; backends: Record<string, { flashAttention: boolean; q8_0: boolean }> }[];
    expect(rows.map((row) => row.arch)).toContain('exaone4');
    const grok = rows.find((row) => row.arch === 'grok');
    expect(Object.values(grok?.backends ?? {}).every((entry) => !entry.flashAttention && !entry.q8_0)).toBe(true);
    const llama = rows.find((row) => row.arch === 'llama');
    expect(llama?.backends.cpu).toEqual({ flashAttention: true, q8_0: true });
  });
});

describe('arch-registry check', () => {
  it('passes on this checkout: every plugin valid, every generated file fresh', async () => {
    const io = captureIo();
    expect(await main(['check', '--json'], io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ ok: true, checks: [{ name: 'plugins', ok: true }, { name: 'generated files', ok: true }, { name: 'no interrupted change', ok: true }] });
  });
});

describe('arch-registry plan --chart', () => {
  it('writes an SVG with a line per cache type, the weights base and the budget', async () => {
    const chart = path.join(dir, 'chart.svg');
    const io = captureIo();
    expect(await main(['plan', path.join(dir, 'llama.gguf'), '--device', '8GiB', '--chart', chart], io)).toBe(0);
    const svg = await readFile(chart, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(3);
    expect(svg).toContain('budget 8.00 GiB');
    expect(svg).toMatch(/weights [\d.]+ GiB/);
    expect(svg.match(/<circle/g)?.length).toBe(3);
  });
});
