import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type CacheType, type PlannedModel, type ResolvedModel, archTable, loadModel, planCompute, planContext } from '@arch-registry/core';
import { type ModelFixture, defineFixture, writeFixture } from '../fixtures/define-fixture.js';
import { describe, expect, it } from 'vitest';
import { deepseekV3, exaone4_1_2b, exaone4_32b, gemma2_9b, gemma3_27b, gemma3n_e4b, gptOss_20b, llama31_8b, llama4Scout, olmo2_7b, olmo3_7b, phi3_mini_4k, qwen3_30b_a3b, qwen3_8b } from '../fixtures/models/index.js';
import { modelOf } from '../fixtures/resolve.js';
import { type AllocGraph, type AllocTensor, compileGraph, simulateAlloc, simulateCompiled } from '../../packages/core/src/plan/galloc.js';
import { reserveGraphAt, reserveGraph } from '../../packages/core/src/plan/graph-template.js';
import { templateLayoutOf } from '../../packages/core/src/plan/template-layout.js';

/**
 * The compute-buffer closed forms, term by term. Expected values are the formula's terms written
 * out (A = ggml-alloc's 32-byte alignment, 4 bytes per f32); `sim` is the runtime's own figure for
 * the same point, from node-llama-cpp 3.21.1's no-allocation simulation (context cpuRam minus the
 * KV bytes it logs), printed by
 *   npx tsx tools/probe-compute.ts <fixture> '{"nCtx":[<n_ctx>],"nUbatch":[<n_ubatch>],"nSeq":[<n_seq>],"fa":[<fa>]}'
 */
const A = (bytes: number) => Math.ceil(bytes / 32) * 32;
/** Inputs every graph holds: tokens, positions, out_ids (i32; n = o here), k_idxs per cache. */
const baseInputs = (n: number, caches: number) => 3 * A(4 * n) + caches * A(8 * n);

/** planCompute at one point, FA on or off, K and V of one cache type. */
const computeAt = (model: ResolvedModel | PlannedModel, fixture: ModelFixture, flashAttention: boolean, nCtx: number, nUbatch: number, nSeq: number, ffn: number, cache: CacheType) =>
  planCompute(model, { flashAttention, cacheTypeK: cache, cacheTypeV: cache }, planContext(model, { nCtx, nSeq, nBatch: nUbatch, nUbatch }), fixture.vocabSize, ffn);

/** A fixture resolved in memory (no file, so no tensor list). */
const computeOf = (fixture: ModelFixture, flashAttention: boolean, nCtx: number, nUbatch: number, nSeq: number, ffn: number, cache: CacheType = 'f16') =>
  computeAt(modelOf(fixture), fixture, flashAttention, nCtx, nUbatch, nSeq, ffn, cache);

/** A fixture written as a header-only GGUF and loaded, once: the planned model carries the file's tensor names. */
const plannedModels = new Map<ModelFixture, Promise<PlannedModel>>();
const plannedModel = (fixture: ModelFixture): Promise<PlannedModel> => {
  let planned = plannedModels.get(fixture);
  if (planned === undefined) {
    planned = (async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'compute-plan-'));
      const file = path.join(dir, `${fixture.name}.gguf`);
      await writeFixture(fixture, file);
      const model = await loadModel(file);
      await rm(dir, { recursive: true, force: true });
      return model;
    })();
    plannedModels.set(fixture, planned);
  }
  return planned;
};
const computeOfFile = async (fixture: ModelFixture, flashAttention: boolean, nCtx: number, nUbatch: number, nSeq: number, ffn: number, cache: CacheType) =>
  computeAt(await plannedModel(fixture), fixture, flashAttention, nCtx, nUbatch, nSeq, ffn, cache);

/** llama4 Scout with dense and MoE layers alternating (interleave_moe_layer_step 2, as Maverick). */
const llama4Alternating = defineFixture({ ...llama4Scout, name: 'llama-4-scout, MoE every 2nd layer', hparams: { ...llama4Scout.hparams, interleave_moe_layer_step: 2 } });

