import { cite } from '../schema/cite.js';
import { DynAllocator } from './dyn-allocator.js';

export const GALLOC_RULE = cite(
  'ggml/src/ggml-alloc.c',
  'ggml_gallocr_alloc_graph_impl',
  'leafs are allocated first in graph order; each node then allocates (in place over a parent it alone consumes when its op allows), and frees a parent once its last consumer and view are done; graph outputs are never freed',
);
/** One tensor of a graph as ggml-alloc sees it. */
export interface AllocTensor {
  readonly name: string;
  /** ggml_nbytes (the part that does not scale with the caches); views and tensors in other buffers take none. */
  readonly bytes: number;
  /** Bytes per cell of the full cache (a KQ mask, a kq matrix): the size is bytes + perCell·cells + perSwaCell·swaCells. */
  readonly perCell?: number;
  /** Bytes per cell of the SWA cache. */
  readonly perSwaCell?: number;
  /** Ops ggml_op_can_inplace accepts (ADD, MUL, SCALE, ROPE, RMS_NORM, SOFT_MAX, UNARY, …). */
  readonly inplace?: boolean;
  /** The tensor this one views (ggml's view_src: the root, never a view itself). */
  readonly viewOf?: string;
  /** Tensors it reads (ggml src[]); names of tensors declared earlier in the graph. */
  readonly srcs?: readonly string[];
  /** GGML_TENSOR_FLAG_OUTPUT: never freed. */
  readonly output?: boolean;
  /** Lives in another buffer (weights, KV cache): never allocated here. */
  readonly external?: boolean;
}

/** Where a repeated block (a decoder layer) starts in the node list, the tensor it reads, and its structure. */
export interface AllocLayer {
  /** Index into `nodes` of the layer's first node. */
  readonly start: number;
  /** The tensor the layer reads from the one before (the residual stream). */
  readonly input: string;
  /** Layers of equal kind build the same nodes with the same sizes. */
  readonly kind: string;
}

/** A graph in ggml's order: leafs (inputs, in graph order) and nodes (in execution order). */
export interface AllocGraph {
  readonly leafs: readonly AllocTensor[];
  readonly nodes: readonly AllocTensor[];
  /** The layers, in order, when the nodes are built layer by layer (lets the replay skip repeats). */
  readonly layers?: readonly AllocLayer[];
}

/**
 * A graph turned into arrays once (tensors by index: leafs, then nodes), so that replaying it for
 * another cache size costs only the allocator's walk.
 */
export interface CompiledGraph {
  readonly leafCount: number;
  readonly count: number;
  readonly bytes: Float64Array;
  readonly perCell: Float64Array;
  readonly perSwaCell: Float64Array;
  /** 1: in place allowed, 2: output, 4: external, 8: view. */
  readonly flags: Uint8Array;
  readonly viewOf: Int32Array;
  /** Sources of tensor t: srcs[srcStart[t] … srcStart[t + 1]). */
  readonly srcStart: Int32Array;
  readonly srcs: Int32Array;
  /** Tensors whose size scales with a cache (perCell or perSwaCell not 0). */
  readonly cacheSized: Int32Array;
  /** Per tensor: how many nodes read it and how many views it has (ggml-alloc's n_children, n_views before the walk). */
  readonly consumers: Int32Array;
  readonly views: Int32Array;
  /** Per layer: first tensor index, input tensor index, kind id. */
  readonly layerStart: Int32Array;
  readonly layerInput: Int32Array;
  readonly layerKind: Int32Array;
}

/** counts[i] += by. */
const bump = (counts: Int32Array, i: number, by: number) => {
  counts[i] = (counts[i] as number) + by;
};

const INPLACE = 1;
const OUTPUT = 2;
const EXTERNAL = 4;
const VIEW = 8;

