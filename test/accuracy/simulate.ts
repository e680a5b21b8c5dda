/**
 * The runtime's own accounting, in a process of its own: `tsx test/accuracy/simulate.ts <jobs json>
 * <out json>` with jobs `[{ file, cases }]`, one result per job in order. One process serves every
 * fixture: starting the runtime costs more than most fixtures' simulations. Uses node-llama-cpp
 * 3.21.1's no-allocation simulator session directly (the public V2 call silently falls back to the
 * old heuristic when a simulation fails; this path throws instead) and records the runtime's log
 * lines of each simulated context.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readRuntimeReport, toGgmlTypeKey } from '@arch-registry/node-llama-cpp';
import { GgmlType, GgufInsights, LlamaLogLevel, getLlama, readGgufFileInfo } from 'node-llama-cpp';
import type { AccuracyCase } from './cases.js';
import { UBATCH } from './cases.js';

const [jobsFile = '', outFile = ''] = process.argv.slice(2);
const jobs = JSON.parse(readFileSync(jobsFile, 'utf8')) as { file: string; cases: AccuracyCase[] }[];
const lines: string[] = [];
const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.debug, logger: (_level, message) => lines.push(...message.split('\n')) });

/** Internal members of GgufInsights 3.21.1 that reach the simulator without a fallback. */
interface SimulatorInternals {
  _resolveSimulatorSource(): Promise<unknown>;
  _simulationSession: {
    estimateModelResources(options: object): Promise<{ cpuRam: number; gpuVram: number }>;
    estimateContextResources(options: object): Promise<{ cpuRam: number; gpuVram: number }>;
  };
}
// The simulator lowers the log level to "error" while it runs; keep the runtime's cache lines.
(llama as unknown as { _createLogLevelOverride: () => () => void })._createLogLevelOverride = () => () => {};

async function settle(): Promise<void> {
  let seen = -1;
  while (seen !== lines.length) {
    seen = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function simulate(file: string, cases: readonly AccuracyCase[]) {
  const insights = (await GgufInsights.from(await readGgufFileInfo(file, { logWarnings: false }), llama)) as unknown as SimulatorInternals;
  const source = await insights._resolveSimulatorSource();
  const started = performance.now();
  const model = await insights._simulationSession.estimateModelResources({ modelSource: source, gpuLayers: 0, useMmap: false });
  const modelMs = performance.now() - started;
  const results = [];
  for (const c of cases) {
    await settle();
    const from = lines.length;
    const t = performance.now();
    const type = GgmlType[toGgmlTypeKey(c.cacheType)];
    const context = await insights._simulationSession.estimateContextResources({
      modelSource: source,
      gpuLayers: 0,
      contextSize: c.nCtx,
      batchSize: UBATCH,
      sequences: c.nSeq,
      flashAttention: c.flashAttention,
      kvCacheKeyType: type,
      kvCacheValueType: type,
    });
    const ms = performance.now() - t;
    await settle();
    results.push({ case: c, cpuRam: context.cpuRam, ms, report: readRuntimeReport(lines.slice(from)) });
  }
  return { model, modelMs, results };
}

const simulated = [];
for (const job of jobs) simulated.push(await simulate(job.file, job.cases));
writeFileSync(outFile, JSON.stringify(simulated));
await llama.dispose();
process.exit(0);
