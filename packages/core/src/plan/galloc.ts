import { cite } from '../schema/cite.js';

export const GALLOC_RULE = cite(
  'ggml/src/ggml-alloc.c',
  'ggml_gallocr_alloc_graph_impl',
  'leafs are allocated first in graph order; each node then allocates (in place over a parent it alone consumes when its op allows), and frees a parent once its last consumer and view are done; graph outputs are never freed',
);
export const DYN_TALLOCR_RULE = cite(
  'ggml/src/ggml-alloc.c',
  'ggml_dyn_tallocr_alloc',
  'best fit over every free block but the last (ties go to the later block), else the last block, which grows the buffer; freed ranges merge with their neighbours',
);

/** One tensor of a graph as ggml-alloc sees it. */
export interface AllocTensor {
  readonly name: string;
  /** ggml_nbytes; views and tensors in other buffers (weights, caches) take none. */
  readonly bytes: number;
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

/** A graph in ggml's order: leafs (inputs, in graph order) and nodes (in execution order). */
export interface AllocGraph {
  readonly leafs: readonly AllocTensor[];
  readonly nodes: readonly AllocTensor[];
}

/** ggml-alloc's tensor alignment on the CPU backend. */
const ALIGN = 32;
const aligned = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

/** The dynamic allocator of one buffer: free blocks sorted by offset, the last one unbounded. */
class DynAllocator {
  private readonly free: { offset: number; size: number }[] = [{ offset: 0, size: Number.MAX_SAFE_INTEGER }];
  peak = 0;

  alloc(bytes: number): number {
    const size = aligned(bytes);
    let best = -1;
    for (let i = 0; i < this.free.length - 1; i++) {
      const block = this.free[i];
      if (block !== undefined && block.size >= size && (best < 0 || block.size <= (this.free[best]?.size ?? 0))) best = i;
    }
    if (best < 0) best = this.free.length - 1;
    const block = this.free[best];
    if (block === undefined) throw new Error('galloc: no free block');
    const offset = block.offset;
    block.offset += size;
    block.size -= size;
    if (block.size === 0) this.free.splice(best, 1);
    this.peak = Math.max(this.peak, offset + size);
    return offset;
  }

  release(offset: number, bytes: number): void {
    const size = aligned(bytes);
    const at = this.free.findIndex((b) => b.offset > offset);
    const index = at < 0 ? this.free.length : at;
    this.free.splice(index, 0, { offset, size });
    // merge with the next block, then with the previous one
    const next = this.free[index + 1];
    const cur = this.free[index];
    if (cur !== undefined && next !== undefined && cur.offset + cur.size === next.offset) {
      cur.size += next.size;
      this.free.splice(index + 1, 1);
    }
    const prev = this.free[index - 1];
    if (prev !== undefined && cur !== undefined && prev.offset + prev.size === cur.offset) {
      prev.size += cur.size;
      this.free.splice(index, 1);
    }
  }
}

interface State {
  children: number;
  views: number;
  allocated: boolean;
  offset: number;
}

/**
 * Replays ggml_gallocr_reserve over a graph and returns the buffer's peak (the compute buffer the
 * runtime reserves for it). Views are never reused in place: ggml only reuses a parent it allocated itself.
 */
export function simulateAlloc(graph: AllocGraph): number {
  const tensors = new Map<string, AllocTensor>();
  for (const t of [...graph.leafs, ...graph.nodes]) {
    if (tensors.has(t.name)) throw new Error(`galloc: tensor ${t.name} declared twice`);
    tensors.set(t.name, t);
  }
  const state = new Map<string, State>();
  const get = (name: string): State => {
    let s = state.get(name);
    if (s === undefined) {
      if (!tensors.has(name)) throw new Error(`galloc: unknown tensor ${name}`);
      s = { children: 0, views: 0, allocated: false, offset: 0 };
      state.set(name, s);
    }
    return s;
  };
  const tensor = (name: string) => tensors.get(name) as AllocTensor;
  const allocator = new DynAllocator();

  const allocate = (t: AllocTensor) => {
    const s = get(t.name);
    if (t.external === true || s.allocated || t.viewOf !== undefined) return;
    s.allocated = true;
    if (t.inplace === true) {
      for (const parentName of t.srcs ?? []) {
        const parent = tensor(parentName);
        const p = get(parentName);
        if (!p.allocated || parent.output === true || parent.bytes !== t.bytes) continue;
        if (p.children === 1 && p.views === 0) {
          s.offset = p.offset;
          p.allocated = false;
          return;
        }
      }
    }
    s.offset = allocator.alloc(t.bytes);
  };
  const release = (t: AllocTensor) => {
    if (t.output === true) return;
    const s = get(t.name);
    allocator.release(s.offset, t.bytes);
    s.allocated = false;
  };

  for (const leaf of graph.leafs) allocate(leaf);
  for (const node of graph.nodes) {
    if (node.viewOf !== undefined) get(node.viewOf).views += 1;
    for (const src of node.srcs ?? []) get(src).children += 1;
  }
  for (const node of graph.nodes) {
    for (const src of node.srcs ?? []) allocate(tensor(src));
    allocate(node);
    for (const src of node.srcs ?? []) {
      const parent = tensor(src);
      const p = get(src);
      p.children -= 1;
      if (p.children !== 0 || p.views !== 0) continue;
      if (parent.viewOf !== undefined) {
        const root = get(parent.viewOf);
        root.views -= 1;
        if (root.views === 0 && root.children === 0 && root.allocated) release(tensor(parent.viewOf));
      } else if (p.allocated) {
        release(parent);
      }
    }
  }
  return allocator.peak;
}
