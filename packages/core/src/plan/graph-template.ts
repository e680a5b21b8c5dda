import { cite } from '../schema/cite.js';
import type { HiddenStateOutput, MoeRouting } from '../schema/arch.js';
import type { AllocGraph, AllocLayer, AllocTensor } from './galloc.js';
import { moeFfn } from './moe-block.js';

export const RESERVE_GRAPH_RULE = cite(
  'src/llama-graph.cpp',
  'llm_graph_context::build_attn',
  'expands Q, then V, then K (the iSWA overload: Q, K, V); K and V are stored with set_rows into cache views, FA reads Q and the mask; the last layer selects out_ids rows of the attention output and the residual',
);
export const INP_EMBD_RULE = cite(
  'src/llama-graph.cpp',
  'llm_graph_context::build_inp_embd',
  'the vector-input leaf (n_embd × n_tokens f32) is added by ggml_build_forward_select with no consumer, so ggml-alloc never frees it',
);

/** A routed-expert FFN in place of the dense one (build_moe_ffn), as far as the template covers it. */
export interface MoeLayout {
  readonly experts: number;
  readonly used: number;
  /** Width of one expert's FFN (n_ff_exp). */
  readonly width: number;
  /** ffn_gate_inp.bias added to the router logits. */
  readonly routerBias: boolean;
  /** Per-expert biases on the gate, up and down projections (ggml_add_id). */
  readonly expertBiases: boolean;
  readonly gating: MoeRouting['gating'];
  readonly normalizeWeights: boolean;
  /** Top-k picked from the raw router logits rather than the probabilities. */
  readonly selectFromLogits: boolean;
  /** The routing weights scale each expert's input instead of its output. */
  readonly weightBeforeExperts: boolean;
  /** Width of a shared expert's gated FFN beside the routed ones, or null without one. */
  readonly sharedWidth: number | null;
}

/** The decoder's layout the template covers (every per-layer tensor of the plugin is one of these). */
export interface TemplateLayout {
  readonly layers: number;
  readonly nEmbd: number;
  readonly heads: number;
  readonly headsKv: number;
  readonly headDimK: number;
  readonly headDimV: number;
  readonly ffnWidth: number;
  readonly gated: boolean;
  /** attn_norm / ffn_norm before the blocks. */
  readonly preNorm: boolean;
  /** A norm on the attention and FFN outputs before their residual adds. */
  readonly postNorm: boolean;
  /** RMS norm of Q and K before RoPE: per head (over the reshaped view), over the whole row, or none. */
  readonly qkNorm: 'none' | 'head' | 'full';
  readonly vocab: number;
  /** Per layer: Q and K get RoPE (false on NoPE layers); layer 0 does, so the positions are reached there. */
  readonly ropeLayers: readonly boolean[];
  /** Per layer: attends through the SWA cache of an iSWA memory (all false: one cache). */
  readonly swaLayers: readonly boolean[];
  /** attn_output.bias added after the output projection. */
  readonly attnOutBias: boolean;
  /** Q, K and V are strided views of one fused attn_qkv projection. */
  readonly fusedQkv: boolean;
  /** ffn_up projects to 2·n_ff and a one-source GLU halves it (no ffn_gate). */
  readonly fusedGateUp: boolean;
  /** The layer-output add takes the residual as its first source (graph.ffnResidualFirst). */
  readonly ffnResidualFirst: boolean;
  /** A NoPE layer's Q is multiplied by the attention-temperature input (graph.nopeQueryScale). */
  readonly nopeQueryScale: boolean;
  /** Per layer: routed experts (with `moe`) instead of the dense FFN. */
  readonly moeLayers: readonly boolean[];
  /** Routed experts on the layers moeLayers marks. */
  readonly moe: MoeLayout | null;
  /**
   * `all-rows`: the last layer's output is a graph output (t_h_nextn), which ggml-alloc never frees,
   * and the out_ids rows are selected after the layers instead of inside the last one.
   */
  readonly hiddenStateOutput: HiddenStateOutput;
}

