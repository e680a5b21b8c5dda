/**
 * One arch's contract run, in its own process so a native crash fails that arch alone:
 * `tsx test/contract/run-arch.ts <arch> <work dir>`. Writes <work dir>/<arch>.json and streams
 * the runtime's log to <work dir>/<arch>.log.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type ContractValue, type DispatchResult, archTable, getBackend, isArchName, loadModel, resolveAttention } from '@arch-registry/core';
import { synthesize } from '@arch-registry/gguf-synth';
import { readRuntimeReport, toContextOptions } from '@arch-registry/node-llama-cpp';
import { GgmlType, LlamaLogLevel, getLlama, type LlamaContext, type LlamaModel, type Token } from 'node-llama-cpp';
import { GENERATED_TOKENS, LOGIT_PAIRS, PROMPT, SCENARIOS, type Scenario } from './scenarios.js';
import type { ArchRun, ScenarioRun } from './run-types.js';

const [arch = '', dir = ''] = process.argv.slice(2);
if (!isArchName(arch) || dir === '') {
  console.error('usage: run-arch.ts <arch> <work dir>');
  process.exit(2);
}
const logFile = path.join(dir, `${arch}.log`);
writeFileSync(logFile, '');
const lines: string[] = [];
const llama = await getLlama({
  gpu: false,
  build: 'never',
  logLevel: LlamaLogLevel.debug,
  logger: (_level, message) => {
    for (const line of message.split('\n')) {
      if (line.trim() === '') continue;
      lines.push(line);
      appendFileSync(logFile, `${line}\n`);
    }
  },
});

// A failure (load error, refused file) must not lose the log lines still on their way from native code.
process.on('uncaughtException', (error) => void failAfterLog(error));
process.on('unhandledRejection', (error) => void failAfterLog(error));
async function failAfterLog(error: unknown): Promise<never> {
  await settleLog();
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
}

const file = path.join(dir, `${arch}.gguf`);
const plugin = archTable[arch];
const vocabSize = plugin.contract.vocabSize;
// CONTRACT_HPARAMS (JSON) overrides contract-model metadata and CONTRACT_OMIT_TENSORS drops tensors:
// the harness's own tests use them to break a model. CONTRACT_USE_TENSORS writes optional tensors
// (a fused attn_qkv in place of Q/K/V), for the variants.
const overrides = process.env.CONTRACT_HPARAMS === undefined ? {} : (JSON.parse(process.env.CONTRACT_HPARAMS) as Record<string, ContractValue | null>);
const omit = process.env.CONTRACT_OMIT_TENSORS === undefined ? [] : process.env.CONTRACT_OMIT_TENSORS.split(',');
// CONTRACT_SCENARIOS (JSON) replaces the contexts created, for variants that need other sizes.
const scenarios = process.env.CONTRACT_SCENARIOS === undefined ? SCENARIOS : (JSON.parse(process.env.CONTRACT_SCENARIOS) as Scenario[]);
const use = process.env.CONTRACT_USE_TENSORS === undefined ? [] : process.env.CONTRACT_USE_TENSORS.split(',');
await synthesize(plugin, 'tiny', file, { hparams: overrides, omit, use });
const resolved = await loadModel(file);
const model = await llama.loadModel({ modelPath: file, gpuLayers: 0 });
const cpu = getBackend('cpu');

/**
 * node-llama-cpp delivers native log lines asynchronously. Wait until `done` holds for the lines
 * since `from` (when given) and no line has arrived for 300 ms; give up after 15 s.
 */