describe('planCompute: FA off, the kq peak', () => {
  const n = 512;
  it.each([
    {
      // pre-norm: 3 residual-stream slots; V transposed → v_idxs of n·n_embd_v_gqa i64; F32 mask
      name: 'llama-3.1-8b (pre-norm)',
      fixture: llama31_8b,
      ffn: 14336,
      expected: baseInputs(n, 1) + A(8 * n * 8 * 128) + 4 * n * 8192 + 4 * n * (32 * 8192 + 3 * 4096 + 32 * (128 + 128)),
      sim: 599_795_712,
    },
    {
      // post-norm (no attn_norm): 2 residual slots; an SWA cache of pad256(4096 + 512) = 4608 cells
      name: 'exaone4-32b (post-norm, iswa)',
      fixture: exaone4_32b,
      ffn: 27392,
      expected: baseInputs(n, 2) + 2 * A(8 * n * 8 * 128) + 4 * n * (8192 + 4608) + 4 * n * (40 * 8192 + 2 * 5120 + 40 * (128 + 128)),
      sim: 747_649_024,
    },
    {
      name: 'exaone4-1.2b (post-norm, head dim 64)',
      fixture: exaone4_1_2b,
      ffn: 4096,
      expected: baseInputs(n, 1) + A(8 * n * 8 * 64) + 4 * n * 8192 + 4 * n * (32 * 8192 + 2 * 2048 + 32 * (64 + 64)),
      sim: 572_532_736,
    },
    {
      // pre-norm with sandwich norms; window 1024 → pad256(1024 + 512) = 1536 SWA cells, 16 KV heads
      name: 'gemma-3-27b (pre-norm, iswa)',
      fixture: gemma3_27b,
      ffn: 21504,
      expected: baseInputs(n, 2) + 2 * A(8 * n * 16 * 128) + 4 * n * (8192 + 1536) + 4 * n * (32 * 8192 + 3 * 5376 + 32 * (128 + 128)),
      sim: 623_392_768,
    },
  ])('$name at n_ctx 8192, n_ubatch 512', ({ fixture, ffn, expected, sim }) => {
    const plan = computeOf(fixture, false, 8192, n, 1, ffn);
    expect(plan.layerPhase).toBe(expected);
    expect(plan.bytes).toBe(sim);
    // llama and exaone4-1.2b are replayed over the dense template; the same figure either way here
    expect(plan.accuracy).not.toBe('estimate');
  });
});

describe('planCompute: FA on', () => {
  it('exaone4-32b at n_ctx 32768: the FFN peak over F16 masks of both caches', () => {
    const n = 512;
    const plan = computeOf(exaone4_32b, true, 32768, n, 1, 27392);
    // inputs (v_idxs one i64 per token with FA) + gate, up, their product (3·n_ff) and 4 n_embd rows
    const expected = baseInputs(n, 2) + 2 * A(8 * n) + 2 * n * (32768 + 4608) + 4 * n * (3 * 27392 + 4 * 5120);
    expect(plan.layerPhase).toBe(expected);
    expect(plan.bytes).toBe(248_535_040);
  });

  it('deepseek-v3 (MLA) at n_ctx 4096: q, Qcur, the attention output and its wv_b projection stack', () => {
    const n = 512;
    const plan = computeOf(deepseekV3, true, 4096, n, 1, 18432);
    // no v_idxs (V is a view of the K-only cache); per head: head_k_mla 192 + K row 576 + kv_lora 512 + head_v_mla 128
    const expected = baseInputs(n, 1) + 2 * n * 4096 + 4 * n * (4 * 7168 + 128 * (192 + 576 + 512 + 128));
    expect(plan.layerPhase).toBe(expected);
    expect(plan.bytes).toBe(432_023_552);
    expect(plan.accuracy).toBe('closed-form');
  });

  it('rounds the reserved ubatch up to a multiple of n_seq (deepseek-v3, n_ubatch 128, 3 sequences → 129 tokens)', () => {
    const plan = computeOf(deepseekV3, true, 2048, 128, 3, 18432);
    const n = 129;
    // cells per stream pad256(2048 / 3) = 768; out_ids keeps the 128 unrounded outputs
    const expected = 2 * A(4 * n) + A(4 * 128) + A(8 * n) + 2 * n * 768 + 4 * n * (4 * 7168 + 128 * (192 + 576 + 512 + 128));
    expect(plan.layerPhase).toBe(expected);
    expect(plan.bytes).toBe(107_991_136);
  });
});

describe('planCompute: the output phase', () => {
  it('llama-3.1-8b at n_ctx 32768 with FA: logits, the final norm and the last layer input', () => {
    const n = 512;
    const plan = computeOf(llama31_8b, true, 32768, n, 1, 14336);
    expect(plan.outputPhase).toBe(4 * n * (128256 + 4096) + 4 * n * 4096 + A(4 * n));
    expect(plan.bytes).toBe(279_447_552);
  });
});

