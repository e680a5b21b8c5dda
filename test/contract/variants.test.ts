import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadModel, planContext, planKvCache, type CacheType } from '@arch-registry/core';
import { sizeLineMib } from '@arch-registry/node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArchInChild } from './run-child.js';
import type { Scenario } from './scenarios.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-variants-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** llama4's chunk is 8192 tokens: only a context above 8192 + n_ubatch leaves the chunked cache smaller than the full one. */
const LONG: readonly Scenario[] = [
  { id: 'long-f16', request: { flashAttention: 'auto', cacheTypeK: 'f16', cacheTypeV: 'f16' }, contextSize: 10240, sequences: 1, send: 'request' },
  { id: 'long-off-f16', request: { flashAttention: 'off', cacheTypeK: 'f16', cacheTypeV: 'f16' }, contextSize: 12288, sequences: 1, send: 'request' },
  { id: 'long-q8_0-2seq', request: { flashAttention: 'auto', cacheTypeK: 'q8_0', cacheTypeV: 'q8_0' }, contextSize: 10240, sequences: 2, send: 'request' },
];

interface Variant {
  readonly name: string;
  readonly arch: string;
  /** Metadata overrides on the contract model. */
  readonly hparams: Readonly<Record<string, unknown>>;
  /** Optional tensors written in place of the default form. */
  readonly use?: readonly string[];
  readonly scenarios?: readonly Scenario[];
  /** Cells per cache role from arithmetic, by scenario id, checked against the runtime's log. */
  readonly cells?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Contract models bent to a shape the default one does not reach; the KV rule must still hold. */
const VARIANTS: readonly Variant[] = [
  {
    name: 'deci at its smallest with an attention-free layer: a zero-width KV slot still counts, and V pads to the widest layer with FA off',
    arch: 'deci',
    hparams: { block_count: 2, feed_forward_length: 256, 'attention.head_count': [4, 0], 'attention.head_count_kv': [2, 0] },
  },
  {
    name: "deci with a fused attn_qkv on its KV-head layers in place of Q/K/V (create_tensor_qkv's other form), each as wide as the layer's n_head(i) and n_head_kv(i)",
    arch: 'deci',
    hparams: {},
    use: ['blk.{i}.attn_qkv.weight'],
  },
  {
    name: 'exaone4 with a trailing MTP layer (block_count 65, nextn 1): n_layer stays 64, so SWA applies, and the MTP layer keeps KV in the pinned runtime',
    arch: 'exaone4',
    hparams: { block_count: 65, nextn_predict_layers: 1 },
  },
  {
    name: 'lfm2 with sliding_window 128: every attention layer takes the window and the memory becomes hybrid-iSWA (an empty non-SWA cache beside the SWA one)',
    arch: 'lfm2',
    hparams: { 'attention.sliding_window': 128 },
    // n_ubatch 512: the SWA cache keeps pad256(min(2048, 128 + 512)) = 768 cells; the non-SWA cache keeps n_ctx but no layer.
    cells: { 'auto-q8_0': { 'non-swa': 2048, swa: 768 } },
  },
  {
    name: 'llama4 at 10-12k tokens: the chunked cache (3 layers) keeps pad256(min(n_ctx, 8192 + n_ubatch)) cells, fewer than the full cache (1 layer)',
    arch: 'llama4',
    hparams: { context_length: 32768 },
    scenarios: LONG,
    // n_ubatch 512: full = n_ctx; chunked = 8192 + 512 = 8704 (already a multiple of 256). With two
    // sequences node-llama-cpp keeps one stream per sequence (kv_unified false): the size line counts
    // cells per stream (n_ctx_seq 10240) and the chunk term is not multiplied by n_seq.
    cells: {
      'long-f16': { 'non-swa': 10240, swa: 8704 },
      'long-off-f16': { 'non-swa': 12288, swa: 8704 },
      'long-q8_0-2seq': { 'non-swa': 10240, swa: 8704 },
    },
  },
  // No sliding_window = 0 variant: the pinned runtime builds that context (one plain KV cache) but
  // aborts at the first decode (llm_graph_input_attn_temp::set_input asserts f_attn_temp_scale != 0,
  // which load_arch_hparams sets only on the chunked branch).
];

describe.each(VARIANTS)('$name', ({ arch, hparams, scenarios, cells, use }) => {
  it('every created context logs the cells, layers and bytes the planner predicts', async () => {
    const work = path.join(dir, `${arch}-${[...Object.keys(hparams), ...(use ?? [])].join('-').replace(/[^a-z_-]/g, '')}-${Object.values(hparams).join('-')}`);
    await mkdir(work, { recursive: true });
    const run = await runArchInChild(arch, work, 240_000, { hparams, ...(scenarios === undefined ? {} : { scenarios }), ...(use === undefined ? {} : { useTensors: use }) });
    const model = await loadModel(run.file);
    let compared = 0;
    for (const s of run.scenarios) {
      if (!s.dispatched.ok || s.report.context === undefined) continue;
      const logged = s.report.context;
      const context = planContext(model, { nCtx: logged.nCtx, nSeq: logged.nSeqMax, nBatch: logged.nBatch, nUbatch: logged.nUbatch, kvUnified: logged.kvUnified, swaFull: false });
      const { decision } = s.dispatched;
      const kv = planKvCache(model, { cacheTypeK: decision.cacheTypeK as CacheType, cacheTypeV: decision.cacheTypeV as CacheType, vTransposed: decision.vTransposed }, context);
      expect({ id: s.id, caches: s.report.caches.map((c) => ({ role: c.role, cells: c.cells, layers: c.layers, kMiB: c.kMiB, vMiB: c.vMiB })) }).toEqual({
        id: s.id,
        caches: kv.caches.map((c) => ({ role: c.role, cells: c.cells, layers: c.layers, kMiB: sizeLineMib(c.kBytes), vMiB: sizeLineMib(c.vBytes) })),
      });
      const show = (c: { role: string; cells: number; layers: number; kMiB: number; vMiB: number }) => `${c.role} ${c.cells} cells × ${c.layers} layers K ${c.kMiB} + V ${c.vMiB} MiB`;
      console.log(`${arch} ${s.id}: predicted ${kv.caches.map((c) => show({ ...c, kMiB: sizeLineMib(c.kBytes), vMiB: sizeLineMib(c.vBytes) })).join('; ')}; runtime ${s.report.caches.map(show).join('; ')}`);
      const expectedCells = cells?.[s.id];
      if (expectedCells !== undefined) expect(Object.fromEntries(s.report.caches.map((c) => [c.role, c.cells]))).toEqual(expectedCells);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(Math.min(6, scenarios?.length ?? 6));
  }, 300_000);
});
