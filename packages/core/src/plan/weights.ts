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

/** Weight bytes per placement, from the tensor infos. */
export function planWeights(tensors: readonly TensorInfo[], blockCount: number, placements: readonly Placement[], deviceCount: number): WeightsPlan {
  const deviceBytes = Array.from({ length: deviceCount }, () => 0);
  let hostBytes = 0;
  const put = (placement: Placement | undefined, bytes: number) => {
    if (placement?.kind === 'device') deviceBytes[placement.index] = (deviceBytes[placement.index] ?? 0) + bytes;
    else hostBytes += bytes;
  };
  let total = 0;
  let tokenEmbd = 0;
  for (const tensor of tensors) {
    const bytes = tensorBytes(tensor);
    total += bytes;
    const slot = tensorSlot(tensor.name, blockCount);
    if (tensor.name === 'token_embd.weight') tokenEmbd = bytes;
    put(slot === 'input' ? { kind: 'host' } : placements[slot], bytes);
  }
  // Tied embeddings: the output layer loads token_embd again (TENSOR_DUPLICATED) on its own device.
  const outputPlacement = placements[blockCount];
  const tied = !tensors.some((tensor) => tensor.name === 'output.weight') && outputPlacement?.kind === 'device' ? tokenEmbd : 0;
  if (tied > 0) put(outputPlacement, tied);
  return { bytes: total + tied, hostBytes, deviceBytes, tiedOutputCopyBytes: tied };
}
