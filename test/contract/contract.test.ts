import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ARCH_NAMES, type CacheType, type ResolvedModel, archTable, loadModel, planContext, planKvCache, planRecurrentState } from '@arch-registry/core';
import { sizeLineMib } from '@arch-registry/node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchFactHint, kvFactHint } from './fact-hints.js';
import { runArchInChild } from './run-child.js';
import type { ArchRun, ScenarioRun } from './run-types.js';
import { GENERATED_TOKENS } from './scenarios.js';

/**
 * Tolerances on log-probabilities (max |Δ log p| over every position and token of a 20-token run).
 * FA on vs off (both f16 caches): the CPU FA kernel rounds Q to f16 and accumulates in another order,
 * so scores differ by ~1e-3 relative; through two tiny layers that stays well under 0.02.
 * q8_0 vs f16: q8_0 stores K and V with 8-bit mantissas per 32-value block (error up to 1/254 of
 * the block max), roughly 10× the f16 error, hence 0.2.
 */
const FA_TOLERANCE = 0.02;
const Q8_TOLERANCE = 0.2;

const ONLY = process.env.ARCH;
const archs = ONLY === undefined ? ARCH_NAMES : ARCH_NAMES.filter((name) => ONLY.split(',').includes(name));

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-contract-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function maxLogProbDelta(a: readonly number[][], b: readonly number[][]): number {
  let worst = 0;
  a.forEach((row, position) => {
    row.forEach((value, token) => {
      const other = b[position]?.[token] ?? Number.NaN;
      if (Number.isFinite(value) && Number.isFinite(other)) worst = Math.max(worst, Math.abs(value - other));
    });
  });
  return worst;
}