describe('planCompute: estimates', () => {
  it('MLA without FA stays an estimate (how much of the chain stacks depends on the kq size)', () => {
    expect(computeOf(deepseekV3, false, 4096, 512, 1, 18432).accuracy).toBe('estimate');
  });
});

/** An arch's contract model scaled up (n_embd 2048, 16 heads of 128, 4 KV heads, n_vocab 32000). */
const scaled = (arch: 'starcoder' | 'bloom' | 'phi3', nFf: number, headCountKv = 4) =>
  defineFixture({
    name: `contract:${arch}`,
    arch,
    source: 'contract model with overrides',
    hparams: { ...archTable[arch].contract.hparams, embedding_length: 2048, feed_forward_length: nFf, 'attention.head_count': 16, 'attention.head_count_kv': headCountKv, block_count: 2 },
    vocabSize: 32000,
  });

/**
 * Shapes keyed on the plugin's tensor layout and RoPE type. Figures from
 *   npx tsx tools/probe-compute.ts contract:<arch> '{"nCtx":[<n_ctx>],"fa":[<fa>]}' \
 *     '{"embedding_length":2048,"feed_forward_length":<n_ff>,"attention.head_count":16,"attention.head_count_kv":<kv>,"vocabSize":32000,"block_count":2}'
 */
describe('planCompute: ungated FFN, fused QKV, no positions', () => {
  const n = 512;
  it('starcoder (no ffn_gate): up is activated in place, so the FFN peak holds 1·n_ff', () => {
    const plan = computeOf(scaled('starcoder', 32768), true, 4096, n, 1, 32768);
    expect(plan.layerPhase).toBe(baseInputs(n, 1) + A(8 * n) + 2 * n * 4096 + 4 * n * (32768 + 4 * 2048));
    expect(plan.bytes).toBe(88_094_720);
  });

  it('bloom (RoPE none, ALiBi): no inp_pos', () => {
    const plan = computeOf(scaled('bloom', 32768), true, 4096, n, 1, 32768);
    expect(plan.layerPhase).toBe(2 * A(4 * n) + 2 * A(8 * n) + 2 * n * 4096 + 4 * n * (32768 + 4 * 2048));
    expect(plan.bytes).toBe(88_092_672);
  });

  it.each([
    { kv: 16, sim: 318_777_344 },
    { kv: 1, sim: 303_048_704 },
  ])('starcoder (required attn_qkv), FA off, $kv KV heads: the K and V rows of qkv stay instead of Q', ({ kv, sim }) => {
    const plan = computeOf(scaled('starcoder', 8192, kv), false, 8192, n, 1, 8192);
    const vWidth = kv * 128;
    expect(plan.layerPhase).toBe(baseInputs(n, 1) + A(8 * n * vWidth) + 4 * n * 8192 + 4 * n * (16 * 8192 + 3 * 2048 + 16 * 128 + 2 * vWidth));
    expect(plan.bytes).toBe(sim);
  });
});

/**
 * phi3's fused attn_qkv with RoPE straight on the Q and K views: the ropes write fresh tensors, qkv dies
 * once K and V are stored, and only the 3 residual-stream slots stand under kq. Figures from
 *   npx tsx tools/probe-compute.ts contract:phi3 '{"nCtx":[<n_ctx>],"nUbatch":[<n>],"nSeq":[<n_seq>],"fa":[false]}' \
 *     '{"embedding_length":2048,"feed_forward_length":8192,"attention.head_count":16,"attention.head_count_kv":<kv>,"vocabSize":32000,"block_count":2}'
 */
describe('planCompute: fused QKV under RoPE (phi3), FA off', () => {
  it.each([
    { kv: 4, nCtx: 8192, n: 512, nSeq: 1, sim: 299_902_976 },
    { kv: 16, nCtx: 8192, n: 512, nSeq: 1, sim: 306_194_432 },
    { kv: 4, nCtx: 8192, n: 384, nSeq: 1, sim: 224_927_232 },
  ])('$kv KV heads, ctx $nCtx, ubatch $n, $nSeq seq: no qkv or kqv slot above kq', ({ kv, nCtx, n, nSeq, sim }) => {
    const plan = computeOf(scaled('phi3', 8192, kv), false, nCtx, n, nSeq, 8192);
    const cells = nCtx / nSeq;
    // tokens, positions, out_ids; k_idxs; v_idxs of n·(kv·128) i64 (transposed V); F32 mask; kq of 16 heads; 3 n_embd slots
    const expected = 3 * A(4 * n) + A(8 * n) + A(8 * n * kv * 128) + 4 * n * cells + 4 * n * 16 * cells + 4 * n * 3 * 2048;
    expect(plan.layerPhase).toBe(expected);
    expect(plan.bytes).toBe(sim);
  });
});