export const HADAMARD_RULE = cite(
  'src/llama-kv-cache.cpp',
  'llama_kv_cache::build_input_k_rot',
  'a quantized cache whose head dim is a multiple of 64 rotates Q and K (matrix of the largest power of two from 64 dividing the head dim) and V and the attention output (64 × 64): reshape, mul_mat by the F32 matrix input, reshape (llama_mul_mat_hadamard)',
);

/** Hadamard matrix sizes (0: no rotation), from the cache types. */
export interface Rotation {
  readonly k: number;
  readonly v: number;
}

/**
 * The prompt graph llama_context::graph_reserve builds for a RoPE'd decoder whose cache adds no cast
 * (neither K nor V F32), FA on or off, in ggml's node order. Sizes in bytes: n tokens (rounded to
 * n_seq), o outputs, `cells` per stream of the full cache and `swaCells` of the SWA one.
 */
export function reserveGraphAt(d: TemplateLayout, n: number, o: number, cells: number, fa: boolean, rot: Rotation = { k: 0, v: 0 }, swaCells = cells): AllocGraph {
  const graph = reserveGraph(d, n, o, fa, rot);
  const sized = (t: AllocTensor): AllocTensor => ({ ...t, bytes: t.bytes + (t.perCell ?? 0) * cells + (t.perSwaCell ?? 0) * swaCells, perCell: 0, perSwaCell: 0 });
  return { ...graph, leafs: graph.leafs.map(sized), nodes: graph.nodes.map(sized) };
}

/**
 * The same graph with the cache-sized tensors (KQ masks; kq and its soft_max without FA) given per
 * cell of the full and the SWA cache, so one compiled graph serves every context.
 */
