import type { Decision } from '../dispatch/resolve-attention.js';
import { isQuantized } from '../ggml/cache-types.js';
import type { ResolvedModel } from '../model/resolve-model.js';
import { cite } from '../schema/cite.js';
import type { ContextPlan } from './context.js';
import { aligned } from './dyn-allocator.js';
import { type CompiledGraph, compileGraph, simulateCompiled } from './galloc.js';
import { type TemplateLayout, reserveGraph } from './graph-template.js';
import { requiresFusedQkv, templateLayoutOf } from './template-layout.js';

export const COMPUTE_RULE = cite(
  'src/llama-context.cpp',
  'llama_context::sched_reserve',
  'the compute buffer is ggml-alloc’s peak over the prompt graph of min(n_ctx, n_ubatch) tokens with the full KV',
);
export const GRAPH_INPUTS_RULE = cite(
  'src/llama-graph.cpp',
  'build_attn_inp_kv_impl',
  'per cache: k_idxs / v_idxs (i64; v_idxs holds one index per V element when V is transposed) and the KQ mask (F16 with FA, F32 without)',
);
export const MLA_RULE = cite('src/models/deepseek2.cpp', 'llama_model_deepseek2::graph', 'MLA absorbs wk_b into q (Qcur = q_nope_absorbed ‖ q_pe) and decompresses the attention output with wv_b (v_mla)');
export const KQ_RULE = cite('src/llama-graph.cpp', 'llm_graph_context::build_attn_mha', 'without FA: kq = mul_mat(k, q) is f32 {n_kv, n_tokens, n_head}, soft_max runs in place, kqv {n_embd_head_v, n_tokens, n_head}');

/**
 * How a compute figure was obtained: a closed form checked against the runtime's reserve, ggml-alloc
 * replayed over the reserve graph built from a template checked against the runtime's node dump, or an estimate.
 */
export type ComputeAccuracy = 'closed-form' | 'replayed' | 'estimate';

export interface ComputePlan {
  /** Peak of the output phase (final norm and logits). */
  readonly outputPhase: number;
  /** Peak of the attention/FFN phase with every mask alive. */
  readonly layerPhase: number;
  /** max(outputPhase, layerPhase). */
  readonly bytes: number;
  readonly accuracy: ComputeAccuracy;
}


/**
 * Closed forms of the CPU compute buffer (bytes; n = min(n_ctx, n_ubatch) tokens rounded up to a
 * multiple of n_seq, f32 = 4 bytes, A = `aligned`: rounded up to ggml-alloc's 32 bytes),
 * checked against the pinned runtime's own reserve (node-llama-cpp's no-allocation simulation):
 *   INPUTS = A(4n) + A(4n) + A(4o)                   tokens, positions (not without RoPE), out_ids (i32)
 *          + Σ caches A(8n)                          k_idxs (i64)
 *          + Σ caches with V A(8n·(FA ? 1 : V width)) v_idxs (a transposed V scatters every element)
 *          + Σ caches (FA ? 2 : 4)·n·cells           the KQ mask (F16 with FA, F32 without)
 *   OUT    = 4o·(n_vocab + n_embd) + 4n·n_embd + A(4n)   logits and the final norm (o = n_outputs, the
 *                                                    unrounded n), and inp_embd: build_inp_embd's vector-input
 *                                                    leaf, which ggml_build_forward_select puts in the graph
 *                                                    with no consumer, so ggml-alloc never frees it;
 *            + 4k·n_embd                             a hidden state the graph flags as an output of its own
 *                                                    (t_h_nextn before the out_ids rows are selected: k = n;
 *                                                    else 0; the plugin's graph.hiddenStateOutput)
 *   FFN    = INPUTS + 4n·(G·n_ff + 4·n_embd)         gated (ffn_gate tensors): gate, up and their product,
 *                                                    G = 3; ungated: up, activated in place, G = 1
 *   KQ     = FA ? 0 : 4n·n_head·cells                f32 kq of the widest cache (soft_max in place)
 *   ATTN   = INPUTS + KQ + 4n·(R·n_embd + n_head·head_v + Q)                 (FA off, no MLA)
 *            kqv, and Q = n_head·head_k, or with a required fused attn_qkv the K and V rows of
 *            qkv (n_head_kv·(head_k + head_v)); R residual-stream slots: 3 when a pre-attention norm
 *            leaves its output's slot behind, else 2. With FA the F16 mask is the only
 *            context-sized tensor and FFN wins.
 *   ATTN_ROPED_QKV = INPUTS + KQ + 4n·R·n_embd     (FA off) a required fused attn_qkv whose Q and K views
 *            RoPE copies out directly (phi3: no Q/K norm, no learned position_embd): qkv, its views
 *            and kqv all fit below kq, only the R slots stand under it.
 *   ATTN_MLA = INPUTS + KQ + 4n·(4·n_embd + n_head·(head_k_mla + head_k + kv_lora + head_v_mla))
 *            q, Qcur (absorbed q_nope ‖ q_pe, one K-cache row per head), the attention output
 *            (kv_lora per head) and its wv_b projection all stay allocated, FA on or off.
 * Not modelled: where ggml-alloc places the logits. They go to the start of the last free block,
 * i.e. right above the highest tensor still allocated: the final norm, in place on the last layer's
 * ffn_out, which best-fit drops into whatever hole the freed mask and activations left. That address
 * is a fragmentation outcome, non-monotone in n_ctx (exaone4, 2 layers, FA, 1 seq: +0, +16, +0, +0,
 * +24, +24 MiB at 4k, 8k, 12k, 16k, 24k, 32k), reproduced exactly only by replaying the whole graph
 * through ggml-alloc. So where the template covers the model (template-layout.ts: a RoPE'd decoder
 * with one standard cache or an iSWA / chunked pair, no F32 cache, a dense FFN or routed experts whose
 * routing the plugin's graph facts name) the figure is that replay (accuracy `replayed`), the Hadamard
 * rotation of a quantized cache included (see replayedPeak). Elsewhere the closed forms stand, and
 * neither the logits' placement nor the rotation is modelled.
 * Unchecked in the closed forms: parallel attention + FFN blocks, MoE FFN peaks (ffnWidth is the
 * dense width).
 * Estimates: recurrent graphs (other tensors alive) and MLA without FA (exact at 4k,
 * off by up to 64 MiB elsewhere: how much of the chain stacks depends on the kq matrix's size).
 */
