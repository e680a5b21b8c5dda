import { cite } from '../schema/cite.js';
import type { ResolvedModel } from '../model/resolve-model.js';
import type { AllocGraph, AllocTensor } from './galloc.js';

export const RESERVE_GRAPH_RULE = cite(
  'src/llama-graph.cpp',
  'llm_graph_context::build_attn',
  'expands Q, then V, then K; K and V are stored with set_rows into cache views, FA reads Q and the mask; the last layer selects out_ids rows of the attention output and the residual',
);
export const INP_EMBD_RULE = cite(
  'src/llama-graph.cpp',
  'llm_graph_context::build_inp_embd',
  'the vector-input leaf (n_embd × n_tokens f32) is added by ggml_build_forward_select with no consumer, so ggml-alloc never frees it',
);

/** The dense decoder's layout the template covers (every per-layer tensor of the plugin is one of these). */
export interface DenseLayout {
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
  /** RMS norm of Q and K per head before RoPE. */
  readonly qkNorm: boolean;
  readonly vocab: number;
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
 * The prompt graph llama_context::graph_reserve builds for a dense, RoPE'd decoder whose cache adds
 * no cast (neither K nor V F32), FA on or off, in ggml's node order. Sizes in
 * bytes: n tokens (rounded to n_seq), o outputs, `cells` per stream.
 */
export function denseReserveGraph(d: DenseLayout, n: number, o: number, cells: number, fa: boolean, rot: Rotation = { k: 0, v: 0 }): AllocGraph {
  const row = (t: number) => 4 * t * d.nEmbd;
  const q = 4 * n * d.heads * d.headDimK;
  const k = 4 * n * d.headsKv * d.headDimK;
  const v = 4 * n * d.headsKv * d.headDimV;
  const faOut = 4 * n * d.heads * d.headDimV;
  const ffn = (t: number) => 4 * t * d.ffnWidth;
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
  // Leafs in the order the graph first reaches them: the matrices are src0 of the first Q and V rotations.
  const leafs: AllocTensor[] = [
    { name: 'inp_tokens', bytes: 4 * n },
    { name: 'inp_embd', bytes: row(n) },
    ...(rot.k > 0 ? [{ name: 'k_rot', bytes: 4 * rot.k * rot.k }] : []),
    { name: 'inp_pos', bytes: 4 * n },
    ...(rot.v > 0 ? [{ name: 'v_rot', bytes: 4 * rot.v * rot.v }] : []),
    { name: 'k_idxs', bytes: 8 * n },
    // without FA V is stored transposed: one index per element; the mask is F32
    { name: 'v_idxs', bytes: 8 * n * (fa ? 1 : d.headsKv * d.headDimV) },
    { name: 'kq_mask', bytes: (fa ? 2 : 4) * cells * n },
    { name: 'out_ids', bytes: 4 * o },
    { name: 'cache', bytes: 0, external: true },
  ];
  let x = op('embd', row(n), ['inp_tokens']);
  for (let il = 0; il < d.layers; il++) {
    const last = il === d.layers - 1;
    const input = d.preNorm ? norm(`attn_norm${il}`, row(n), x) : x;
    // Q and K are reshaped (views) before their norm or RoPE, which therefore cannot run in place.
    const qk = (name: string, bytes: number) => {
      const cur = op(`${name}cur${il}`, bytes, [input]);
      const normed = d.qkNorm ? norm(`${name}norm${il}`, bytes, view(`${name}view${il}`, cur)) : view(`${name}view${il}`, cur);
      const roped = op(`${name}rope${il}`, bytes, [normed, 'inp_pos'], inplace);
      return rot.k > 0 ? rotate(`${name}rot${il}`, bytes, roped, roped, 'k_rot') : roped;
    };
    const qr = qk('Q', q);
    const vc = op(`Vcur${il}`, v, [input]);
    let vv = view(`Vview${il}`, vc);
    let vRoot = vc;
    if (rot.v > 0) {
      vv = rotate(`Vrot${il}`, v, vv, vc, 'v_rot');
      vRoot = `Vrot${il}`;
    }
    const kr = qk('K', k);
    const kRoot = rot.k > 0 ? `Krot${il}` : kr;
    op(`setK${il}`, 0, [view(`Kset${il}`, kRoot, kr), 'k_idxs'], { viewOf: 'cache' });
    op(`setV${il}`, 0, [view(`Vset${il}`, vRoot, vv), 'v_idxs'], { viewOf: 'cache' });
    const qRoot = rot.k > 0 ? `Qrot${il}` : qr;
    const qPerm = view(`Qperm${il}`, qRoot, qr);
    // FA: one op; without: kq = K·Q (f32, cells per token and head), soft_max in place, V·kq, then the
    // permuted result made contiguous.
    const attn = fa
      ? op(`fa${il}`, faOut, [qPerm, 'kq_mask'])
      : op(`kqv_cont${il}`, faOut, [view(`kqv_perm${il}`, `kqv${il}`, op(`kqv${il}`, faOut, [op(`kq_soft_max${il}`, 4 * n * d.heads * cells, [op(`kq${il}`, 4 * n * d.heads * cells, [qPerm]), 'kq_mask'], inplace)]))]);
    let kqv = view(`kqv_out${il}`, attn);
    if (rot.v > 0) kqv = rotate(`kqv_rot${il}`, faOut, kqv, attn, 'v_rot');
    let cur = op(`attn_out${il}`, row(n), [kqv]);
    let residual = x;
    const t = last ? o : n;
    if (last) cur = op(`attn_rows${il}`, row(o), [cur, 'out_ids']);
    if (d.postNorm) cur = norm(`attn_post_norm${il}`, row(t), cur);
    if (last) residual = op(`residual_rows${il}`, row(o), [x, 'out_ids']);
    const ffnInp = op(`ffn_inp${il}`, row(t), [cur, residual], inplace);
    const ffnIn = d.preNorm ? norm(`ffn_norm${il}`, row(t), ffnInp) : ffnInp;
    const act = d.gated
      ? op(`glu${il}`, ffn(t), [op(`gate${il}`, ffn(t), [ffnIn]), op(`up${il}`, ffn(t), [ffnIn])])
      : op(`act${il}`, ffn(t), [op(`up${il}`, ffn(t), [ffnIn])], inplace);
    let out = op(`ffn_out${il}`, row(t), [act]);
    if (d.postNorm) out = norm(`ffn_post_norm${il}`, row(t), out);
    x = op(`l_out${il}`, row(t), [out, ffnInp], inplace);
  }
  const resultNorm = op('result_norm.w', row(o), [op('result_norm', row(o), [x], inplace)], { inplace: true, output: true });
  op('result_output', 4 * o * d.vocab, [resultNorm], { output: true });
  return { leafs, nodes };
}

/** Per-layer tensors the template builds nodes for (a plugin declaring any other is not covered). */
const TEMPLATE_TENSORS = new Set([
  'attn_norm',
  'attn_q',
  'attn_k',
  'attn_v',
  'attn_output',
  'attn_q_norm',
  'attn_k_norm',
  'post_attention_norm',
  'ffn_norm',
  'ffn_gate',
  'ffn_up',
  'ffn_down',
  'post_ffw_norm',
]);
const GLOBAL_TENSORS = new Set(['token_embd.weight', 'output_norm.weight', 'output.weight', 'rope_freqs.weight']);

/**
 * The dense layout of a model when the template covers its graph exactly, else null: one standard
 * causal KV cache, RoPE on every layer, the same heads and FFN width on every layer, no MLA, MoE,
 * sinks, softcap, ALiBi or shared KV, and every declared per-layer weight one of TEMPLATE_TENSORS
 * (Q/K norms per head). Keyed on schema facts only.
 */
export function denseLayoutOf(model: ResolvedModel, vocab: number, ffnWidth: number): DenseLayout | null {
  const { arch, hparams: h } = model;
  const att = arch.attention;
  if (model.memory !== 'kv' || h.mla !== null || h.recurrent !== null || h.expertCount > 0 || h.kvShareStart !== null) return null;
  if (!att.causal.value || att.softcap.value !== null || att.sinks.value || att.alibi.value !== null) return null;
  if (arch.tensors.global.some((t) => !GLOBAL_TENSORS.has(t.name))) return null;
  const perLayer = arch.tensors.perLayer.filter((t) => t.layers !== 'mtp');
  const names = new Set<string>();
  for (const t of perLayer) {
    const m = /^blk\.\{i\}\.(\w+)\.weight$/.exec(t.name);
    if (m === null || !TEMPLATE_TENSORS.has(m[1] ?? '')) return null;
    if ((m[1] === 'attn_q_norm' || m[1] === 'attn_k_norm') && t.shape.join() !== 'n_embd_head_k') return null;
    names.add(m[1] ?? '');
  }
  const trunk = model.layers.filter((l) => !l.isMtp);
  const first = trunk[0];
  if (first === undefined || !names.has('attn_q') || !names.has('ffn_up') || !names.has('ffn_down')) return null;
  const same = trunk.every((l) => l.kind === 'full' && l.rope && l.ownsKv && l.headCount === first.headCount && l.headCountKv === first.headCountKv && l.ffLength === ffnWidth);
  if (!same) return null;
  const preNorm = names.has('attn_norm') && names.has('ffn_norm');
  const postNorm = names.has('post_attention_norm') && names.has('post_ffw_norm');
  // Exactly one norm per block, at one place: pre-norm or post-norm.
  if (preNorm === postNorm || names.has('attn_norm') !== names.has('ffn_norm') || names.has('post_attention_norm') !== names.has('post_ffw_norm')) return null;
  if (names.has('attn_q_norm') !== att.qkNorm.value || names.has('attn_k_norm') !== att.qkNorm.value) return null;
  return {
    layers: trunk.length,
    nEmbd: h.nEmbd,
    heads: first.headCount,
    headsKv: first.headCountKv,
    headDimK: first.headDimK,
    headDimV: first.headDimV,
    ffnWidth,
    gated: names.has('ffn_gate'),
    preNorm,
    postNorm,
    qkNorm: att.qkNorm.value,
    vocab,
  };
}
