import { cite } from '../schema/cite.js';

export const DYN_TALLOCR_RULE = cite(
  'ggml/src/ggml-alloc.c',
  'ggml_dyn_tallocr_alloc',
  'best fit over every free block but the last (ties go to the later block), else the last block, which grows the buffer; freed ranges merge with their neighbours',
);

/** ggml-alloc's tensor alignment on the CPU backend. */
const ALIGN = 32;
/** A tensor's footprint in a compute buffer: its bytes rounded up to the alignment. */
export const aligned = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

/** The dynamic allocator of one buffer: free blocks sorted by offset, the last one unbounded. */
export class DynAllocator {
  readonly free: { offset: number; size: number }[] = [{ offset: 0, size: Number.MAX_SAFE_INTEGER }];
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

  /** A copy of the free blocks, to restore later. */
  snapshot(): { offset: number; size: number }[] {
    return this.free.map((block) => ({ ...block }));
  }

  /** Sets the free blocks to a snapshot's, each offset moved by `shift`. */
  restore(blocks: readonly { offset: number; size: number }[], shift: (offset: number) => number = (offset) => offset): void {
    this.free.splice(0, this.free.length, ...blocks.map((block) => ({ offset: shift(block.offset), size: block.size })));
  }

  release(offset: number, bytes: number): void {
    const size = aligned(bytes);
    let index = 0;
    while (index < this.free.length && (this.free[index]?.offset ?? 0) <= offset) index++;
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