export function compileGraph(graph: AllocGraph): CompiledGraph {
  const tensors = [...graph.leafs, ...graph.nodes];
  const index = new Map<string, number>();
  tensors.forEach((t, i) => {
    if (index.has(t.name)) throw new Error(`galloc: tensor ${t.name} declared twice`);
    index.set(t.name, i);
  });
  const at = (name: string) => {
    const i = index.get(name);
    if (i === undefined) throw new Error(`galloc: unknown tensor ${name}`);
    return i;
  };
  const count = tensors.length;
  const bytes = new Float64Array(count);
  const perCell = new Float64Array(count);
  const perSwaCell = new Float64Array(count);
  const flags = new Uint8Array(count);
  const viewOf = new Int32Array(count).fill(-1);
  const srcStart = new Int32Array(count + 1);
  const srcList: number[] = [];
  tensors.forEach((t, i) => {
    bytes[i] = t.bytes;
    perCell[i] = t.perCell ?? 0;
    perSwaCell[i] = t.perSwaCell ?? 0;
    flags[i] = (t.inplace === true ? INPLACE : 0) | (t.output === true ? OUTPUT : 0) | (t.external === true ? EXTERNAL : 0) | (t.viewOf !== undefined ? VIEW : 0);
    if (t.viewOf !== undefined) viewOf[i] = at(t.viewOf);
    srcStart[i] = srcList.length;
    for (const src of t.srcs ?? []) srcList.push(at(src));
  });
  srcStart[count] = srcList.length;
  const consumers = new Int32Array(count);
  const views = new Int32Array(count);
  for (let t = graph.leafs.length; t < count; t++) {
    if (viewOf[t] !== -1) bump(views, viewOf[t] as number, 1);
    for (let s = srcStart[t] as number; s < (srcStart[t + 1] as number); s++) bump(consumers, srcList[s] as number, 1);
  }
  const layers = graph.layers ?? [];
  const kinds = new Map<string, number>();
  return {
    leafCount: graph.leafs.length,
    count,
    bytes,
    perCell,
    perSwaCell,
    flags,
    viewOf,
    srcStart,
    srcs: Int32Array.from(srcList),
    cacheSized: Int32Array.from(tensors.flatMap((t, i) => ((t.perCell ?? 0) !== 0 || (t.perSwaCell ?? 0) !== 0 ? [i] : []))),
    consumers,
    views,
    layerStart: Int32Array.from(layers.map((l) => graph.leafs.length + l.start)),
    layerInput: Int32Array.from(layers.map((l) => at(l.input))),
    layerKind: Int32Array.from(layers.map((l) => kinds.get(l.kind) ?? (kinds.set(l.kind, kinds.size).get(l.kind) as number))),
  };
}

/**
 * Replays ggml_gallocr_reserve over a graph and returns the buffer's peak (the compute buffer the
 * runtime reserves for it). Views are never reused in place: ggml only reuses a parent it allocated itself.
 */
export function simulateAlloc(graph: AllocGraph): number {
  return simulateCompiled(compileGraph(graph));
}

/**
 * The state of a replay at a layer boundary, taken before any leaf is freed: where later replays of
 * the same graph for other cache sizes resume. Valid when only leafs scale with the caches (FA on):
 * the leafs sit contiguously at the bottom of the buffer and only the last layers free them, so up to
 * that boundary every node lies at the same place relative to the end of the leafs (best fit compares
 * block sizes, which do not change), except in holes below the leafs' end, which stay where they are.
 */
interface ResumePoint {
  readonly node: number;
  readonly leafEnd: number;
  readonly peak: number;
  readonly free: readonly { offset: number; size: number }[];
  readonly children: Int32Array;
  readonly views: Int32Array;
  readonly leafAllocated: Uint8Array;
  /** Allocated tensors other than leafs, with their offsets. */
  readonly nodes: readonly { t: number; offset: number }[];
}
const resumePoints = new WeakMap<CompiledGraph, ResumePoint | null>();

/**
 * The replay over a compiled graph for these cache sizes. Layers repeat: once the allocator's state
 * (its free blocks and the one activation alive between layers, at the same offset) at a layer
 * boundary equals the state one period of layer kinds earlier, every later period up to the last
 * layer replays the same steps at the same offsets, so those periods are skipped (the peak is the
 * period's own, already seen) and only the inputs' remaining consumers are counted down (never below
 * two, so no input is freed or reused in place inside a skipped layer). Later replays of a resumable
 * graph start from a ResumePoint. Exact, not an approximation. `walked` counts the nodes replayed.
 */