/**
 * ggml-alloc replayed over exaone4's graph (2 layers, FA, f16 cache, n_embd 2048, 32 heads of 64,
 * 8 KV heads, n_ff 4096, n_vocab 102400, 512 tokens) as the sched debug dump lists it
 * (GGML_SCHED_DEBUG=2 PROBE_LOG=1 npx tsx tools/probe-compute.ts exaone4-1.2b '{"nCtx":[<n_ctx>],"nSeq":[<n_seq>]}' '{"block_count":2}').
 * The logits go right above the final norm, wherever best fit left the last ffn_out, so the peak is
 * non-monotone in the mask size; `sim` is the runtime's compute buffer for that point.
 */
const exaoneGraph = (cellsPerStream: number): AllocGraph => {
  const T = 512;
  const E = 2048;
  const q = 4 * T * 32 * 64;
  const kv = 4 * T * 8 * 64;
  const row = 4 * T * E;
  const ffn = 4 * T * 4096;
  const nodes: AllocTensor[] = [];
  const op = (name: string, bytes: number, srcs: string[], extra: Partial<AllocTensor> = {}) => {
    nodes.push({ name, bytes, srcs, ...extra });
    return name;
  };
  const view = (name: string, of: string, src = of) => op(name, 0, [src], { viewOf: of });
  const inplace = { inplace: true };
  const leafs: AllocTensor[] = [
    { name: 'inp_tokens', bytes: 4 * T },
    // build_inp_embd's vector input: ggml_build_forward_select adds it with no consumer, so it is never freed
    { name: 'inp_embd', bytes: row },
    { name: 'inp_pos', bytes: 4 * T },
    { name: 'k_idxs', bytes: 8 * T },
    { name: 'v_idxs', bytes: 8 * T },
    { name: 'kq_mask', bytes: 2 * cellsPerStream * T },
    { name: 'out_ids', bytes: 4 * T },
    { name: 'cache', bytes: 0, external: true },
  ];
  let x = op('embd', row, ['inp_tokens']);
  for (let il = 0; il < 2; il++) {
    const last = il === 1;
    // build_attn expands Q, then V, then K; Q/K are normed on reshaped views (no in-place through a view)
    const qc = op(`Qcur${il}`, q, [x]);
    const qr = op(`Qrope${il}`, q, [op(`Qnormed${il}`, q, [op(`Qnorm${il}`, q, [view(`Qview${il}`, qc)])], inplace), 'inp_pos'], inplace);
    const vc = op(`Vcur${il}`, kv, [x]);
    const vv = view(`Vview${il}`, vc);
    const kc = op(`Kcur${il}`, kv, [x]);
    const kr = op(`Krope${il}`, kv, [op(`Knormed${il}`, kv, [op(`Knorm${il}`, kv, [view(`Kview${il}`, kc)])], inplace), 'inp_pos'], inplace);
    op(`setK${il}`, 0, [view(`Kset${il}`, kr), 'k_idxs'], { viewOf: 'cache' });
    op(`setV${il}`, 0, [view(`Vset${il}`, vc, vv), 'v_idxs'], { viewOf: 'cache' });
    const fa = op(`fa${il}`, q, [view(`Qperm${il}`, qr), 'kq_mask']);
    let cur = op(`attn_out${il}`, row, [view(`kqv_out${il}`, fa)]);
    let residual = x;
    if (last) cur = op(`attn_rows${il}`, row, [cur, 'out_ids']);
    cur = op(`attn_post_norm${il}`, row, [op(`pnorm${il}`, row, [cur], inplace)], inplace);
    if (last) residual = op(`residual_rows${il}`, row, [x, 'out_ids']);
    const ffnInp = op(`ffn_inp${il}`, row, [cur, residual], inplace);
    const glu = op(`swiglu${il}`, ffn, [op(`gate${il}`, ffn, [ffnInp]), op(`up${il}`, ffn, [ffnInp])]);
    const out = op(`ffn_post_norm${il}`, row, [op(`fnorm${il}`, row, [op(`ffn_out${il}`, row, [glu])], inplace)], inplace);
    x = op(`l_out${il}`, row, [out, ffnInp], inplace);
  }
  const norm = op('result_norm', row, [op('norm', row, [x], inplace)], { inplace: true, output: true });
  op('result_output', 4 * T * 102400, [norm], { output: true });
  return { leafs, nodes };
};

