/**
 * `npm run bench`: our plan against node-llama-cpp 3.21.1's own estimators on the same header-only
 * fixtures, in one run: the no-allocation simulation (cold: first call, model load included; warm:
 * later calls with new arguments) and the old heuristic. Prints latency ratios and each one's
 * error against the simulation. Timings are printed, never asserted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadModel, plan } from '@arch-registry/core';
import { GgmlType, GgufInsights, LlamaLogLevel, getLlama, readGgufFileInfo } from 'node-llama-cpp';
import { writeFixture } from '../test/fixtures/define-fixture.js';
import { exaone4_32b, gemma3_27b, llama31_8b } from '../test/fixtures/models/index.js';

const MiB = 2 ** 20;
const dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-bench-'));
const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
const contexts = [8192, 16384, 32768, 65536];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const rows: string[] = [];
for (const fixture of [exaone4_32b, llama31_8b, gemma3_27b]) {
  const file = path.join(dir, `${fixture.name}.gguf`);
  await writeFixture(fixture, file);
  const model = await loadModel(file);
  const info = await readGgufFileInfo(file, { logWarnings: false });
  for (const cache of ['f16', 'q8_0'] as const) {
    // A fresh GgufInsights per row, so "cold" includes the simulator's model load every time.
    const insights = await GgufInsights.from(info, llama);
    const type = cache === 'f16' ? GgmlType.F16 : GgmlType.Q8_0;
    // node-llama-cpp's V2 call pads the context and adds 1 to the batch of SWA models: mirror it.
    const batch = fixture.name === 'llama-3.1-8b' ? 512 : 513;
    const decision = { flashAttention: true, cacheTypeK: cache, cacheTypeV: cache, vTransposed: false } as const;
    const sim = async (contextSize: number) => (await insights.estimateContextResourceRequirementsV2({ contextSize, modelGpuLayers: 0, flashAttention: true, kvCacheKeyType: type, kvCacheValueType: type })).cpuRam;
    let t = performance.now();
    const coldTotal = await sim(contexts[0] ?? 8192);
    const cold = performance.now() - t;
    const warm: number[] = [];
    const simTotals: number[] = [coldTotal];
    for (const contextSize of contexts.slice(1)) {
      t = performance.now();
      simTotals.push(await sim(contextSize));
      warm.push(performance.now() - t);
    }
    const heuristic: number[] = [];
    const heuristicTotals: number[] = [];
    for (const contextSize of contexts) {
      t = performance.now();
      heuristicTotals.push(insights.estimateContextResourceRequirements({ contextSize, modelGpuLayers: 0, flashAttention: true, kvCacheKeyType: type, kvCacheValueType: type }).cpuRam);
      heuristic.push(performance.now() - t);
    }
    const ourTotals = contexts.map((nCtx) => {
      const result = plan(model, decision, { nCtx, nBatch: batch, nUbatch: batch });
      return result.kv.bytes + result.compute.bytes;
    });
    // Batches of 1000 calls: one call is below the timer's resolution. Warm-up batches first.
    const ours: number[] = [];
    for (let batchIndex = 0; batchIndex < 25; batchIndex++) {
      t = performance.now();
      for (let call = 0; call < 1000; call++) plan(model, decision, { nCtx: contexts[call % contexts.length] ?? 8192, nBatch: batch, nUbatch: batch });
      if (batchIndex >= 5) ours.push((performance.now() - t) / 1000);
    }
    const error = (values: number[]) => Math.max(...values.map((value, index) => Math.abs(value - (simTotals[index] ?? 0)) / (simTotals[index] ?? 1))) * 100;
    const ourMs = median(ours);
    rows.push(
      `| ${fixture.name} ${cache} | ${(ourMs * 1000).toFixed(1)} µs | ${cold.toFixed(0)} ms (${(cold / ourMs).toFixed(0)}×) | ${median(warm).toFixed(1)} ms (${(median(warm) / ourMs).toFixed(0)}×) | ${median(heuristic).toFixed(2)} ms (${(median(heuristic) / ourMs).toFixed(0)}×) | ${error(ourTotals).toFixed(3)}% | ${error(heuristicTotals).toFixed(1)}% |`,
    );
    console.error(`${fixture.name} ${cache}: simulation at ${contexts.join('/')} = ${simTotals.map((b) => (b / MiB).toFixed(2)).join(' / ')} MiB`);
  }
}
console.log('\nPlan latency and accuracy against node-llama-cpp 3.21.1 (CPU, FA on, contexts ' + contexts.join(', ') + '; ratios = their time / ours):\n');
console.log('| fixture, cache | ours (median) | simulation, cold | simulation, warm | old heuristic | our max error vs simulation | heuristic max error |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
await llama.dispose();
await rm(dir, { recursive: true, force: true });
