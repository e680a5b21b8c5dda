/**
 * The runtime's own accounting, in a process of its own: `tsx test/accuracy/simulate.ts <jobs json>
 * <out json>` with jobs `[{ file, cases }]`, one result per job in order. One process serves every
 * fixture: starting the runtime costs more than most fixtures' simulations. Uses node-llama-cpp
 * 3.21.1's no-allocation simulator session directly (the public V2 call silently falls back to the
 * old heuristic when a simulation fails; this path throws instead) and records the runtime's log
 * lines of each simulated context.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readRuntimeReport } from '@arch-registry/node-llama-cpp';
import { LlamaLogLevel, getLlama } from 'node-llama-cpp';
import { openSimulation } from '../helpers/runtime-simulation.js';
import type { AccuracyCase } from './cases.js';
import { UBATCH } from './cases.js';

const [jobsFile = '', outFile = ''] = process.argv.slice(2);
const jobs = JSON.parse(readFileSync(jobsFile, 'utf8')) as { file: string; cases: AccuracyCase[] }[];
const lines: string[] = [];
const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.debug, logger: (_level, message) => lines.push(...message.split('\n')) });

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
  const simulation = await openSimulation(llama, file);
  const started = performance.now();
  const model = await simulation.model();
  const modelMs = performance.now() - started;
  const results = [];
  for (const c of cases) {
    await settle();
    const from = lines.length;
    const t = performance.now();
    const context = await simulation.context({ ...c, nUbatch: UBATCH });
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