export function simulateCompiled(g: CompiledGraph, cells = 0, swaCells = 0, walked?: { nodes: number }): number {
  const { count, leafCount, flags, viewOf, srcStart, srcs } = g;
  const size = g.bytes.slice();
  for (const t of g.cacheSized) size[t] = (g.bytes[t] as number) + (g.perCell[t] as number) * cells + (g.perSwaCell[t] as number) * swaCells;
  const children = g.consumers.slice();
  const views = g.views.slice();
  const allocated = new Uint8Array(count);
  const offset = new Float64Array(count);
  /** How many tensors other than leafs are allocated: at a layer boundary, only the residual stream should be. */
  let live = 0;
  const allocator = new DynAllocator();
  // The first replay of a resumable graph records the state at each layer boundary until a leaf is
  // freed after the first boundary (the token ids' leaf is freed before it, the same for every size).
  let capturing = false;
  let captures = 0;
  let capture: ResumePoint | null = null;

  const allocate = (t: number) => {
    if ((flags[t] as number) & (EXTERNAL | VIEW) || allocated[t] === 1) return;
    allocated[t] = 1;
    if (t >= leafCount) live += 1;
    if ((flags[t] as number) & INPLACE) {
      for (let s = srcStart[t] as number; s < (srcStart[t + 1] as number); s++) {
        const p = srcs[s] as number;
        if (allocated[p] !== 1 || (flags[p] as number) & OUTPUT || size[p] !== size[t]) continue;
        if (children[p] === 1 && views[p] === 0) {
          offset[t] = offset[p] as number;
          allocated[p] = 0;
          if (p >= leafCount) live -= 1;
          return;
        }
      }
    }
    offset[t] = allocator.alloc(size[t] as number);
  };
  const release = (t: number) => {
    if ((flags[t] as number) & OUTPUT) return;
    // a freed leaf leaves a hole whose size depends on the caches: the recorded state must come before it
    if (t < leafCount && captures > 0) capturing = false;
    allocator.release(offset[t] as number, size[t] as number);
    allocated[t] = 0;
    if (t >= leafCount) live -= 1;
  };

  for (let t = 0; t < leafCount; t++) allocate(t);
  const leafEnd = allocator.peak;

  const layers = g.layerStart.length;
  const resumable = layers > 0 && g.cacheSized.every((t) => t < leafCount);
  const resume = resumable ? resumePoints.get(g) : null;
  if (resume !== undefined && resume !== null) return resumeFrom(resume);
  capturing = resumable && resume === undefined;
  const boundary = (il: number) => {
    if (capturing) capture = captured(il);
    return layerBoundary(il);
  };
  // Per layer boundary: the allocator state's signature and the leafs' remaining consumers and views.
  const signatures: (string | null)[] = [];
  const leafUses: Int32Array[] = [];
  let jumped = false;
  const snapshots: ({ free: { offset: number; size: number }[]; inputOffset: number } | undefined)[] = [];
  let layer = 0;
  let t = leafCount;
  while (t < count) {
    if (layer < layers && t === g.layerStart[layer]) {
      const skipTo = boundary(layer);
      layer += 1;
      if (skipTo !== undefined) {
        t = skipTo.node;
        layer = skipTo.layer + 1;
        if (capturing) capture = captured(skipTo.layer);
        continue;
      }
    }
    step(t);
    t += 1;
    if (walked !== undefined) walked.nodes += 1;
  }
  if (resumable && resume === undefined) resumePoints.set(g, capture);
  return allocator.peak;

  /** The state before layer `il`, or null where a free block straddles the leafs' end (nothing to shift cleanly). */
  function captured(il: number): ResumePoint | null {
    captures += 1;
    if (allocator.free.some((b) => b.offset < leafEnd && b.offset + b.size > leafEnd)) return null;
    const nodes: { t: number; offset: number }[] = [];
    for (let n = leafCount; n < count; n++) if (allocated[n] === 1) nodes.push({ t: n, offset: offset[n] as number });
    return {
      node: g.layerStart[il] as number,
      leafEnd,
      peak: allocator.peak,
      free: allocator.snapshot(),
      children: children.slice(),
      views: views.slice(),
      leafAllocated: allocated.slice(0, leafCount),
      nodes,
    };
  }

  /** Resumes a recorded replay for these cache sizes: shifts what lies above the leafs by the change in their size, walks the rest. */
  function resumeFrom(r: ResumePoint): number {
    const delta = leafEnd - r.leafEnd;
    const shift = (at: number) => (at >= r.leafEnd ? at + delta : at);
    allocator.restore(r.free, shift);
    allocator.peak = r.peak + delta;
    children.set(r.children);
    views.set(r.views);
    allocated.set(r.leafAllocated);
    for (const n of r.nodes) {
      allocated[n.t] = 1;
      offset[n.t] = shift(n.offset);
      live += 1;
    }
    for (let n = r.node; n < count; n++) {
      step(n);
      if (walked !== undefined) walked.nodes += 1;
    }
    return allocator.peak;
  }

  function step(node: number) {
    const from = srcStart[node] as number;
    const to = srcStart[node + 1] as number;
    for (let s = from; s < to; s++) allocate(srcs[s] as number);
    allocate(node);
    for (let s = from; s < to; s++) {
      const p = srcs[s] as number;
      bump(children, p, -1);
      if (children[p] !== 0 || views[p] !== 0) continue;
      if ((flags[p] as number) & VIEW) {
        const root = viewOf[p] as number;
        bump(views, root, -1);
        if (views[root] === 0 && children[root] === 0 && allocated[root] === 1) release(root);
      } else if (allocated[p] === 1) {
        release(p);
      }
    }
  }

  /**
   * Records the state before layer `il`. When it equals the state one period of layer kinds back,
   * the state before any later layer b (up to the last) is the recorded one at the boundary of b's
   * phase within that period, with the leafs' consumers counted down by the periods between: jumps
   * to the furthest such b where every leaf still has two consumers left.
   */
  function layerBoundary(il: number): { node: number; layer: number } | undefined {
    const input = g.layerInput[il] as number;
    const signature = live === 1 && input >= leafCount && allocated[input] === 1 ? `${offset[input]}|${allocator.free.map((b) => `${b.offset}+${b.size}`).join(',')}` : null;
    signatures[il] = signature;
    const uses = new Int32Array(2 * leafCount);
    uses.set(children.subarray(0, leafCount));
    uses.set(views.subarray(0, leafCount), leafCount);
    leafUses[il] = uses;
    // one jump: the boundaries it passes over have no record to take a phase from
    if (signature === null || jumped) return undefined;
    snapshots[il] = { free: allocator.snapshot(), inputOffset: offset[input] as number };
    const last = layers - 1;
    for (let from = il - 1; from >= 0; from--) {
      if (signatures[from] !== signature) continue;
      const period = il - from;
      // every layer from `from` up to the one before the last follows the period
      let periodic = true;
      for (let k = il; k < last && periodic; k++) periodic = g.layerKind[k] === g.layerKind[k - period];
      if (!periodic) continue;
      const before = leafUses[from] as Int32Array;
      const after = leafUses[il] as Int32Array;
      for (let target = last; target > il; target--) {
        const phase = from + ((target - from) % period);
        const periods = (target - phase) / period;
        const at = leafUses[phase] as Int32Array;
        // every leaf keeps two consumers: none is freed or reused in place inside the skipped layers
        let kept = true;
        for (let i = 0; i < leafCount && kept; i++) {
          const perPeriod = (before[i] as number) - (after[i] as number);
          kept = perPeriod === 0 || (at[i] as number) - periods * perPeriod >= 2;
        }
        const snapshot = snapshots[phase];
        if (!kept || snapshot === undefined) continue;
        for (let i = 0; i < leafCount; i++) {
          children[i] = (at[i] as number) - periods * ((before[i] as number) - (after[i] as number));
          views[i] = (at[leafCount + i] as number) - periods * ((before[leafCount + i] as number) - (after[leafCount + i] as number));
        }
        allocator.restore(snapshot.free);
        // the residual stream becomes the target layer's input, where the phase's input was
        const next = g.layerInput[target] as number;
        jumped = true;
        allocated[input] = 0;
        allocated[next] = 1;
        offset[next] = snapshot.inputOffset;
        return { node: g.layerStart[target] as number, layer: target };
      }
      return undefined;
    }
    return undefined;
  }
}
