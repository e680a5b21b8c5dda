import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type PlannedModel, loadModel, plan } from '@arch-registry/core';
import { type RuntimeReport, sizeLineMib } from '@arch-registry/node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixture } from '../fixtures/define-fixture.js';
import { MODEL_FIXTURES, SHAPE_FIXTURES } from '../fixtures/models/index.js';
import { type AccuracyCase, FULL_GRID, SHAPE_GRID, UBATCH, casesFor } from './cases.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const MiB = 1024 * 1024;
/**
 * KV is compared exactly (cells, layers, MiB lines). Totals (KV + compute) are held to 1% where the
 * compute is a closed form or replayed (everything but recurrent graphs and MLA without FA): most of
 * those rows match the simulation to the byte. Graphs the template covers (exaone4-1.2b, llama 8B,
 * qwen3 8B, qwen3-30b-a3b, gpt-oss-20b, exaone4-32b, gemma-3-27b, gemma-2-9b, phi-3-mini-4k,
 * llama-4-scout: iSWA and chunked caches, NoPE layers, routed and shared experts, sandwich norms, fused
 * QKV and gate+up, a hidden state kept as an output)
 * replay ggml-alloc over the whole reserve graph, Hadamard rotation included; elsewhere ggml-alloc's
 * placement can leave a hole the closed forms do not model: where the output phase is the peak the
 * logits can land above rows the layers leave allocated (KNOWN_GAPS).
 * Estimated rows (MLA without FA, recurrent graphs) are printed and held to 40%, which still catches a
 * wrong KV term; the planner issue's eight fixtures are held to 1% whatever the label.
 */
const TOTAL_TOLERANCE = 0.01;
const ESTIMATE_TOLERANCE = 0.4;

/** Rows where a closed form misses by more than 1% (fields left out match every row), with the measured gap; held to 5%. */
const KNOWN_GAPS: readonly { fixture: string; nCtx?: number; nSeq?: number; flashAttention?: boolean; cacheTypes?: readonly string[]; why: string }[] = [
  {
    fixture: 'gemma-3n-e4b',
    why: 'AltUp/Laurel and per-layer-input tensors the closed form does not model stay alive at the peak: 0 to 30,935,040 B (32k × 1, FA off) above it, up to 3.2%',
  },
];
const KNOWN_GAP_TOLERANCE = 0.05;
/** The real-scale fixtures the planner issue names: every row of theirs is held to 1%, and none may be a known gap. */
const PLANNER_FIXTURES = new Set(['exaone4-32b', 'exaone4-1.2b', 'llama-3.1-8b', 'qwen3-8b', 'qwen3-30b-a3b', 'gemma-3-27b', 'gpt-oss-20b', 'deepseek-v3']);

interface Simulated {
  readonly model: { cpuRam: number };
  readonly results: { case: AccuracyCase; cpuRam: number; ms: number; report: RuntimeReport }[];
}

let dir = '';
const rows: string[] = [];
const file = (name: string) => path.join(dir, `${name}.gguf`);
/** The simulation of every fixture, by name: one runtime process for all of them. */
const simulations = new Map<string, Simulated>();
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-accuracy-'));
  const jobs = [];
  for (const fixture of MODEL_FIXTURES) {
    await writeFixture(fixture, file(fixture.name));
    const grid = SHAPE_FIXTURES.some((shape) => shape.name === fixture.name) ? SHAPE_GRID : FULL_GRID;
    jobs.push({ file: file(fixture.name), cases: casesFor(fixture.name, grid) });
  }
  const jobsFile = path.join(dir, 'jobs.json');
  const outFile = path.join(dir, 'simulated.json');
  await writeFile(jobsFile, JSON.stringify(jobs));
  await run(process.execPath, ['--import', 'tsx', path.join(root, 'test/accuracy/simulate.ts'), jobsFile, outFile], { cwd: root, timeout: 840_000, maxBuffer: 64 * MiB });
  const results = JSON.parse(await readFile(outFile, 'utf8')) as Simulated[];
  MODEL_FIXTURES.forEach((fixture, index) => simulations.set(fixture.name, results[index] as Simulated));
}, 900_000);
afterAll(async () => {
  console.log(['| fixture | case | KV ours (MiB) | KV runtime log (MiB) | state ours / log (MiB) | KV + state + compute ours (MiB) | simulation (MiB) | diff (B) | diff |', '|---|---|---|---|---|---|---|---|---|', ...rows].join('\n'));
  await rm(dir, { recursive: true, force: true });
});

it('no known gap names one of the planner issue’s eight fixtures, and each of them is simulated', () => {
  expect(KNOWN_GAPS.filter((gap) => PLANNER_FIXTURES.has(gap.fixture)).map((gap) => gap.fixture)).toEqual([]);
  expect([...PLANNER_FIXTURES].filter((name) => !MODEL_FIXTURES.some((fixture) => fixture.name === name))).toEqual([]);
});