describe('simulateAlloc: ggml-alloc over a whole graph (where the logits land)', () => {
  it.each([
    { nCtx: 4096, nSeq: 1, sim: 218_105_856 },
    { nCtx: 8192, nSeq: 1, sim: 234_895_360 },
    { nCtx: 12288, nSeq: 1, sim: 218_105_856 },
    { nCtx: 16384, nSeq: 1, sim: 218_105_856 },
    { nCtx: 24576, nSeq: 1, sim: 243_271_680 },
    { nCtx: 32768, nSeq: 1, sim: 243_271_680 },
    { nCtx: 32768, nSeq: 2, sim: 218_105_856 },
    { nCtx: 32768, nSeq: 4, sim: 234_895_360 },
    { nCtx: 20480, nSeq: 2, sim: 236_992_512 },
    { nCtx: 20480, nSeq: 4, sim: 218_105_856 },
  ])('exaone4 × 2 layers, ctx $nCtx × $nSeq seq', ({ nCtx, nSeq, sim }) => {
    expect(simulateAlloc(exaoneGraph(nCtx / nSeq))).toBe(sim);
  });

  it('without the never-freed inp_embd leaf the logits start at 28 MiB instead of 32 (228 MiB, not the runtime’s 232.00)', () => {
    const graph = exaoneGraph(32768);
    expect(simulateAlloc({ ...graph, leafs: graph.leafs.filter((l) => l.name !== 'inp_embd') })).toBe(28 * 2 ** 20 + 4 * 512 * 102400);
  });
});

/**
 * planCompute replays ggml-alloc over graph-template.ts's reserve graph where it covers the model.
 * `sim` is the runtime's compute buffer at points the accuracy grid does not hold (3 sequences: 513
 * tokens; other ubatches), from
 *   npx tsx tools/probe-compute.ts <fixture> '{"nCtx":[<n_ctx>],"nSeq":[<n_seq>],"nUbatch":[<n_ubatch>],"cache":["<cache>"],"fa":[<fa>]}'
 * The closed forms miss most of these: the logits land above what the last layer leaves allocated,
 * a quantized cache's Hadamard rotation moves that address, and gpt-oss keeps its last hidden state.
 */
