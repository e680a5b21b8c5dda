import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GgufWriteError, randomTensorData, writeGguf, type TensorSpec } from '../src/index.js';
import { leftoverTmpFiles, makeTmpDir, pad, readBack } from './helpers.js';

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
beforeAll(async () => {
  tmp = await makeTmpDir();
});
afterAll(() => tmp.cleanup());

const GGML = { F32: 0, F16: 1, Q8_0: 8, Q4_K: 12, Q6_K: 14, MXFP4: 39 } as const;

describe("header-only mode", () => {
  // A llama-like layout; sizes are spec arithmetic: bytes = ne0/block * blockBytes * rows.
  const tensors: Array<TensorSpec & { bytes: number }> = [
    { name: 'token_embd.weight', dims: [4096, 32000], type: 'q6_K', bytes: (4096 / 256) * 210 * 32000 },
    { name: 'blk.0.attn_q.weight', dims: [4096, 4096], type: 'q4_K', bytes: (4096 * 4096) / 256 * 144 },
    { name: 'blk.0.attn_norm.weight', dims: [4096], type: 'f32', bytes: 4096 * 4 },
    { name: 'blk.0.ffn_gate_exps.weight', dims: [2880, 2880, 32], type: 'mxfp4', bytes: (2880 / 32) * 17 * 2880 * 32 },
    { name: 'odd.f16', dims: [7, 3], type: 'f16', bytes: 7 * 3 * 2 },
    { name: 'output.weight', dims: [4096, 32000], type: 'q6_K', bytes: (4096 / 256) * 210 * 32000 },
  ];
  const TYPE_IDS = [GGML.Q6_K, GGML.Q4_K, GGML.F32, GGML.MXFP4, GGML.F16, GGML.Q6_K];

  let path: string;
  let read: Awaited<ReturnType<typeof readBack>>;
  beforeAll(async () => {
    path = tmp.file('sparse.gguf');
    await writeGguf(path, {
      metadata: [
        ['general.architecture', { type: 'string', value: 'llama' }],
        ['llama.block_count', { type: 'u32', value: 1 }],
      ],
      tensors,
      mode: 'header-only',
    });
    read = await readBack(path);
  });

  it('reports tensor infos with spec offsets (each tensor padded to 32)', () => {
    let expectedOffset = 0;
    read.tensorInfos.forEach((info, i) => {
      const t = tensors[i]!;
      expect(info.name).toBe(t.name);
      expect(info.n_dims).toBe(t.dims.length);
      expect(info.shape).toEqual(t.dims.map(BigInt));
      expect(info.dtype).toBe(TYPE_IDS[i]);
      expect(info.offset).toBe(BigInt(expectedOffset));
      expectedOffset += pad(t.bytes, 32);
    });
    expect(read.tensorInfos).toHaveLength(tensors.length);
  });

  it('has the full logical size but is sparse on disk', async () => {
    const st = await stat(path);
    const dataStart = Number(read.tensorDataOffset);
    expect(dataStart % 32).toBe(0);
    const dataSize = tensors.reduce((sum, t) => sum + pad(t.bytes, 32), 0);
    expect(st.size).toBe(dataStart + dataSize);
    expect(st.size).toBeGreaterThan(200_000_000);
    expect(st.blocks * 512).toBeLessThan(1024 * 1024);
    expect(await leftoverTmpFiles(tmp.dir)).toEqual([]);
  });

  it('writes a 60 GB model as a few KB of allocated blocks', async () => {
    const big = tmp.file('60g.gguf');
    // 75 MXFP4 expert stacks of (8192/32)*17 bytes/row * 8192*24 rows = ~856 MB each -> ~64 GB.
    const perTensor = (8192 / 32) * 17 * 8192 * 24;
    const specs: TensorSpec[] = Array.from({ length: 75 }, (_, i) => ({
      name: `blk.${i}.ffn_up_exps.weight`,
      dims: [8192, 8192, 24],
      type: GGML.MXFP4,
    }));
    await writeGguf(big, { metadata: [], tensors: specs, mode: 'header-only' });
    const st = await stat(big);
    const dataStart = Number((await readBack(big)).tensorDataOffset);
    expect(st.size).toBe(dataStart + 75 * pad(perTensor, 32));
    expect(st.size).toBeGreaterThan(60e9);
    expect(st.blocks * 512).toBeLessThan(1024 * 1024);
  });
});

describe('full mode', () => {
  const f32 = randomTensorData('f32', [5, 3], 1, 0.5);
  const f16 = randomTensorData('f16', [7], 2, 0.5);
  const q8 = Uint8Array.from({ length: 34 * 2 }, (_, i) => (i * 7 + 1) & 0xff); // 2 Q8_0 blocks
  const tensors: TensorSpec[] = [
    { name: 'a.f32', dims: [5, 3], type: GGML.F32, data: f32 },
    { name: 'b.f16', dims: [7], type: 'f16', data: () => f16 },
    { name: 'c.q8_0', dims: [32, 2], type: 'Q8_0', data: q8 },
  ];

  it.each([32, 64, 128])('data bytes read back at the offsets (alignment %i)', async (alignment) => {
    const path = tmp.file(`full-${alignment}.gguf`);
    await writeGguf(path, { metadata: [['x', { type: 'u8', value: 1 }]], tensors, alignment, mode: 'full' });
    const read = await readBack(path);
    expect(read.typedMetadata['general.alignment']?.value).toBe(alignment);
    const file = new Uint8Array(await readFile(path));
    const dataStart = Number(read.tensorDataOffset);
    expect(dataStart % alignment).toBe(0);

    const sizes = [5 * 3 * 4, 7 * 2, 2 * 34];
    const payloads = [f32, f16, q8];
    let offset = 0;
    read.tensorInfos.forEach((info, i) => {
      const size = sizes[i]!;
      expect(info.offset).toBe(BigInt(offset));
      const at = dataStart + offset;
      expect(file.subarray(at, at + size)).toEqual(payloads[i]);
      // padding after each tensor is zero
      expect(file.subarray(at + size, at + pad(size, alignment)).every((b) => b === 0)).toBe(true);
      offset += pad(size, alignment);
    });
    expect(file.length).toBe(dataStart + offset);
  });

  it('leaves no file and no temp file when lazy data has the wrong size', async () => {
    const path = tmp.file('bad-lazy.gguf');
    const bad: TensorSpec = { name: 'lazy', dims: [4], type: 'f32', data: () => new Uint8Array(15) };
    await expect(writeGguf(path, { metadata: [], tensors: [bad], mode: 'full' })).rejects.toBeInstanceOf(GgufWriteError);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
    expect(await leftoverTmpFiles(tmp.dir)).toEqual([]);
  });

  it('replaces an existing file atomically', async () => {
    const path = tmp.file('replace.gguf');
    await writeGguf(path, { metadata: [['v', { type: 'u32', value: 1 }]], tensors: [], mode: 'full' });
    await writeGguf(path, { metadata: [['v', { type: 'u32', value: 2 }]], tensors: [], mode: 'full' });
    expect((await readBack(path)).typedMetadata['v']?.value).toBe(2);
    expect(await leftoverTmpFiles(tmp.dir)).toEqual([]);
  });
});