/** What the graph's shape takes from the plugin and the hparams: fixed per model, so computed once. */
interface GraphShape {
  readonly heads: number;
  readonly headsKv: number;
  readonly hasRope: boolean;
  /** A gated FFN keeps gate, up and their product; an ungated one applies its activation in place on up. */
  readonly gated: boolean;
  readonly preNorm: boolean;
  /** A required fused attn_qkv makes Q, K and V views of one tensor (where it is optional the separate layout is assumed). */
  readonly fusedQkv: boolean;
  /**
   * RoPE on the Q and K views of a fused qkv (no Q/K norm first, no learned position table instead)
   * writes fresh tensors, so qkv dies once K and V are stored and neither it nor kqv adds a slot above kq.
   */
  readonly ropedFromQkv: boolean;
}

const shapes = new WeakMap<object, GraphShape>();

/**
 * Per model: the template's layout (null: not covered), its reserve graphs compiled once per
 * (n, o, FA, rotation), and the replayed peaks by those and the cache sizes.
 */
const replays = new WeakMap<object, { vocab: number; ffnWidth: number; layout: TemplateLayout | null; graphs: Map<string, CompiledGraph>; peaks: Map<string, number> }>();

/** build_input_k_rot: the largest power of two from 64 up that divides the head dim. */
const kRotation = (headDim: number) => {
  let size = 64;
  while (headDim % (size * 2) === 0) size *= 2;
  return size;
};

/**
 * ggml-alloc's peak over the reserve graph where the template covers the model (see templateLayoutOf)
 * and neither cache is F32 (which FA would cast), else null. The graph is compiled once per (n, o,
 * FA, rotation); a replay for new cache sizes walks it, skipping repeated layers, and with FA
 * resumes from the first replay's state before the last layers (tens of µs).
 */
function replayedPeak(model: ComputeModel, decision: ComputeDecision, n: number, o: number, cells: number, swaCells: number, vocab: number, ffnWidth: number): number | null {
  if (decision.cacheTypeK === 'f32' || decision.cacheTypeV === 'f32') return null;
  let entry = replays.get(model.hparams);
  if (entry === undefined || entry.vocab !== vocab || entry.ffnWidth !== ffnWidth) {
    // The file's tensor names say which form of an alternative it has, and which layers carry experts.
    const names = model.tensors === undefined ? undefined : new Set(model.tensors.map((t) => t.name));
    entry = { vocab, ffnWidth, layout: templateLayoutOf(model, vocab, ffnWidth, names === undefined ? undefined : (name) => names.has(name)), graphs: new Map(), peaks: new Map() };
    replays.set(model.hparams, entry);
  }
  const layout = entry.layout;
  if (layout === null) return null;
  const rot = {
    k: isQuantized(decision.cacheTypeK) && layout.headDimK % 64 === 0 ? kRotation(layout.headDimK) : 0,
    v: isQuantized(decision.cacheTypeV) && layout.headDimV % 64 === 0 ? 64 : 0,
  };
  const fa = decision.flashAttention;
  const graphKey = `${n}/${o}/${fa}/${rot.k}/${rot.v}`;
  const key = `${graphKey}/${cells}/${swaCells}`;
  let peak = entry.peaks.get(key);
  if (peak === undefined) {
    let graph = entry.graphs.get(graphKey);
    if (graph === undefined) {
      graph = compileGraph(reserveGraph(layout, n, o, fa, rot));
      entry.graphs.set(graphKey, graph);
    }
    // Bounded: a caller sweeping every context keeps the last few hundred points.
    if (entry.peaks.size >= 512) entry.peaks.clear();
    peak = simulateCompiled(graph, cells, swaCells);
    entry.peaks.set(key, peak);
  }
  return peak;
}