type ReplayPoint = { fixture: ModelFixture; ffn: number; cache: CacheType; fa: boolean; nCtx: number; nSeq: number; nUbatch?: number; sim: number; fromFile?: true };
const replayPoints = (fixture: ModelFixture, ffn: number, points: readonly Omit<ReplayPoint, 'fixture' | 'ffn'>[]): ReplayPoint[] => points.map((point) => ({ fixture, ffn, nUbatch: 512, ...point }));
const REPLAY_POINTS: readonly ReplayPoint[] = [
  // dense, one cache, Q/K norms and post-norms (FA off: F32 mask, transposed V, kq and its in-place soft_max)
  ...replayPoints(exaone4_1_2b, 4096, [
    { cache: 'f16', fa: true, nCtx: 8192, nSeq: 1, sim: 234_895_360 },
    { cache: 'f16', fa: true, nCtx: 28672, nSeq: 3, sim: 236_504_192 },
    { cache: 'q8_0', fa: true, nCtx: 8192, nSeq: 3, sim: 225_242_752 },
    { cache: 'q4_1', fa: true, nCtx: 20480, nSeq: 3, sim: 222_308_384 },
    { cache: 'q8_0', fa: true, nCtx: 28672, nSeq: 1, sim: 243_271_680 },
    { cache: 'f16', fa: false, nCtx: 4096, nSeq: 4, sim: 230_696_960 },
    { cache: 'f16', fa: false, nCtx: 8192, nSeq: 3, sim: 234_398_816 },
    { cache: 'f16', fa: false, nCtx: 20480, nSeq: 3, sim: 486_974_560 },
  ]),
  ...replayPoints(llama31_8b, 14336, [
    { cache: 'f16', fa: true, nCtx: 24576, nSeq: 3, sim: 279_463_968 },
    { cache: 'q4_0', fa: true, nCtx: 16384, nSeq: 1, sim: 287_836_160 },
    { cache: 'q4_0', fa: true, nCtx: 24576, nSeq: 1, sim: 279_447_552 },
    { cache: 'q4_0', fa: true, nCtx: 24576, nSeq: 3, sim: 287_852_576 },
  ]),
  ...replayPoints(qwen3_8b, 12288, [
    { cache: 'f16', fa: true, nCtx: 28672, nSeq: 3, sim: 327_960_608 },
    { cache: 'q8_0', fa: true, nCtx: 28672, nSeq: 3, sim: 336_349_216 },
  ]),
  // iSWA (even layers SWA, 768 cells here), attention sinks, routed experts with softmax-weight gating and
  // per-expert biases, the last layer's output kept as a graph output (t_h_nextn); other ubatches
  ...replayPoints(gptOss_20b, 2880, [
    { cache: 'f16', fa: true, nCtx: 12288, nSeq: 3, sim: 434_559_168 },
    { cache: 'f16', fa: true, nCtx: 24576, nSeq: 3, sim: 456_502_464 },
    { cache: 'q4_0', fa: true, nCtx: 24576, nSeq: 3, sim: 432_928_960 },
    { cache: 'q8_0', fa: true, nCtx: 8192, nSeq: 2, sim: 434_591_744 },
    { cache: 'f16', fa: false, nCtx: 12288, nSeq: 3, sim: 586_656_640 },
    { cache: 'f16', fa: false, nCtx: 8192, nSeq: 4, sim: 457_193_472 },
    { cache: 'f16', fa: true, nCtx: 16384, nSeq: 2, nUbatch: 256, sim: 228_076_544 },
    { cache: 'f16', fa: true, nCtx: 16384, nSeq: 2, nUbatch: 1024, sim: 913_879_040 },
    { cache: 'f16', fa: false, nCtx: 16384, nSeq: 2, nUbatch: 1024, sim: 2_263_642_112 },
  ]),
  // softmax gating (in place over the router logits), weights divided by their clamped sum
  ...replayPoints(qwen3_30b_a3b, 6144, [
    { cache: 'q8_0', fa: true, nCtx: 32768, nSeq: 3, sim: 323_758_112 },
    { cache: 'f16', fa: false, nCtx: 32768, nSeq: 3, sim: 776_946_784 },
    { cache: 'f16', fa: false, nCtx: 12288, nSeq: 1, sim: 861_939_712 },
  ]),
  // iSWA (3 SWA layers of 4,608 cells per full one), NoPE on the full layers (Q/K normed, not roped)
  ...replayPoints(exaone4_32b, 27392, [
    { cache: 'f16', fa: false, nCtx: 12288, nSeq: 3, sim: 403_454_080 },
    { cache: 'f16', fa: false, nCtx: 32768, nSeq: 3, sim: 986_025_088 },
    { cache: 'q8_0', fa: true, nCtx: 12288, nSeq: 3, sim: 230_709_280 },
  ]),
  // sandwich norms, iSWA, Q scaled in place after RoPE, soft-capping in place (gemma-2-9b declares a
  // fused attn_qkv only as an alternative, which its file does not use)
  ...replayPoints(gemma2_9b, 14336, [
    { cache: 'q8_0', fa: true, nCtx: 32768, nSeq: 3, sim: 546_324_512 },
    { cache: 'f16', fa: false, nCtx: 12288, nSeq: 3, sim: 538_984_480 },
  ]),
  ...replayPoints(gemma3_27b, 21504, [
    { cache: 'q8_0', fa: true, nCtx: 16384, nSeq: 1, sim: 569_903_104 },
    { cache: 'q4_0', fa: true, nCtx: 24576, nSeq: 3, sim: 558_914_592 },
  ]),
  // chunked attention (iSWA), NoPE every 4th layer with Q scaled by the temperature input, sigmoid routing
  // picked from the logits, the weight applied to the one expert's input, a shared expert; which layers
  // carry experts comes from the file's tensors (interleave_moe_layer_step 2: dense and MoE alternate)
  ...replayPoints(llama4Scout, 16384, [
    { cache: 'f16', fa: true, nCtx: 12288, nSeq: 3, sim: 445_274_144, fromFile: true },
    { cache: 'f16', fa: false, nCtx: 65536, nSeq: 3, sim: 1_931_161_952, fromFile: true },
    { cache: 'q8_0', fa: true, nCtx: 12288, nSeq: 2, sim: 468_508_672, fromFile: true },
  ]),
  ...replayPoints(llama4Alternating, 16384, [
    { cache: 'f16', fa: true, nCtx: 16384, nSeq: 1, nUbatch: 256, sim: 233_161_728, fromFile: true },
    { cache: 'f16', fa: false, nCtx: 16384, nSeq: 1, nUbatch: 1024, sim: 2_910_879_744, fromFile: true },
  ]),
  // post-norm blocks with Q/K norms over the whole projection row (in place, before the reshape); olmo-3 adds iSWA
  ...replayPoints(olmo2_7b, 11008, [
    { cache: 'f16', fa: false, nCtx: 12288, nSeq: 3, sim: 327_805_024 },
    { cache: 'q8_0', fa: true, nCtx: 12288, nSeq: 3, sim: 222_316_576 },
  ]),
  ...replayPoints(olmo3_7b, 11008, [{ cache: 'q8_0', fa: true, nCtx: 12288, nSeq: 3, sim: 222_165_024 }]),
  // fused attn_qkv (strided Q/K/V views), fused gate+up (2·n_ff, halved by the GLU), and the layer-output
  // add taking the residual first, so ggml-alloc reuses the residual's block
  ...replayPoints(phi3_mini_4k, 8192, [
    { cache: 'f16', fa: true, nCtx: 12288, nSeq: 3, sim: 95_086_720 },
    { cache: 'f16', fa: false, nCtx: 12288, nSeq: 3, sim: 308_893_792 },
    { cache: 'q8_0', fa: true, nCtx: 12288, nSeq: 1, sim: 81_803_264 },
  ]),
];