async function settleLog(from = lines.length, done: (since: readonly string[]) => boolean = () => true): Promise<void> {
  const deadline = Date.now() + 15_000;
  let seen = -1;
  while (Date.now() < deadline && (seen !== lines.length || !done(lines.slice(from)))) {
    seen = lines.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** A created context has logged its caches: the size lines the memory type prints, one per cache. */
function cachesLogged(since: readonly string[], expected: number): boolean {
  return since.filter((line) => /llama_kv_cache(?:_unified)?: size =|llama_memory_recurrent: size =/.test(line)).length >= expected;
}

const COMPARED = new Set<string>(LOGIT_PAIRS.flatMap((pair) => [pair.a, pair.b]));

/** Log-probabilities at every position of a fixed token list, on a fresh sequence. */
async function logProbs(context: LlamaContext, tokens: readonly Token[]): Promise<number[][]> {
  const sequence = context.getSequence();
  const options = { temperature: 1, topK: 0, topP: 1, minP: 0 };
  const outputs = await sequence.controlledEvaluate(tokens.map((token) => [token, { generateNext: { probabilities: true, options } }]));
  return outputs.map((output) => {
    const probabilities = output?.next.probabilities ?? new Map<Token, number>();
    return Array.from({ length: vocabSize }, (_, id) => Math.log(probabilities.get(id as Token) ?? 0));
  });
}

async function generate(context: LlamaContext, prompt: readonly Token[]): Promise<Token[]> {
  const out: Token[] = [];
  const sequence = context.getSequence();
  for await (const token of sequence.evaluate([...prompt], { temperature: 0 })) {
    out.push(token);
    if (out.length >= GENERATED_TOKENS) break;
  }
  sequence.dispose();
  return out;
}

async function runScenario(scenario: Scenario, modelHandle: LlamaModel, fixedTokens: Token[] | undefined): Promise<ScenarioRun & { tokens?: Token[] }> {
  const started = performance.now();
  const dispatched: DispatchResult = resolveAttention({ model: resolved, backend: cpu, request: scenario.request });
  await settleLog();
  const from = lines.length;
  // The types always go through the adapter (exact GgmlType keys); FA is the decision's or the raw request's.
  const types = { flashAttention: false, cacheTypeK: scenario.request.cacheTypeK, cacheTypeV: scenario.request.cacheTypeV, vTransposed: false, reasons: [] };
  const options = toContextOptions(dispatched.ok ? dispatched.decision : types, { contextSize: scenario.contextSize, sequences: scenario.sequences });
  const rawFa = { auto: 'auto', on: true, off: false } as const;
  const sent = scenario.send === 'decision' && dispatched.ok ? options : { ...options, flashAttention: rawFa[scenario.request.flashAttention] };
  let context: LlamaContext | undefined;
  let error: string | undefined;
  try {
    // One thread: node-llama-cpp's default (maxThreads, 4 here) oversubscribes 2 cores and makes a
    // 64-layer tiny model take a minute per 8 tokens instead of 0.1 s.
    context = await modelHandle.createContext({ ...sent, threads: 1, ignoreMemorySafetyChecks: true });
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
  }
  // ISWA prints one size line per sub-cache, hybrids one more for the recurrent state; a refused context prints none.
  const expectedLines = (resolved.memory === 'iswa' ? 2 : resolved.memory === 'recurrent' ? 0 : 1) + (resolved.hparams.recurrent === null ? 0 : 1);
  await settleLog(from, (since) => context === undefined || cachesLogged(since, expectedLines));
  const report = readRuntimeReport(lines.slice(from));
  const run: ScenarioRun & { tokens?: Token[] } = {
    id: scenario.id,
    dispatched: dispatched.ok ? { ok: true, decision: { ...dispatched.decision, reasons: dispatched.decision.reasons.map((r) => r.code) } } : { ok: false, refusal: dispatched.refusal.code },
    sentOptions: { flashAttention: sent.flashAttention, kvCacheKeyType: sent.experimentalKvCacheKeyType, kvCacheValueType: sent.experimentalKvCacheValueType, contextSize: sent.contextSize, sequences: sent.sequences },
    created: context !== undefined,
    error,
    report,
    runtimeView:
      context === undefined
        ? undefined
        : { flashAttention: context.flashAttention, kvCacheKeyType: GgmlType[context.kvCacheKeyType] ?? String(context.kvCacheKeyType), kvCacheValueType: GgmlType[context.kvCacheValueType] ?? String(context.kvCacheValueType) },
  };
  if (context !== undefined) {
    const prompt = modelHandle.tokenize(PROMPT);
    if (fixedTokens === undefined) {
      const generated = await generate(context, prompt);
      run.generated = generated;
      run.tokens = [...prompt, ...generated];
    }
    // Log-probabilities only where they are compared: the generating scenario and the logit pairs.
    if (fixedTokens === undefined || COMPARED.has(scenario.id)) run.logProbs = await logProbs(context, fixedTokens ?? run.tokens ?? prompt);
    await context.dispose();
  }
  run.ms = Math.round(performance.now() - started);
  return run;
}

const startedAll = performance.now();
const runs: ScenarioRun[] = [];
let fixed: Token[] | undefined;
for (const scenario of scenarios) {
  const run = await runScenario(scenario, model, fixed);
  if (fixed === undefined && run.tokens !== undefined) fixed = run.tokens;
  delete run.tokens;
  runs.push(run);
}
const result: ArchRun = { arch, file, vocabSize, ms: Math.round(performance.now() - startedAll), scenarios: runs, logitPairs: LOGIT_PAIRS.map((pair) => ({ ...pair })) };
writeFileSync(path.join(dir, `${arch}.json`), JSON.stringify(result));
await model.dispose();
await llama.dispose();
process.exit(0);