describe.each(archs)('%s on node-llama-cpp 3.21.1 (llama.cpp v0.4.0, CPU)', (arch) => {
  let run: ArchRun;
  let model: ResolvedModel;
  const scenario = (id: string): ScenarioRun => {
    const found = run.scenarios.find((s) => s.id === id);
    if (found === undefined) throw new Error(`no scenario ${id}`);
    return found;
  };

  beforeAll(async () => {
    const started = performance.now();
    run = await runArchInChild(arch, dir, 240_000);
    model = await loadModel(run.file);
    const seconds = (performance.now() - started) / 1000;
    const scenarios = run.scenarios.map((s) => `${s.id} ${((s.ms ?? 0) / 1000).toFixed(1)}s`).join(', ');
    console.log(`contract ${arch}: ${seconds.toFixed(1)} s in all (${scenarios})`);
  }, 300_000);

  it('the runtime creates every context the dispatcher allows and refuses every one it refuses', () => {
    for (const s of run.scenarios) {
      const hint = dispatchFactHint(archTable[arch]);
      expect({ id: s.id, created: s.created }, `${s.id}: ${s.error ?? ''}\n${hint}`).toEqual({ id: s.id, created: s.dispatched.ok });
      if (!s.dispatched.ok) expect(s.report.refusals.map((r) => r.code), `${s.id}: ${s.error}\n${hint}`).toContain(s.dispatched.refusal);
    }
  });

  it('the runtime reports the decided flash-attention state and cache types', () => {
    for (const s of run.scenarios) {
      if (!s.dispatched.ok) continue;
      const { decision } = s.dispatched;
      const fa = s.report.flashAttention;
      const resolved = fa?.resolved ?? fa?.requested === 'enabled';
      expect({ id: s.id, fa: resolved }, dispatchFactHint(archTable[arch])).toEqual({ id: s.id, fa: decision.flashAttention });
      const caches = s.report.caches;
      // Recurrent-only models build no attention cache at all (llama_memory_recurrent alone).
      if (model.memory !== 'recurrent') expect(caches.length, s.id).toBeGreaterThan(0);
      for (const cache of caches) expect({ id: s.id, k: cache.kType, v: cache.vType }).toEqual({ id: s.id, k: decision.cacheTypeK, v: decision.cacheTypeV });
      if (s.sentOptions.flashAttention === 'auto') {
        // The runtime logs "enabling flash_attn since it is required for quantized V cache" exactly when the dispatcher says so.
        expect({ id: s.id, forced: fa?.forcedForQuantizedV }).toEqual({ id: s.id, forced: decision.reasons.includes('FA_ENABLED_FOR_QUANTIZED_V') });
      }
      expect(s.runtimeView, s.id).toEqual({
        flashAttention: s.sentOptions.flashAttention,
        kvCacheKeyType: decision.cacheTypeK.toUpperCase(),
        kvCacheValueType: decision.cacheTypeV.toUpperCase(),
      });
    }
  });

  it('context cells, KV cells, layers and bytes equal the planner for every scenario', () => {
    for (const s of run.scenarios) {
      if (!s.dispatched.ok) continue;
      const logged = s.report.context;
      expect(logged, s.id).toBeDefined();
      if (logged === undefined) continue;
      const context = planContext(model, { nCtx: logged.nCtx, nSeq: logged.nSeqMax, nBatch: logged.nBatch, nUbatch: logged.nUbatch, kvUnified: logged.kvUnified, swaFull: false });
      expect({ id: s.id, nCtx: context.nCtx, nCtxSeq: context.cellsPerStream }, kvFactHint(archTable[arch])).toEqual({ id: s.id, nCtx: logged.nCtx, nCtxSeq: logged.nCtxSeq });
      const { decision } = s.dispatched;
      const kv = planKvCache(model, { cacheTypeK: decision.cacheTypeK as CacheType, cacheTypeV: decision.cacheTypeV as CacheType, vTransposed: decision.vTransposed }, context);
      const predicted = kv.caches.map((c) => ({ role: c.role, cells: c.cells, layers: c.layers, streams: context.streams, kMiB: sizeLineMib(c.kBytes), vMiB: sizeLineMib(c.vBytes) }));
      const reported = s.report.caches.map((c) => ({ role: c.role, cells: c.cells, layers: c.layers, streams: c.streams, kMiB: c.kMiB, vMiB: c.vMiB }));
      // Recurrent state (always f32): the runtime's llama_memory_recurrent line, when the model has any.
      const state = planRecurrentState(model, context);
      // One figure per arch for the record: q8_0 as dispatched, or f16 where the runtime refuses q8_0 V (FA forced off).
      const q8Refused = run.scenarios.find((other) => other.id === 'auto-q8_0')?.dispatched.ok === false;
      if (s.id === 'auto-q8_0' || (q8Refused && s.id === 'auto-f16')) {
        const runtime = s.report.caches.map((c) => `${c.role} ${c.cells} cells × ${c.layers} layers K ${c.kMiB} + V ${c.vMiB} MiB`).join('; ');
        const stateLine = state.layers === 0 ? '' : `; recurrent state predicted ${state.bytes} B (${state.cells} cells, R ${sizeLineMib(state.rBytes)} + S ${sizeLineMib(state.sBytes)} MiB), runtime ${s.report.recurrent === undefined ? 'none' : `${s.report.recurrent.cells} cells, R ${s.report.recurrent.rMiB} + S ${s.report.recurrent.sMiB} MiB`}`;
        console.log(`contract ${arch} ${s.id}: predicted ${kv.bytes} B (${kv.caches.map((c) => `${c.role} K ${sizeLineMib(c.kBytes)} + V ${sizeLineMib(c.vBytes)} MiB`).join('; ')}), runtime ${runtime || 'no attention cache'}${stateLine}`);
      }
      expect({ id: s.id, caches: reported }, kvFactHint(archTable[arch])).toEqual({ id: s.id, caches: predicted });
      const loggedState = s.report.recurrent === undefined ? undefined : { cells: s.report.recurrent.cells, rMiB: s.report.recurrent.rMiB, sMiB: s.report.recurrent.sMiB };
      expect({ id: s.id, state: loggedState }, kvFactHint(archTable[arch])).toEqual({
        id: s.id,
        state: state.layers === 0 ? undefined : { cells: state.cells, rMiB: sizeLineMib(state.rBytes), sMiB: sizeLineMib(state.sBytes) },
      });
    }
  });

  it(`evaluates a prompt and generates ${GENERATED_TOKENS} tokens with finite log-probabilities`, () => {
    const generating = run.scenarios.find((s) => s.generated !== undefined);
    expect(generating?.generated).toHaveLength(GENERATED_TOKENS);
    for (const s of run.scenarios) {
      if (s.logProbs === undefined) continue;
      expect(s.logProbs.length, s.id).toBeGreaterThanOrEqual(GENERATED_TOKENS);
      for (const row of s.logProbs) {
        const total = row.reduce((sum, lp) => sum + Math.exp(lp), 0);
        expect(Math.abs(total - 1), `${s.id}: probabilities sum to 1`).toBeLessThan(1e-3);
        expect(row.some((lp) => Number.isNaN(lp) || lp === Number.POSITIVE_INFINITY), s.id).toBe(false);
      }
    }
  });

  it(`flash attention on and off agree within ${FA_TOLERANCE} in log-probability (f16 cache)`, () => {
    const on = scenario('on-f16').logProbs;
    const off = scenario('off-f16').logProbs;
    expect(on && off).toBeTruthy();
    if (on && off) expect(maxLogProbDelta(on, off)).toBeLessThan(FA_TOLERANCE);
  });

  it('the log-probability comparison can fail: positions shifted by one differ by more than the tolerances', () => {
    const on = scenario('on-f16').logProbs ?? [];
    expect(maxLogProbDelta(on.slice(1), on.slice(0, -1))).toBeGreaterThan(Q8_TOLERANCE);
  });

  it(`a q8_0 cache agrees with f16 within ${Q8_TOLERANCE} in log-probability`, () => {
    const q8 = scenario('auto-q8_0');
    const f16 = scenario('on-f16').logProbs;
    if (!q8.dispatched.ok) {
      // Refused (e.g. FA forced off with a quantized V): the refusal test above covers it.
      expect(q8.created).toBe(false);
      return;
    }
    expect(q8.logProbs && f16).toBeTruthy();
    if (q8.logProbs && f16) expect(maxLogProbDelta(q8.logProbs, f16)).toBeLessThan(Q8_TOLERANCE);
  });
});