function graphShape(model: ResolvedModel): GraphShape {
  const cached = shapes.get(model.hparams);
  if (cached !== undefined) return cached;
  const perLayer = model.arch.tensors.perLayer;
  const hasRope = model.arch.rope.type.value !== 'none';
  const fusedQkv = requiresFusedQkv(model.arch);
  const shape: GraphShape = {
    heads: Math.max(...model.hparams.headCount, 0),
    headsKv: Math.max(...model.hparams.headCountKv, 0),
    hasRope,
    gated: perLayer.some((t) => /^blk\.\{i\}\.ffn_gate(_up)?(_exps)?\.weight$/.test(t.name)),
    preNorm: perLayer.some((t) => t.name === 'blk.{i}.attn_norm.weight'),
    fusedQkv,
    ropedFromQkv: fusedQkv && hasRope && !model.arch.attention.qkNorm.value && !model.arch.tensors.global.some((t) => t.name === 'position_embd.weight'),
  };
  shapes.set(model.hparams, shape);
  return shape;
}

type ComputeDecision = Pick<Decision, 'flashAttention' | 'cacheTypeK' | 'cacheTypeV'>;
/** A model, with the file's tensor list when there is a file (a planned model). */
type ComputeModel = ResolvedModel & { readonly tensors?: readonly { readonly name: string }[] };

export function planCompute(model: ComputeModel, decision: ComputeDecision, context: ContextPlan, vocabSize: number, ffnWidth: number): ComputePlan {
  const h = model.hparams;
  const fa = decision.flashAttention;
  // graph_reserve rounds the ubatch up to a multiple of n_seq_max (one equal split per sequence);
  // the logits keep the unrounded n_outputs.
  const nOutputs = Math.min(context.cellsPerStream * context.streams, context.nUbatch);
  const n = Math.ceil(nOutputs / context.nSeq) * context.nSeq;
  const { heads, headsKv, hasRope, gated, preNorm, fusedQkv, ropedFromQkv } = graphShape(model);
  // An MLA cache stores K only: V is a view of it, so there are no v_idxs.
  const hasV = h.mla === null;
  // Per cache (the full one, then the SWA one): k_idxs, v_idxs (8 bytes per row with FA, per element
  // without: a transposed V scatters every element) and the mask (F16 with FA, F32 without).
  let inputs = aligned(4 * n) + (hasRope ? aligned(4 * n) : 0) + aligned(4 * nOutputs);
  const cacheInputs = (cells: number, vWidth: number) => aligned(8 * n) + (hasV ? aligned(8 * n * (fa ? 1 : vWidth)) : 0) + (fa ? 2 : 4) * n * cells;
  inputs += cacheInputs(context.cellsPerStream, headsKv * h.headDimV);
  if (model.swaCache) inputs += cacheInputs(context.swaCells ?? context.cellsPerStream, headsKv * h.headDimVSwa);
  // A hidden state flagged as a graph output (t_h_nextn) stays allocated under the logits.
  const hiddenState = model.arch.graph?.hiddenStateOutput?.value ?? 'none';
  const keptRows = hiddenState === 'all-rows' ? n : 0;
  const outputPhase = 4 * nOutputs * (vocabSize + h.nEmbd) + 4 * n * h.nEmbd + aligned(4 * n) + 4 * keptRows * h.nEmbd;
  const ffn = inputs + 4 * n * ((gated ? 3 : 1) * ffnWidth + 4 * h.nEmbd);
  const residual = preNorm ? 3 : 2;
  const kq = fa ? 0 : 4 * n * heads * context.cellsPerStream;
  const attention =
    h.mla !== null
      ? inputs + kq + 4 * n * (4 * h.nEmbd + heads * (h.mla.headDimKMla + h.headDimK + h.mla.kvLoraRank + h.mla.headDimVMla))
      : fa
        ? 0
        : ropedFromQkv
          ? inputs + kq + 4 * n * residual * h.nEmbd
          : inputs + kq + 4 * n * (residual * h.nEmbd + heads * h.headDimV + (fusedQkv ? headsKv * (h.headDimK + h.headDimV) : heads * h.headDimK));
  const layerPhase = Math.max(ffn, attention);
  // Where the template covers the graph, the replay also places the logits (see "Not modelled" above);
  // outputPhase and layerPhase stay the closed forms.
  const replayed = replayedPeak(model, decision, n, nOutputs, context.cellsPerStream, context.swaCells ?? context.cellsPerStream, vocabSize, ffnWidth);
  if (replayed !== null) return { outputPhase, layerPhase, bytes: replayed, accuracy: 'replayed' };
  // Without FA, how much of MLA's attention chain stacks depends on whether kq fills the holes.
  const closed = h.recurrent === null && (h.mla === null || fa);
  return { outputPhase, layerPhase, bytes: Math.max(outputPhase, layerPhase), accuracy: closed ? 'closed-form' : 'estimate' };
}
