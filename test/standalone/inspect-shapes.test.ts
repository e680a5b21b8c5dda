/**
 * `inspect --json` and `plan --json` on the real-scale shape fixtures (header-only files): the layer
 * kinds and the KV / recurrent-state bytes are written out here from the published configs and
 * llama.cpp's rules, never taken from our own output.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { main } from 'arch-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelFixture, writeFixture } from '../fixtures/define-fixture.js';
import { SHAPE_FIXTURES } from '../fixtures/models/index.js';
import { captureIo } from '../helpers/capture-io.js';

type Kind = 'full' | 'swa' | 'recurrent';
const range = (n: number) => Array.from({ length: n }, (_, il) => il);
const F16 = 2;
const F32 = 4;
const UBATCH = 512;
/** llama_kv_cache_iswa: SWA cells = GGML_PAD(min(n_ctx, n_swa + n_ubatch), 256) for one sequence. */
const swaCells = (nCtx: number, window: number) => Math.ceil(Math.min(nCtx, window + UBATCH) / 256) * 256;
/** llama_hparams::n_embd_r / n_embd_s for Mamba-style layers: (d_conv−1)·(d_inner + 2·n_group·d_state) and d_state·d_inner floats. */
const mambaRowFloats = (dConv: number, dInner: number, nGroup: number, dState: number) => (dConv - 1) * (dInner + 2 * nGroup * dState) + dState * dInner;

interface ShapeCase {
  readonly name: string;
  /** Expected kind of every layer, and the window of SWA layers. */
  readonly kinds: readonly Kind[];
  readonly window?: number;
  /** -c for the plan check (f16 K/V, one sequence, FA on so V is not transposed). */
  readonly nCtx: number;
  readonly kvBytes: number;
  readonly stateBytes: number;
}

const CASES: readonly ShapeCase[] = [
  {
    // 42 layers; set_swa_pattern(2): even layers SWA (window 4096), odd layers global. 8 KV heads × 256.
    name: 'gemma-2-9b',
    kinds: range(42).map((il) => (il % 2 === 0 ? 'swa' : 'full')),
    window: 4096,
    nCtx: 32768,
    kvBytes: 21 * 32768 * (8 * 256 * 2) * F16 + 21 * swaCells(32768, 4096) * (8 * 256 * 2) * F16,
    stateBytes: 0,
  },
  {
    // sliding_window 2047 is in the file, but phi3 sets swa_type NONE: 32 global layers, 32 KV heads × 96.
    name: 'phi-3-mini-4k',
    kinds: range(32).map(() => 'full'),
    nCtx: 4096,
    kvBytes: 32 * 4096 * (32 * 96 * 2) * F16,
    stateBytes: 0,
  },
  {
    // OLMo 2 has no window: 32 global layers, 32 KV heads × 128.
    name: 'olmo-2-7b',
    kinds: range(32).map(() => 'full'),
    nCtx: 4096,
    kvBytes: 32 * 4096 * (32 * 128 * 2) * F16,
    stateBytes: 0,
  },
  {
    // OLMo 3: window 4096 on 3 layers of 4 (the 4th of each group global); 8 global + 24 SWA layers.
    name: 'olmo-3-7b',
    kinds: range(32).map((il) => ((il + 1) % 4 === 0 ? 'full' : 'swa')),
    window: 4096,
    nCtx: 32768,
    kvBytes: 8 * 32768 * (32 * 128 * 2) * F16 + 24 * swaCells(32768, 4096) * (32 * 128 * 2) * F16,
    stateBytes: 0,
  },
  {
    // Attention exactly where head_count_kv > 0 (full_attn_idxs [2, 5, 8, 10, 12, 14]); 10 conv layers keep n_embd·(l_cache−1) floats.
    name: 'lfm2-1.2b',
    kinds: range(16).map((il) => ([2, 5, 8, 10, 12, 14].includes(il) ? 'full' : 'recurrent')),
    nCtx: 4096,
    kvBytes: 6 * 4096 * (8 * 64 * 2) * F16,
    stateBytes: 10 * 2048 * (3 - 1) * F32,
  },
  {
    // full_attention_interval 4: layers 3, 7, …, 47 attend (12), 36 Gated DeltaNet layers (d_conv 4, d_inner 4096, 16 groups, d_state 128).
    name: 'qwen3-next-80b-a3b',
    kinds: range(48).map((il) => ((il + 1) % 4 === 0 ? 'full' : 'recurrent')),
    nCtx: 4096,
    kvBytes: 12 * 4096 * (2 * 256 * 2) * F16,
    stateBytes: 36 * mambaRowFloats(4, 4096, 16, 128) * F32,
  },
  {
    // Attention on layers 5, 15, 25, 35 (head_count_kv 4 × 128); 36 Mamba-2 layers (d_inner 3072, 1 group, d_state 128).
    name: 'granite-4.0-h-tiny',
    kinds: range(40).map((il) => ([5, 15, 25, 35].includes(il) ? 'full' : 'recurrent')),
    nCtx: 4096,
    kvBytes: 4 * 4096 * (4 * 128 * 2) * F16,
    stateBytes: 36 * mambaRowFloats(4, 3072, 1, 128) * F32,
  },
  {
    // Every one of 44 layers attends (2 KV heads × 128) and keeps Mamba-2 state (d_inner 3072, 1 group, d_state 256).
    name: 'falcon-h1-7b',
    kinds: range(44).map(() => 'full'),
    nCtx: 4096,
    kvBytes: 44 * 4096 * (2 * 128 * 2) * F16,
    stateBytes: 44 * mambaRowFloats(4, 3072, 1, 256) * F32,
  },
  {
    // 64 Mamba-2 layers (d_inner 5120, 1 group, d_state 128), no attention cache at all.
    name: 'mamba2-2.7b',
    kinds: range(64).map(() => 'recurrent'),
    nCtx: 4096,
    kvBytes: 0,
    stateBytes: 64 * mambaRowFloats(4, 5120, 1, 128) * F32,
  },
];

