/**
 * Dev tool: how the runtime's CPU compute buffer scales. Writes a fixture (optionally with hparam
 * overrides), runs node-llama-cpp 3.21.1's no-allocation simulation at every point of a grid, and
 * prints the simulated context total, our KV (+ recurrent state), their difference (the compute
 * buffer as the simulation counts it), the runtime's own compute-buffer log line and our formula.
 *   npx tsx tools/probe-compute.ts <fixture | contract:<arch>> '<grid json>' ['<hparam overrides json>']
 * grid: { "nCtx": [..], "nUbatch": [..], "nSeq": [..], "cache": ["f16",..], "fa": [true,false] }
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type CacheType, archTable, isArchName, loadModel, plan } from '@arch-registry/core';
import { LlamaLogLevel, getLlama } from 'node-llama-cpp';
import { writeFixture } from '../test/fixtures/define-fixture.js';
import { MODEL_FIXTURES } from '../test/fixtures/models/index.js';
import { openSimulation } from '../test/helpers/runtime-simulation.js';

const [name = '', gridJson = '{}', overridesJson = '{}'] = process.argv.slice(2);
// `contract:<arch>` probes the arch plugin's contract model (a tiny config of the same shape).
const contractArch = name.startsWith('contract:') ? name.slice('contract:'.length) : undefined;
const contract = contractArch !== undefined && isArchName(contractArch) ? archTable[contractArch].contract : undefined;
const base = contract !== undefined ? { name, arch: contractArch ?? '', source: 'contract model', hparams: contract.hparams, vocabSize: contract.vocabSize } : MODEL_FIXTURES.find((f) => f.name === name);
if (base === undefined) throw new Error(`no fixture ${name}; one of ${MODEL_FIXTURES.map((f) => f.name).join(', ')} or contract:<arch>`);
const grid = { nCtx: [4096], nUbatch: [512], nSeq: [1], cache: ['f16'] as CacheType[], fa: [true], ...(JSON.parse(gridJson) as object) };
const overrides = JSON.parse(overridesJson) as Record<string, number>;
const { vocabSize, ...hp } = overrides;
const fixture = { ...base, hparams: { ...base.hparams, ...hp }, vocabSize: vocabSize ?? base.vocabSize };

const dir = await mkdtemp(path.join(os.tmpdir(), 'probe-compute-'));
const file = path.join(dir, 'model.gguf');
await writeFixture(fixture, file);
const model = await loadModel(file);
const lines: string[] = [];
const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.debug, logger: (_l, m) => lines.push(...m.split('\n')) });
(llama as unknown as { _createLogLevelOverride: () => () => void })._createLogLevelOverride = () => () => {};
const simulation = await openSimulation(llama, file);
const settle = async () => {
  let seen = -1;
  while (seen !== lines.length) {
    seen = lines.length;
    await new Promise((r) => setTimeout(r, 50));
  }
};
console.log('cache fa nCtx nUb nSeq | sim-kv(B) | log compute MiB | ours compute(B) | diff(B)');
for (const cache of grid.cache)
  for (const fa of grid.fa)
    for (const nCtx of grid.nCtx)
      for (const nUb of grid.nUbatch)
        for (const nSeq of grid.nSeq) {
          if (!fa && cache !== 'f16') continue;
          await settle();
          const from = lines.length;
          let cpuRam = Number.NaN;
          try {
            cpuRam = (await simulation.context({ nCtx, nSeq, nUbatch: nUb, cacheType: cache, flashAttention: fa })).cpuRam;
          } catch (e) {
            console.log(`${cache} ${fa} ${nCtx} ${nUb} ${nSeq} failed: ${String(e)}`);
            continue;
          }
          await settle();
          const log = lines.slice(from).filter((l) => /compute buffer size|graph_reserve|n_ubatch|output buffer/.test(l)).map((l) => l.replace(/^.*?: /, '').trim());
          const p = plan(model, { flashAttention: fa, cacheTypeK: cache, cacheTypeV: cache, vTransposed: !fa }, { nCtx, nSeq, nBatch: nUb, nUbatch: nUb });
          const sim = cpuRam - p.kv.bytes - p.recurrentState.bytes;
          console.log(`${cache} ${fa ? 'FA' : 'noFA'} ${nCtx} ${nUb} ${nSeq} | ${sim} | ${log.filter((l) => /compute buffer/.test(l)).join(';')} | ${p.compute.bytes} | ${p.compute.bytes - sim}`);
          if (process.env.PROBE_LOG) console.log(lines.slice(from).join('\n'));
        }
await llama.dispose();
await rm(dir, { recursive: true, force: true });
process.exit(0);
