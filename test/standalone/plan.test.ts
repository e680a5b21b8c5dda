import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type InspectedModel, loadModel, maxContext, placeLayers, plan } from '@arch-registry/core';
import { main } from 'arch-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixture } from '../fixtures/define-fixture.js';
import { exaone4_32b, llama31_8b } from '../fixtures/models/index.js';
import { captureIo } from '../helpers/capture-io.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
let dir = '';
let exaone: InspectedModel;
let llama: InspectedModel;
const file = (name: string) => path.join(dir, `${name}.gguf`);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-plan-'));
  await writeFixture(exaone4_32b, file('exaone4-32b'));
  await writeFixture(llama31_8b, file('llama'));
  exaone = await loadModel(file('exaone4-32b'));
  llama = await loadModel(file('llama'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const f16 = { flashAttention: true, cacheTypeK: 'f16', cacheTypeV: 'f16', vTransposed: false } as const;

describe('placeLayers mirrors llama.cpp’s default split', () => {
  it.each([
    // 4 layers + output = 5 slots, -ngl 5, two equal devices: split points 0.5, 1 → slots 0,1,2 on device 0 (0/5, 1/5, 2/5 < 0.5), 3,4 on device 1
    { name: 'equal devices', blocks: 4, ngl: 5, devices: [8, 8], expect: ['d0', 'd0', 'd0', 'd1', 'd1'] },
    // -ngl 2: only the last two slots (layer 3 and the output layer) are offloaded
    { name: 'partial offload', blocks: 4, ngl: 2, devices: [8], expect: ['host', 'host', 'host', 'd0', 'd0'] },
    // 1:3 split: points 0.25, 1 → fractions 0, 0.2 on device 0, 0.4… on device 1
    { name: 'by free memory', blocks: 4, ngl: 5, devices: [4, 12], expect: ['d0', 'd0', 'd1', 'd1', 'd1'] },
    { name: 'no devices', blocks: 4, ngl: 5, devices: [], expect: ['host', 'host', 'host', 'host', 'host'] },
  ])('$name', ({ blocks, ngl, devices, expect: want }) => {
    const placements = placeLayers(blocks, ngl, devices.map((gib, index) => ({ name: `d${index}`, bytes: gib * GiB })));
    expect(placements.map((p) => (p.kind === 'host' ? 'host' : `d${p.index}`))).toEqual(want);
  });
});

describe('plan', () => {
  it('weights are the sum of the tensor sizes; on CPU everything is host memory', () => {
    const result = plan(exaone, f16, { nCtx: 8192 });
    const sum = exaone.tensors.reduce((total, tensor) => total + Number(tensor.shape.reduce((a, b) => a * b, 1)), 0);
    expect(sum).toBeGreaterThan(30e9); // 32B parameters
    expect(result.devices).toHaveLength(1);
    expect(result.devices[0]?.weights).toBe(result.weights.bytes);
    expect(result.totalBytes).toBe(result.weights.bytes + result.kv.bytes + result.compute.bytes + result.output.bytes);
  });

  it('output buffer: n_vocab × n_seq f32 logits (102400 × 4 × 2)', () => {
    expect(plan(exaone, f16, { nCtx: 8192, nSeq: 2 }).output.bytes).toBe(102400 * 4 * 2);
  });

  it('KV follows each layer to its device', () => {
    const result = plan(exaone, f16, { nCtx: 8192, devices: [{ name: 'a', bytes: 12 * GiB }, { name: 'b', bytes: 24 * GiB }] });
    const kvOnDevices = result.devices.slice(1).reduce((sum, use) => sum + use.kv, 0);
    expect(kvOnDevices).toBe(result.kv.bytes);
    expect(result.devices[0]?.kv).toBe(0);
  });
});

describe('maxContext', () => {
  it.each([
    { name: 'llama 8B f16 on a 6 GiB device', model: () => llama, devices: [6] },
    { name: 'exaone4 32B f16 on 12 + 12 GiB', model: () => exaone, devices: [12, 12] },
  ])('$name: the answer fits and 256 more tokens do not', ({ model, devices }) => {
    const request = { devices: devices.map((gib, index) => ({ name: `device ${index}`, bytes: gib * GiB })) };
    const max = maxContext(model(), f16, request);
    expect(max.tokens).toBeGreaterThan(0);
    expect(max.tokens % 256).toBe(0);
    const fits = (nCtx: number) => plan(model(), f16, { ...request, nCtx }).devices.every((use) => use.capacity === undefined || use.total <= use.capacity);
    expect(fits(max.tokens)).toBe(true);
    expect(fits(max.tokens + 256)).toBe(false);
    expect(max.bindingConstraint).toMatch(/^device \d$/);
  });

  it('stops at the training context when memory is plentiful', () => {
    const max = maxContext(llama, f16, { devices: [{ name: 'big', bytes: 80 * GiB }] });
    expect(max).toMatchObject({ tokens: 131072, bindingConstraint: 'train-context' });
  });
});

describe('arch-registry plan', () => {
  it('EXAONE 4.0 32B on 12 GiB + 24 GiB: 48 of 64 layers sliding-window with 4,608 cells, per-device memory, largest context per cache type', async () => {
    const io = captureIo();
    const status = await main(['plan', file('exaone4-32b'), '--device', '12GiB', '--device', '24GiB'], io);
    expect(status).toBe(0);
    const text = io.out();
    expect(text).toContain('48 of 64 layers are sliding-window (window 4,096, 4,608 cells each)');
    expect(text).toMatch(/device 0\s+12\.00 GiB/);
    expect(text).toMatch(/device 1\s+24\.00 GiB/);
    expect(text).toMatch(/f16: [\d,]+ tokens fit/);
    expect(text).toMatch(/q8_0: [\d,]+ tokens fit/);
  });

  it('--json carries the design.md fields, with exact KV bytes: 16 layers × 131072 + 48 × 4608 cells × 2048 B × 2', async () => {
    const io = captureIo();
    await main(['plan', file('exaone4-32b'), '--json'], io);
    const report = JSON.parse(io.out());
    expect(report.model.arch).toBe('exaone4');
    expect(report.decision).toMatchObject({ flashAttention: true, cacheTypeK: 'f16', cacheTypeV: 'f16' });
    expect(report.context).toMatchObject({ nCtx: 131072, cellsPerStream: 131072, streams: 1, swaCells: 4608 });
    expect(report.memory.kvCache.bytes).toBe((16 * 131072 + 48 * 4608) * 2048 * 2);
    expect(report.memory.kvCache.bytes).toBe(8 * GiB + 864 * MiB);
    expect(report.memory.recurrentState.bytes).toBe(0);
    expect(report.memory.totalBytes).toBe(report.memory.weights.bytes + report.memory.kvCache.bytes + report.memory.compute.bytes + report.memory.output.bytes);
  });

  it('q8_0 fits a longer context than f16 when memory binds', async () => {
    const io = captureIo();
    await main(['plan', file('llama'), '--device', '8GiB', '--json'], io);
    const byType = Object.fromEntries((JSON.parse(io.out()).byCacheType as { cacheType: string; tokens: number }[]).map((entry) => [entry.cacheType, entry.tokens]));
    expect(byType.q8_0).toBeGreaterThan(byType.f16 ?? 0);
    expect(byType.q4_0).toBeGreaterThan(byType.q8_0 ?? 0);
  });

  it('a request the runtime refuses exits 2 with { error: { code, message } }', async () => {
    const io = captureIo();
    const status = await main(['plan', file('llama'), '-fa', 'off', '-ctv', 'q8_0', '--json'], io);
    expect(status).toBe(2);
    expect(JSON.parse(io.out())).toMatchObject({ error: { code: 'QUANTIZED_V_NEEDS_FA' } });
  });

  it('a bad size is a usage error naming the flag', async () => {
    const io = captureIo();
    expect(await main(['plan', file('llama'), '--device', 'lots'], io)).toBe(2);
    expect(io.err()).toContain('--device lots');
  });
});
