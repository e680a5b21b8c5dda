import { GgufWriteError } from './errors.js';
import { resolveGgmlType, tensorBytes, type GgmlTypeRef } from './ggml-types.js';
import { f32ToF16Bits } from './half.js';

/**
 * mulberry32: tiny, fast and fully deterministic across platforms, so the same
 * seed always yields byte-identical fixtures. Returns floats in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Little-endian F32 or F16 tensor bytes with values uniform in [-scale, scale]
 * (after rounding to the storage type). Quantized types are not generated:
 * their block layouts are not needed for synthetic fixtures.
 */
export function randomTensorData(type: GgmlTypeRef, dims: readonly number[], seed: number, scale = 1): Uint8Array {
  const info = resolveGgmlType(type);
  if (info.name !== 'f32' && info.name !== 'f16') {
    throw new GgufWriteError(
      'UNSUPPORTED_TYPE',
      `randomTensorData only generates f32/f16, not ${info.name}; use header-only mode or supply the bytes yourself`,
    );
  }
  const bytes = new Uint8Array(tensorBytes(info.id, dims));
  const view = new DataView(bytes.buffer);
  const rand = seededRandom(seed);
  const count = bytes.length / info.typeSize;
  for (let i = 0; i < count; i++) {
    const v = (rand() * 2 - 1) * scale;
    if (info.name === 'f32') view.setFloat32(i * 4, v, true);
    else view.setUint16(i * 2, f32ToF16Bits(v), true);
  }
  return bytes;
}
