/**
 * `npm run bench`: our plan against node-llama-cpp 3.21.1's own estimators on the accuracy suite's
 * header-only fixtures, in one run: the no-allocation simulation (cold: the first context of a
 * freshly opened file, header read and simulator source included; warm: later contexts) and the
 * old heuristic. Prints latency ratios and each one's error against the simulation. Ours is timed
 * twice: over the four contexts again and again (the compute replay of each is cached per model),
 * and at a context it has not planned before (a fresh ggml-alloc replay every call). Timings are
 * printed, never asserted. `npm run bench -- <fixture> …` limits the fixtures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type CacheType, loadModel, plan } from '@arch-registry/core';
import { GgmlType, GgufInsights, LlamaLogLevel, getLlama, readGgufFileInfo } from 'node-llama-cpp';
import { writeFixture } from '../test/fixtures/define-fixture.js';
import { MODEL_FIXTURES } from '../test/fixtures/models/index.js';
import { openSimulation } from '../test/helpers/runtime-simulation.js';

const MiB = 2 ** 20;
const UBATCH = 512;
const contexts = [8192, 16384, 32768, 65536];
const only = process.argv.slice(2);
const fixtures = MODEL_FIXTURES.filter((fixture) => only.length === 0 || only.includes(fixture.name));
const dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-bench-'));
const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Seconds per call of `fn`, median of 20 batches of `calls` after 5 warm-up batches. */
function perCall(calls: number, fn: (call: number) => void): number {
  const batches: number[] = [];
  for (let batch = 0; batch < 25; batch++) {
    const t = performance.now();
    for (let call = 0; call < calls; call++) fn(call);
    if (batch >= 5) batches.push((performance.now() - t) / calls);
  }
  return median(batches);
}

const rows: string[] = [];
let worstWarmRatio = Number.POSITIVE_INFINITY;
let worstNewRatio = Number.POSITIVE_INFINITY;
for (const fixture of fixtures) {
  const file = path.join(dir, `${fixture.name}.gguf`);
  await writeFixture(fixture, file);
  const model = await loadModel(file);
  for (const cacheType of ['f16', 'q8_0'] as const satisfies readonly CacheType[]) {
    const decision = { flashAttention: true, cacheTypeK: cacheType, cacheTypeV: cacheType, vTransposed: false } as const;
    const simulated = (nCtx: number) => ({ nCtx, nSeq: 1, nUbatch: UBATCH, cacheType, flashAttention: true });
    // Cold: a fresh open per row, so the header read and the simulator's model source are included.
    let t = performance.now();
    const simulation = await openSimulation(llama, file);
    const simTotals = [(await simulation.context(simulated(contexts[0] ?? 8192))).cpuRam];
    const cold = performance.now() - t;
    const warm: number[] = [];
    for (const nCtx of contexts.slice(1)) {
      t = performance.now();
      simTotals.push((await simulation.context(simulated(nCtx))).cpuRam);
      warm.push(performance.now() - t);
    }
    const insights = await GgufInsights.from(await readGgufFileInfo(file, { logWarnings: false }), llama);
    const type = cacheType === 'f16' ? GgmlType.F16 : GgmlType.Q8_0;
    const heuristicOptions = (contextSize: number) => ({ contextSize, modelGpuLayers: 0, batchSize: UBATCH, flashAttention: true, kvCacheKeyType: type, kvCacheValueType: type });
    const heuristicTotals = contexts.map((nCtx) => insights.estimateContextResourceRequirements(heuristicOptions(nCtx)).cpuRam);
    const heuristicMs = perCall(20, (call) => insights.estimateContextResourceRequirements(heuristicOptions(contexts[call % contexts.length] ?? 8192)));
    const ours = (nCtx: number) => plan(model, decision, { nCtx, nBatch: UBATCH, nUbatch: UBATCH });
    const ourTotals = contexts.map((nCtx) => {
      const result = ours(nCtx);
      // What the simulation's context figure counts (the accuracy suite compares the same sum).
      return result.kv.bytes + result.recurrentState.bytes + result.compute.bytes;
    });
    const ourMs = perCall(2000, (call) => ours(contexts[call % contexts.length] ?? 8192));
    // 1,000 distinct contexts, 256 apart: every call replays the compute graph anew.
    let fresh = 0;
    const ourNewMs = perCall(40, () => ours(4096 + 256 * (fresh++ % 1000)));
    const error = (values: readonly number[]) => Math.max(...values.map((value, index) => Math.abs(value - (simTotals[index] ?? 0)) / (simTotals[index] ?? 1))) * 100;
    const warmMs = median(warm);
    worstWarmRatio = Math.min(worstWarmRatio, warmMs / ourMs);
    worstNewRatio = Math.min(worstNewRatio, warmMs / ourNewMs);
    rows.push(
      `| ${fixture.name} ${cacheType} | ${(ourMs * 1000).toFixed(2)} µs | ${(ourNewMs * 1000).toFixed(1)} µs (warm sim ${(warmMs / ourNewMs).toFixed(0)}×) | ${cold.toFixed(0)} ms (${(cold / ourMs).toFixed(0)}×) | ${warmMs.toFixed(2)} ms (${(warmMs / ourMs).toFixed(0)}×) | ${heuristicMs.toFixed(3)} ms (${(heuristicMs / ourMs).toFixed(0)}×) | ${error(ourTotals).toFixed(2)}% | ${error(heuristicTotals).toFixed(1)}% |`,
    );
    console.error(`${fixture.name} ${cacheType}: simulation at ${contexts.join('/')} = ${simTotals.map((b) => (b / MiB).toFixed(2)).join(' / ')} MiB`);
  }
}
console.log(`\nPlan latency and accuracy against node-llama-cpp 3.21.1 (CPU, FA on, 1 sequence, n_ubatch ${UBATCH}, contexts ${contexts.join(', ')}; ratios = their time / ours):\n`);
console.log('| fixture, cache | ours, repeated contexts (median) | ours, a new context | simulation, cold | simulation, warm | old heuristic | our max error vs simulation | heuristic max error |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(`\nSlowest ratio against the warm simulation: ${worstWarmRatio.toFixed(0)}× over repeated contexts (target ≥ 1000×), ${worstNewRatio.toFixed(0)}× at a new context (a fresh replay).`);
await llama.dispose();
await rm(dir, { recursive: true, force: true });
