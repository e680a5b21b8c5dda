import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gguf } from '@huggingface/gguf';

/** A fresh directory under os.tmpdir(); call `cleanup` in afterAll. */
export async function makeTmpDir(): Promise<{ dir: string; file: (name: string) => string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gguf-synth-'));
  return {
    dir,
    file: (name) => join(dir, name),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function leftoverTmpFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.includes('.tmp-'));
}

export function readBack(path: string) {
  return gguf(path, { allowLocalFile: true, typedMetadata: true });
}

/** Independent of the code under test: GGML_PAD from the spec. */
export function pad(x: number, n: number): number {
  return Math.ceil(x / n) * n;
}

/** GGUF spec value type ids, written out here rather than imported from src. */
export const SPEC_TYPE = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;
