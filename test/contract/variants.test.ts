import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadModel, planContext, planKvCache, type CacheType } from '@arch-registry/core';
import { sizeLineMib } from '@arch-registry/node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArchInChild } from './run-child.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-variants-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Variant {
  readonly name: string;
  readonly arch: string;
  /** Metadata overrides on the contract model. */
  readonly hparams: Readonly<Record<string, unknown>>;
  /** Optional tensors written in place of the default form. */
  readonly use?: readonly string[];
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
];

describe.each(VARIANTS)('$name', ({ arch, hparams, use }) => {
  it('every created context logs the cells, layers and bytes the planner predicts', async () => {
    const work = path.join(dir, `${arch}-${[...Object.keys(hparams), ...(use ?? [])].join('-').replace(/[^a-z_-]/g, '')}`);
    await mkdir(work, { recursive: true });
    const run = await runArchInChild(arch, work, 240_000, { hparams, ...(use === undefined ? {} : { useTensors: use }) });
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
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(6);
  }, 300_000);
});
