/**
 * Captures real runtime log text for the parser tests. Not run by the suite:
 *   npx tsx packages/node-llama-cpp/test/capture/capture-logs.ts
 * Needs the colleague-made models in $FACTCHECK_MODELS (default /tmp/factcheck/models);
 * writes the two it lacks itself. Every option set but the marked overrides comes
 * from `toContextOptions`, so a log also proves the options reach llama.cpp.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CacheType } from '@arch-registry/core';
import { type LlamaContextOptions, type LlamaModel, LlamaLogLevel, getLlama } from 'node-llama-cpp';
import { type ContextRequest, toContextOptions } from '../../src/index.js';
import { writeTinyLlama, writeTinyMamba } from './tiny-models.js';

interface CaptureCase {
  readonly name: string;
  readonly why: string;
  readonly model: string;
  readonly fa: boolean;
  readonly k: CacheType;
  readonly v: CacheType;
  readonly request: ContextRequest;
  /** Applied on top of toContextOptions, for what a decision cannot express. */
  readonly override?: Partial<LlamaContextOptions>;
}

const factcheck = process.env.FACTCHECK_MODELS ?? '/tmp/factcheck/models';
const scratch = await mkdtemp(join(tmpdir(), 'nlc-capture-'));
const models = {
  llama32: join(scratch, 'llama-hd32.gguf'),
  mamba: join(scratch, 'mamba-tiny.gguf'),
  llama16: join(factcheck, 'llama_ok.gguf'),
  exaone4: join(factcheck, 'exaone4_64_arr.gguf'),
  deepseek2: join(factcheck, 'ds2_mla_nomtp.gguf'),
};
const one = (contextSize: number, sequences = 1): ContextRequest => ({ contextSize, sequences });

const CASES: readonly CaptureCase[] = [
  { name: 'plain-f16-auto', why: 'plain KV cache; FA auto so the probe line appears', model: models.llama32, fa: true, k: 'f16', v: 'f16', request: one(1024), override: { flashAttention: 'auto' } },
  { name: 'plain-q8_0', why: 'q8_0 K and V with FA on', model: models.llama32, fa: true, k: 'q8_0', v: 'q8_0', request: one(1024) },
  { name: 'plain-q4_0', why: 'q4_0 K and V with FA on, unpadded context size', model: models.llama32, fa: true, k: 'q4_0', v: 'q4_0', request: one(1000) },
  { name: 'two-sequences', why: 'two sequences, one stream each', model: models.llama32, fa: true, k: 'f16', v: 'f16', request: one(1000, 2) },
  { name: 'fa-off-q8_0-k', why: 'quantized K alone is legal with FA disabled', model: models.llama32, fa: false, k: 'q8_0', v: 'f16', request: one(512) },
  { name: 'refused-quantized-v', why: 'quantized V with FA disabled: no context', model: models.llama32, fa: false, k: 'f16', v: 'q8_0', request: one(512) },
  { name: 'refused-block-size', why: 'q8_0 block (32) does not divide head dim 16', model: models.llama16, fa: true, k: 'q8_0', v: 'q8_0', request: one(512) },
  { name: 'iswa-exaone4', why: 'exaone4 with 64 layers: 16 full + 48 SWA layers (window 8)', model: models.exaone4, fa: true, k: 'f16', v: 'f16', request: one(1024) },
  { name: 'iswa-exaone4-two-sequences', why: 'iSWA with two streams', model: models.exaone4, fa: true, k: 'f16', v: 'f16', request: one(2048, 2) },
  { name: 'mla-deepseek2', why: 'MLA: one latent K row per layer, no V', model: models.deepseek2, fa: true, k: 'f16', v: 'f16', request: one(1024) },
  { name: 'refused-mla-types', why: 'MLA needs equal K and V types', model: models.deepseek2, fa: true, k: 'f16', v: 'bf16', request: one(1024) },
  {
    name: 'lowercase-fallback',
    why: 'evidence: lowercase "q8_0" silently becomes f16',
    model: models.llama32,
    fa: true,
    k: 'q8_0',
    v: 'q8_0',
    request: one(512),
    override: { experimentalKvCacheKeyType: 'q8_0' as 'Q8_0', experimentalKvCacheValueType: 'q8_0' as 'Q8_0' },
  },
  { name: 'recurrent-mamba', why: 'recurrent state: R and S rows, one cell per sequence', model: models.mamba, fa: true, k: 'f16', v: 'f16', request: one(256, 3) },
];

// Native log lines reach JS asynchronously; wait for stragglers around each capture.
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

let sink: string[] | undefined;
const llama = await getLlama({
  gpu: false,
  build: 'never',
  logLevel: LlamaLogLevel.debug,
  logger: (_level, message) => {
    for (const line of message.split('\n')) if (sink !== undefined && line.trim() !== '') sink.push(line.trimEnd());
  },
});

await writeTinyLlama(models.llama32);
await writeTinyMamba(models.mamba);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'logs');
await mkdir(out, { recursive: true });
const loaded = new Map<string, LlamaModel>();

for (const c of CASES) {
  const model = loaded.get(c.model) ?? (await llama.loadModel({ modelPath: c.model, gpuLayers: 0 }));
  loaded.set(c.model, model);
  const options = { ...toContextOptions({ flashAttention: c.fa, cacheTypeK: c.k, cacheTypeV: c.v, vTransposed: !c.fa, reasons: [] }, c.request), ...c.override };
  await settle();
  const lines: string[] = [];
  sink = lines;
  let outcome: string;
  try {
    const context = await model.createContext(options);
    outcome = `ok, context.contextSize ${context.contextSize}, context.batchSize ${context.batchSize}`;
    await settle();
    sink = undefined;
    await context.dispose();
  } catch (error) {
    outcome = `error: ${String((error as Error).message).split('\n')[0]}`;
    await settle();
    sink = undefined;
  }
  const header = [`# ${c.name}: ${c.why}`, `# model: ${basename(c.model)}`, `# options: ${JSON.stringify(options)}`, `# outcome: ${outcome}`];
  await writeFile(join(out, `${c.name}.log`), [...header, ...lines, ''].join('\n'));
  console.log(`${c.name}: ${outcome} (${lines.length} lines)`);
}
for (const model of loaded.values()) await model.dispose();
await llama.dispose();
await rm(scratch, { recursive: true, force: true });
