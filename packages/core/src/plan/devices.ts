import { cite } from '../schema/cite.js';

/** A GPU in split order, with the memory it has free for the model. */
export interface DeviceSpec {
  readonly name: string;
  readonly bytes: number;
}

/** Where a layer (or the input/output layer) lives: a device index, or the host. */
export type Placement = { readonly kind: 'host' } | { readonly kind: 'device'; readonly index: number };

const HOST: Placement = Object.freeze({ kind: 'host' });
const hostOnly = new Map<number, readonly Placement[]>();

/** Every slot on the host; shared, since a CPU-only plan asks for it on every call. */
function allOnHost(slots: number): readonly Placement[] {
  const cached = hostOnly.get(slots);
  if (cached !== undefined) return cached;
  const placements = Object.freeze(Array.from({ length: slots }, () => HOST));
  hostOnly.set(slots, placements);
  return placements;
}

export const LAYER_SPLIT_RULE = cite('src/llama-model.cpp', 'llama_model_base::load_tensors', 'i_gpu_start = max(n_layer_all + 1 - ngl, 0); split points by free memory; input layer on the CPU; output layer = layer n_layer_all');

/**
 * Mirrors llama.cpp's default layer split: the last `gpuLayers` of the n_layer_all + 1 slots
 * (repeating layers, then the output layer) go to the devices in proportion to their free
 * memory; everything else stays on the host. Returns placements for il = 0 … n_layer_all
 * (the last entry is the output layer).
 */
export function placeLayers(blockCount: number, gpuLayers: number, devices: readonly DeviceSpec[]): readonly Placement[] {
  const slots = blockCount + 1;
  if (devices.length === 0 || gpuLayers <= 0) return allOnHost(slots);
  const start = Math.max(slots - gpuLayers, 0);
  const active = devices.length === 0 ? 0 : Math.min(gpuLayers, slots);
  const total = devices.reduce((sum, device) => sum + device.bytes, 0);
  let running = 0;
  // Float32 like llama.cpp's `std::vector<float> splits`, so boundary layers land where the runtime puts them.
  const splits = devices.map((device) => {
    running += device.bytes;
    return Math.fround(Math.fround(running) / Math.fround(total));
  });
  return Array.from({ length: slots }, (_, il): Placement => {
    if (il < start || il - start >= active) return HOST;
    const point = Math.fround((il - start) / active);
    // std::upper_bound: the first split point greater than `point`.
    const index = splits.findIndex((split) => split > point);
    return { kind: 'device', index: index === -1 ? devices.length - 1 : index };
  });
}