describe('planCompute: ggml-alloc replayed over the reserve-graph template', () => {
  it.each(REPLAY_POINTS)('$fixture.name, $cache, FA $fa, ctx $nCtx × $nSeq seq, ubatch $nUbatch', async ({ fixture, ffn, cache, fa, nCtx, nSeq, nUbatch = 512, sim, fromFile }) => {
    const plan = fromFile === true ? await computeOfFile(fixture, fa, nCtx, nUbatch, nSeq, ffn, cache) : computeOf(fixture, fa, nCtx, nUbatch, nSeq, ffn, cache);
    expect(plan.accuracy).toBe('replayed');
    expect(plan.bytes).toBe(sim);
  });

  it.each([
    { why: 'an F32 cache (FA casts it)', fixture: exaone4_1_2b, fa: true, cache: 'f32', ffn: 4096 },
    { why: 'experts on some layers, with no file to say which', fixture: llama4Scout, fa: true, cache: 'f16', ffn: 16384 },
    { why: 'AltUp, Laurel and per-layer inputs', fixture: gemma3n_e4b, fa: true, cache: 'f16', ffn: 16384 },
    { why: 'MLA', fixture: deepseekV3, fa: true, cache: 'f16', ffn: 18432 },
  ] as const)('not covered, the closed form stands: $why', ({ fixture, fa, cache, ffn }) => {
    expect(computeOf(fixture, fa, 4096, 512, 1, ffn, cache).accuracy).toBe('closed-form');
  });

  it('a file that uses the fused attn_qkv alternative is not covered (its Q, K and V are views of one tensor)', () => {
    const model = modelOf(gemma2_9b);
    expect(templateLayoutOf(model, gemma2_9b.vocabSize, 14336, (name) => name !== 'blk.0.attn_qkv.weight')).not.toBeNull();
    expect(templateLayoutOf(model, gemma2_9b.vocabSize, 14336, (name) => name === 'blk.0.attn_qkv.weight')).toBeNull();
  });

  // Each graph fact moves the peak: read the other way, the replay leaves the runtime's figure.
  it('phi-3-mini-4k with the layer-output add read the other way round lands one [n_embd, n] f32 block above the runtime (4096 × 1, FA: 95,041,536 B)', () => {
    const layout = templateLayoutOf(modelOf(phi3_mini_4k), phi3_mini_4k.vocabSize, 8192);
    if (layout === null) throw new Error('phi-3-mini-4k is not covered by the template');
    expect(simulateAlloc(reserveGraphAt(layout, 512, 512, 4096, true))).toBe(95_041_536);
    expect(simulateAlloc(reserveGraphAt({ ...layout, ffnResidualFirst: false }, 512, 512, 4096, true))).toBe(95_041_536 + 3072 * 512 * 4);
  });

  it('gpt-oss-20b without the kept hidden state lands one [n_embd, n] f32 block short (2880 · 512 · 4 B at 32k × 1, FA: 429,524,992 B)', () => {
    const layout = templateLayoutOf(modelOf(gptOss_20b), gptOss_20b.vocabSize, 2880);
    if (layout === null) throw new Error('gpt-oss-20b is not covered by the template');
    const swaCells = 768; // pad256(min(32768, 128 + 512))
    expect(simulateAlloc(reserveGraphAt(layout, 512, 512, 32768, true, { k: 0, v: 0 }, swaCells))).toBe(429_524_992);
    expect(simulateAlloc(reserveGraphAt({ ...layout, hiddenStateOutput: 'none' }, 512, 512, 32768, true, { k: 0, v: 0 }, swaCells))).toBe(429_524_992 - 2880 * 512 * 4);
  });
});