let dir = '';
const file = (name: string) => path.join(dir, `${name}.gguf`);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-shapes-'));
  for (const fixture of SHAPE_FIXTURES as readonly ModelFixture[]) await writeFixture(fixture, file(fixture.name));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function runJson<T>(...args: string[]): Promise<T> {
  const io = captureIo();
  const status = await main([...args, '--json'], io);
  expect(status, io.err()).toBe(0);
  return JSON.parse(io.out()) as T;
}

interface InspectJson {
  layers: { index: number; kind: string; window: number | null }[];
}
interface PlanJson {
  memory: { kvCache: { bytes: number }; recurrentState: { bytes: number } };
}

describe('shape fixtures: inspect layer kinds and plan bytes from the published configs', () => {
  it('covers every shape fixture', () => {
    expect(CASES.map((c) => c.name).sort()).toEqual(SHAPE_FIXTURES.map((f) => f.name).sort());
  });

  it.each(CASES)('$name: inspect --json reports each layer’s kind and window', async (c) => {
    const report = await runJson<InspectJson>('inspect', file(c.name));
    expect(report.layers.map((l) => l.kind)).toEqual(c.kinds);
    expect(report.layers.map((l) => l.window)).toEqual(c.kinds.map((kind) => (kind === 'swa' ? (c.window ?? null) : null)));
  });

  it('plan says which layers attend and which keep state (lfm2-1.2b: attention at 2, 5, 8, 10, 12, 14 of 16)', async () => {
    const io = captureIo();
    expect(await main(['plan', file('lfm2-1.2b'), '-c', '8192'], io)).toBe(0);
    expect(io.out()).toContain('layers    16 layers: 6 attention layers keep the whole context; 10 keep recurrent state (one row per sequence)');
  });

  it.each(CASES)('$name: plan --json KV and recurrent-state bytes equal the arithmetic', async (c) => {
    const report = await runJson<PlanJson>('plan', file(c.name), '-c', String(c.nCtx), '-fa', 'on', '-ctk', 'f16', '-ctv', 'f16', '-np', '1', '-ub', String(UBATCH));
    expect({ kv: report.memory.kvCache.bytes, state: report.memory.recurrentState.bytes }).toEqual({ kv: c.kvBytes, state: c.stateBytes });
  });
});
