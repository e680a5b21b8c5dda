import type { TensorInfo } from '../gguf/read-header.js';
import { ggmlTypeById } from '../ggml/types.js';
import type { Placement } from './devices.js';

/** Bytes of one tensor: rows of ne0 elements in blocks, times the other dims. */
export function tensorBytes(info: Pick<TensorInfo, 'name' | 'shape' | 'type'>): number {
  const type = ggmlTypeById(info.type);
  if (type === undefined) throw new RangeError(`tensor ${info.name} has ggml type id ${info.type}, which ggml does not define`);
  const [ne0 = 1, ...rest] = info.shape;
  if (ne0 % type.blockSize !== 0) throw new RangeError(`tensor ${info.name}: ne0 ${ne0} is not a multiple of the ${type.name} block size ${type.blockSize}`);
  return ((ne0 / type.blockSize) * type.typeSize) * rest.reduce((product, dim) => product * dim, 1);
}

/** Which slot a tensor belongs to: `blk.N.*` → layer N, token embeddings → input, the rest → output. */
export function tensorSlot(name: string, blockCount: number): number | 'input' {
  const match = /^blk\.(\d+)\./.exec(name);
  if (match !== null) return Number(match[1]);
  if (name.startsWith('token_embd')) return 'input';
  return blockCount;
}

export interface WeightsPlan {
  readonly bytes: number;
  readonly hostBytes: number;
  /** Per device index. */
  readonly deviceBytes: readonly number[];
  /** Bytes of the tied output matrix copied onto the output device (no output.weight in the file). */
  readonly tiedOutputCopyBytes: number;
}

/** Tensor bytes summed per slot, computed once per tensor list (plans of one model reuse it). */
interface SlotBytes {
  readonly input: number;
  /** Index il = layer il; index blockCount = the output layer. */
  readonly slots: readonly number[];
  readonly total: number;
  readonly tokenEmbd: number;
  readonly hasOutput: boolean;
  /** The plan with no device. */
  readonly hostOnly: WeightsPlan;
}

const slotCache = new WeakMap<readonly TensorInfo[], Map<number, SlotBytes>>();

function bytesBySlot(tensors: readonly TensorInfo[], blockCount: number): SlotBytes {
  const cached = slotCache.get(tensors)?.get(blockCount);
  if (cached !== undefined) return cached;
  const slots = Array.from({ length: blockCount + 1 }, () => 0);
  let input = 0;
  let total = 0;
  let tokenEmbd = 0;
  for (const tensor of tensors) {
    const bytes = tensorBytes(tensor);
    total += bytes;
    if (tensor.name === 'token_embd.weight') tokenEmbd = bytes;
    const slot = tensorSlot(tensor.name, blockCount);
    if (slot === 'input') input += bytes;
    else slots[Math.min(slot, blockCount)] = (slots[Math.min(slot, blockCount)] ?? 0) + bytes;
  }
  const hostOnly: WeightsPlan = Object.freeze({ bytes: total, hostBytes: total, deviceBytes: Object.freeze([]), tiedOutputCopyBytes: 0 });
  const result = { input, slots, total, tokenEmbd, hasOutput: tensors.some((tensor) => tensor.name === 'output.weight'), hostOnly };
  slotCache.set(tensors, (slotCache.get(tensors) ?? new Map()).set(blockCount, result));
  return result;
}

/**
 * Weight bytes per placement, from the tensor infos. `tiedCopyAlways`: the arch creates its tied
 * output before token_embd, so the copy is never deduplicated (`TensorLayout.tiedOutputBeforeTokenEmbd`).
 */
export function planWeights(tensors: readonly TensorInfo[], blockCount: number, placements: readonly Placement[], deviceCount: number, tiedCopyAlways = false): WeightsPlan {
  const bySlot = bytesBySlot(tensors, blockCount);
  const { input, slots, total, tokenEmbd, hasOutput } = bySlot;
  // Host only and no second copy: every byte stays on the host (the common CPU case, asked for on every plan).
  if (deviceCount === 0 && (hasOutput || !tiedCopyAlways)) return bySlot.hostOnly;
  const deviceBytes = new Array<number>(deviceCount).fill(0);
  let hostBytes = input;
  const put = (placement: Placement | undefined, bytes: number) => {
    if (placement?.kind === 'device') deviceBytes[placement.index] = (deviceBytes[placement.index] ?? 0) + bytes;
    else hostBytes += bytes;
  };
  for (let slot = 0; slot < slots.length; slot++) put(placements[slot], slots[slot] ?? 0);
  // Tied embeddings: the output layer loads token_embd again (TENSOR_DUPLICATED) unless the loader
  // already created token_embd in the same buffer type (llama_model_loader::create_tensor).
  const outputPlacement = placements[blockCount];
  const tied = !hasOutput && (tiedCopyAlways || outputPlacement?.kind === 'device') ? tokenEmbd : 0;
  if (tied > 0) put(outputPlacement, tied);
  return { bytes: total + tied, hostBytes, deviceBytes, tiedOutputCopyBytes: tied };
}