describe('simulateCompiled: skipping repeated layers is exact', () => {
  // Every covered fixture without a file (llama4 needs its file's routers), FA on and off, with and
  // without the Hadamard matrices, 512 and 513 tokens, across full and SWA cache sizes: the replay that
  // skips repeated periods of layers lands on the same peak as the one that walks every node.
  const fixtures = [exaone4_1_2b, exaone4_32b, llama31_8b, qwen3_8b, qwen3_30b_a3b, gemma3_27b, gptOss_20b, gemma2_9b, phi3_mini_4k, olmo2_7b, olmo3_7b];
  it.each(fixtures.map((fixture) => ({ fixture })))('$fixture.name', ({ fixture }) => {
    const model = modelOf(fixture);
    const h = model.hparams;
    const layout = templateLayoutOf(model, fixture.vocabSize, h.feedForwardLength > 0 ? h.feedForwardLength : h.expertFeedForwardLength);
    if (layout === null) throw new Error(`${fixture.name} is not covered by the template`);
    let compared = 0;
    const skipped = { nodes: 0 };
    const walked = { nodes: 0 };
    for (const fa of [true, false])
      for (const rot of [{ k: 0, v: 0 }, { k: 64, v: 64 }])
        for (const n of [512, 513]) {
          const graph = reserveGraph(layout, n, 512, fa, rot);
          const skipping = compileGraph(graph);
          const walking = compileGraph({ ...graph, layers: undefined });
          for (const cells of [256, 4096, 10_240, 32_768])
            for (const swaCells of [768, 4608]) {
              expect(simulateCompiled(skipping, cells, swaCells, skipped), JSON.stringify({ fa, rot, n, cells, swaCells })).toBe(simulateCompiled(walking, cells, swaCells, walked));
              compared += 1;
            }
        }
    expect(compared).toBe(64);
    // and the skipping replay did skip: at most half of the nodes walked
    expect(skipped.nodes).toBeLessThan(walked.nodes / 2);
  });

  it('with FA, a later replay resumes from the first one’s state before the last layers, shifted by the masks’ growth (gpt-oss-20b)', () => {
    const layout = templateLayoutOf(modelOf(gptOss_20b), gptOss_20b.vocabSize, 2880);
    if (layout === null) throw new Error('gpt-oss-20b is not covered by the template');
    const graph = reserveGraph(layout, 512, 512, true);
    const resuming = compileGraph(graph);
    const walking = compileGraph({ ...graph, layers: undefined });
    const first = { nodes: 0 };
    const later = { nodes: 0 };
    // the runtime: 429,524,992 B at 32k × 1 and 434,526,208 B at 4k × 1 (probe-compute.ts gpt-oss-20b)
    expect(simulateCompiled(resuming, 32768, 768, first)).toBe(429_524_992);
    expect(simulateCompiled(resuming, 4096, 768, later)).toBe(434_526_208);
    expect(later.nodes).toBeLessThan(first.nodes / 2);
    for (const cells of [1024, 8192, 50_000, 131_072]) expect(simulateCompiled(resuming, cells, 768)).toBe(simulateCompiled(walking, cells, 768));
  });
});