describe.each(MODEL_FIXTURES.map((fixture) => fixture.name))('%s: our plan against node-llama-cpp 3.21.1’s no-allocation simulation (CPU)', (name) => {
  const fixture = MODEL_FIXTURES.find((candidate) => candidate.name === name);
  let model: PlannedModel;
  let simulated: Simulated;

  beforeAll(async () => {
    const found = simulations.get(name);
    if (fixture === undefined || found === undefined) throw new Error(`no fixture or simulation for ${name}`);
    simulated = found;
    model = await loadModel(file(name));
  });

  const ours = (c: AccuracyCase) => plan(model, { flashAttention: c.flashAttention, cacheTypeK: c.cacheType, cacheTypeV: c.cacheType, vTransposed: !c.flashAttention }, { nCtx: c.nCtx, nSeq: c.nSeq, nBatch: UBATCH, nUbatch: UBATCH });

  it('KV cells, layers and bytes equal the runtime’s own log of the simulated context, in every case', () => {
    for (const result of simulated.results) {
      const p = ours(result.case);
      const label = JSON.stringify(result.case);
      const predicted = p.kv.caches.map((c) => ({ role: c.role, cells: c.cells, layers: c.layers, kMiB: sizeLineMib(c.kBytes), vMiB: sizeLineMib(c.vBytes) }));
      const logged = result.report.caches.map((c) => ({ role: c.role, cells: c.cells, layers: c.layers, kMiB: c.kMiB, vMiB: c.vMiB }));
      expect(logged, label).toEqual(predicted);
      // Recurrent state (always f32): the llama_memory_recurrent line, when the model has recurrent layers.
      const state = p.recurrentState;
      const loggedState = result.report.recurrent === undefined ? undefined : { cells: result.report.recurrent.cells, rMiB: result.report.recurrent.rMiB, sMiB: result.report.recurrent.sMiB };
      expect(loggedState, `${label}: recurrent state`).toEqual(state.layers === 0 ? undefined : { cells: state.cells, rMiB: sizeLineMib(state.rBytes), sMiB: sizeLineMib(state.sBytes) });
    }
  });

  it(`KV + recurrent state + compute is within ${TOTAL_TOLERANCE * 100}% of the simulation’s context total where compute is exact, ${ESTIMATE_TOLERANCE * 100}% where it is estimated`, () => {
    for (const result of simulated.results) {
      const p = ours(result.case);
      const total = p.kv.bytes + p.recurrentState.bytes + p.compute.bytes;
      const diff = (total - result.cpuRam) / result.cpuRam;
      const c = result.case;
      const gap = KNOWN_GAPS.find(
        (known) =>
          known.fixture === name &&
          (known.nCtx ?? c.nCtx) === c.nCtx &&
          (known.nSeq ?? c.nSeq) === c.nSeq &&
          (known.flashAttention ?? c.flashAttention) === c.flashAttention &&
          (known.cacheTypes?.includes(c.cacheType) ?? true),
      );
      const exact = p.compute.accuracy !== 'estimate' && gap === undefined;
      rows.push(`| ${name} | ${c.cacheType} ctx ${c.nCtx} × ${c.nSeq} seq, FA ${c.flashAttention ? 'on' : 'off'} | ${(p.kv.bytes / MiB).toFixed(2)} | ${result.report.caches.map((k) => (k.kMiB + k.vMiB).toFixed(2)).join(' + ') || '—'} | ${p.recurrentState.layers === 0 ? '—' : `${(sizeLineMib(p.recurrentState.rBytes) + sizeLineMib(p.recurrentState.sBytes)).toFixed(2)} / ${result.report.recurrent?.totalMiB.toFixed(2) ?? 'none'}`} | ${(total / MiB).toFixed(2)} | ${(result.cpuRam / MiB).toFixed(2)} | ${(total - result.cpuRam).toLocaleString('en-US')} | ${(diff * 100).toFixed(3)}%${gap !== undefined ? ' (known gap)' : exact ? '' : ' (compute estimated)'} |`);
      // The planner issue's eight fixtures are held to 1% whatever the compute's accuracy label.
      const tolerance = gap !== undefined ? KNOWN_GAP_TOLERANCE : exact || PLANNER_FIXTURES.has(name) ? TOTAL_TOLERANCE : ESTIMATE_TOLERANCE;
      expect(Math.abs(diff), `${JSON.stringify(c)}: ours ${total} B, simulation ${result.cpuRam} B`).toBeLessThanOrEqual(tolerance);
    }
  });

  it('weights equal the simulated model buffer within 1%', () => {
    const diff = (model.tensors.length === 0 ? 1 : (plan(model, { flashAttention: true, cacheTypeK: 'f16', cacheTypeV: 'f16', vTransposed: false }).weights.bytes - simulated.model.cpuRam) / simulated.model.cpuRam);
    expect(Math.abs(diff)).toBeLessThanOrEqual(0.01);
  });
});