export function reserveGraph(d: TemplateLayout, n: number, o: number, fa: boolean, rot: Rotation = { k: 0, v: 0 }): AllocGraph {
  const row = (t: number) => 4 * t * d.nEmbd;
  const q = 4 * n * d.heads * d.headDimK;
  const k = 4 * n * d.headsKv * d.headDimK;
  const v = 4 * n * d.headsKv * d.headDimV;
  const faOut = 4 * n * d.heads * d.headDimV;
  const ffn = (t: number) => 4 * t * d.ffnWidth;
  const layers: AllocLayer[] = [];
  const nodes: AllocTensor[] = [];
  const op = (name: string, bytes: number, srcs: string[], extra: Partial<AllocTensor> = {}) => {
    nodes.push({ name, bytes, srcs, ...extra });
    return name;
  };
  const view = (name: string, of: string, src = of) => op(name, 0, [src], { viewOf: of });
  const inplace = { inplace: true };
  // build_norm: rms_norm, then the weight multiply, both in place where ggml-alloc allows it (not over
  // a view, nor over a tensor with other consumers: simulateAlloc decides).
  const norm = (name: string, bytes: number, input: string) => op(`${name}.w`, bytes, [op(name, bytes, [input], inplace)], inplace);
  // reshape (a view of the contiguous input), mul_mat by the matrix, reshape back
  const rotate = (name: string, bytes: number, input: string, of: string, matrix: string) => view(`${name}.r`, op(name, bytes, [matrix, view(`${name}.in`, of, input)]));
  // The single-cache build_attn expands Q, V, K (K last for the RoPE-into-cache fusion); the iSWA one Q, K, V.
  const kvOrder = d.swaLayers.some(Boolean) ? (['K', 'V'] as const) : (['V', 'K'] as const);
  const cacheOf = (il: number) => (d.swaLayers[il] === true ? '_swa' : '');
  // Leafs in the order a depth-first walk of each layer first reaches them: Q's chain (its rotation
  // matrix is src0 of the rotation, then RoPE's positions or a NoPE layer's query scale), K's and V's
  // in the order build_attn expands them, the stores' indices, the mask; out_ids last.
  const leafBytes: Record<string, number> = {
    inp_pos: 4 * n,
    attn_scale: 4 * n,
    k_rot: 4 * rot.k * rot.k,
    v_rot: 4 * rot.v * rot.v,
    k_idxs: 8 * n,
    // without FA V is stored transposed: one index per element; the mask is F32
    v_idxs: 8 * n * (fa ? 1 : d.headsKv * d.headDimV),
  };
  const leafs: AllocTensor[] = [
    { name: 'inp_tokens', bytes: 4 * n },
    { name: 'inp_embd', bytes: row(n) },
  ];
  const reached = new Set<string>();
  const reach = (base: string, c = '', perCell = 0) => {
    if (reached.has(base + c)) return;
    reached.add(base + c);
    leafs.push({ name: base + c, bytes: leafBytes[base] ?? 0, ...(perCell > 0 ? (c === '_swa' ? { perSwaCell: perCell } : { perCell }) : {}) });
  };
  for (let il = 0; il < d.layers; il++) {
    const c = cacheOf(il);
    const qInput = d.ropeLayers[il] !== false ? 'inp_pos' : d.nopeQueryScale ? 'attn_scale' : undefined;
    const kChain = () => {
      if (rot.k > 0) reach('k_rot', c);
      if (d.ropeLayers[il] !== false) reach('inp_pos');
    };
    const vChain = () => (rot.v > 0 ? reach('v_rot', c) : undefined);
    if (rot.k > 0) reach('k_rot', c);
    if (qInput !== undefined) reach(qInput);
    for (const which of kvOrder) (which === 'K' ? kChain : vChain)();
    reach('k_idxs', c);
    reach('v_idxs', c);
    reach('kq_mask', c, (fa ? 2 : 4) * n);
  }
  leafs.push({ name: 'out_ids', bytes: 4 * o }, { name: 'cache', bytes: 0, external: true });

  let x = op('embd', row(n), ['inp_tokens']);
  for (let il = 0; il < d.layers; il++) {
    const last = il === d.layers - 1;
    const c = cacheOf(il);
    layers.push({ start: nodes.length, input: x, kind: `${c}|${d.ropeLayers[il] !== false}|${d.moeLayers[il] === true}|${last}` });
    const input = d.preNorm ? norm(`attn_norm${il}`, row(n), x) : x;
    // Q and K are reshaped (views) before their norm or RoPE, which therefore cannot run in place; a
    // NoPE layer skips the RoPE. Returns the tensor and the allocated tensor it is (or views).
    // A fused attn_qkv is one projection whose Q, K and V are strided views (made at Q, its first use).
    let qkv: string | undefined;
    const projection = (name: string, bytes: number) => (d.fusedQkv ? (qkv ??= op(`qkv${il}`, q + k + v, [input])) : op(`${name}cur${il}`, bytes, [input]));
    const qk = (name: string, bytes: number) => {
      const cur = projection(name, bytes);
      // per head: over the reshaped view (a fresh tensor); over the whole row: in place before the reshape
      const normed = d.qkNorm === 'head' ? norm(`${name}norm${il}`, bytes, view(`${name}view${il}`, cur)) : view(`${name}view${il}`, d.qkNorm === 'full' ? norm(`${name}norm${il}`, bytes, cur) : cur);
      const base = d.qkNorm === 'none' ? cur : `${name}norm${il}.w`;
      // A NoPE layer's Q may be multiplied by the attention-temperature input (a fresh tensor: its source is a view).
      const nope = d.ropeLayers[il] === false;
      const roped = !nope ? op(`${name}rope${il}`, bytes, [normed, 'inp_pos'], inplace) : d.nopeQueryScale && name === 'Q' ? op(`Qscale${il}`, bytes, [normed, 'attn_scale'], inplace) : normed;
      if (rot.k > 0) return { t: rotate(`${name}rot${il}`, bytes, roped, roped === normed ? base : roped, `k_rot${c}`), root: `${name}rot${il}` };
      return { t: roped, root: roped === normed ? base : roped };
    };
    const vOf = () => {
      const vc = projection('V', v);
      let vv = view(`Vview${il}`, vc);
      let vRoot = vc;
      // A strided V view is copied contiguous where a reshape needs it: before the rotation, and for
      // the transposed store without FA (cpy_v's ggml_cont_2d).
      if (d.fusedQkv && (rot.v > 0 || !fa)) vv = vRoot = op(`Vcont${il}`, v, [vv]);
      return rot.v > 0 ? { vv: rotate(`Vrot${il}`, v, vv, vRoot, `v_rot${c}`), vRoot: `Vrot${il}` } : { vv, vRoot };
    };
    const { t: qr, root: qRoot } = qk('Q', q);
    let vv = '';
    let vRoot = '';
    let kr = '';
    let kRoot = '';
    for (const which of kvOrder) {
      if (which === 'K') ({ t: kr, root: kRoot } = qk('K', k));
      else ({ vv, vRoot } = vOf());
    }
    op(`setK${il}`, 0, [view(`Kset${il}`, kRoot, kr), `k_idxs${c}`], { viewOf: 'cache' });
    op(`setV${il}`, 0, [view(`Vset${il}`, vRoot, vv), `v_idxs${c}`], { viewOf: 'cache' });
    const qPerm = view(`Qperm${il}`, qRoot, qr);
    // FA: one op; without: kq = K·Q (f32, cells per token and head), soft_max in place, V·kq, then the
    // permuted result made contiguous.
    const kqBytes = c === '_swa' ? { perSwaCell: 4 * n * d.heads } : { perCell: 4 * n * d.heads };
    const attn = fa
      ? op(`fa${il}`, faOut, [qPerm, `kq_mask${c}`])
      : op(`kqv_cont${il}`, faOut, [view(`kqv_perm${il}`, `kqv${il}`, op(`kqv${il}`, faOut, [op(`kq_soft_max${il}`, 0, [op(`kq${il}`, 0, [qPerm], kqBytes), `kq_mask${c}`], { ...kqBytes, inplace: true })]))]);
    let kqv = view(`kqv_out${il}`, attn);
    if (rot.v > 0) kqv = rotate(`kqv_rot${il}`, faOut, kqv, attn, `v_rot${c}`);
    let cur = op(`attn_out${il}`, row(n), [kqv]);
    if (d.attnOutBias) cur = op(`attn_out_b${il}`, row(n), [cur], inplace);
    let residual = x;
    // With the hidden state as an output the last layer keeps every row; the rows are selected after.
    const rowsInLayer = last && d.hiddenStateOutput !== 'all-rows';
    const t = rowsInLayer ? o : n;
    if (rowsInLayer) cur = op(`attn_rows${il}`, row(o), [cur, 'out_ids']);
    if (d.postNorm) cur = norm(`attn_post_norm${il}`, row(t), cur);
    if (rowsInLayer) residual = op(`residual_rows${il}`, row(o), [x, 'out_ids']);
    const ffnInp = op(`ffn_inp${il}`, row(t), [cur, residual], inplace);
    const ffnIn = d.preNorm ? norm(`ffn_norm${il}`, row(t), ffnInp) : ffnInp;
    let out: string;
    if (d.moe !== null && d.moeLayers[il] === true) {
      out = moeFfn(d.moe, il, t, row(t), ffnIn, op, view);
    } else {
      // gated: gate and up, their GLU; fused gate+up: one projection twice as wide, halved by the GLU;
      // ungated: up, activated in place.
      const act = d.gated
        ? op(`glu${il}`, ffn(t), [op(`gate${il}`, ffn(t), [ffnIn]), op(`up${il}`, ffn(t), [ffnIn])])
        : d.fusedGateUp
          ? op(`glu${il}`, ffn(t), [op(`gate_up${il}`, 2 * ffn(t), [ffnIn])])
          : op(`act${il}`, ffn(t), [op(`up${il}`, ffn(t), [ffnIn])], inplace);
      out = op(`ffn_out${il}`, row(t), [act]);
    }
    if (d.postNorm) out = norm(`ffn_post_norm${il}`, row(t), out);
    // ggml-alloc reuses the first source it alone still consumes: the FFN output, or the residual where the add takes it first.
    x = op(`l_out${il}`, row(t), d.ffnResidualFirst ? [ffnInp, out] : [out, ffnInp], { inplace: true, output: last && d.hiddenStateOutput === 'all-rows' });
  }
  if (d.hiddenStateOutput === 'all-rows') x = op('out_rows', row(o), [x, 'out_ids']);
  const resultNorm = op('result_norm.w', row(o), [op('result_norm', row(o), [x], inplace)], { inplace: true, output: true });
  op('result_output', 4 * o * d.vocab, [resultNorm], { output: true });
  return { leafs, nodes, layers };
}
