/*
 * Writes the hand-made part of the regression corpus: inputs that broke the previous read path
 * (@huggingface/gguf 0.4.6), measured when the reader was replaced. Run: npx tsx test/fuzz/seed-corpus.ts
 * Inputs the fuzzer finds are saved next to them as <sha256-prefix>.bin by gguf-harness.ts.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { RawGguf, T } from './gguf-bytes.js';
import { CORPUS_DIR } from './gguf-harness.js';

/** name → [bytes, the code our reader must give, what @huggingface/gguf 0.4.6 did]. */
export const SEEDED: Record<string, [Uint8Array, string, string]> = {
  'hf-proto-key': [new RawGguf().head(0, 1).str('__proto__').u32(T.array).u32(T.u32).u64(1).u32(7).bytes(), 'ok', 'replaced the prototype of the metadata object'],
  'hf-truncated-key': [new RawGguf().head(0, 1).str('general.architecture').bytes().subarray(0, 36), 'TRUNCATED', 'returned a key padded with NUL bytes read past the end'],
  'hf-9m-tensors': [new RawGguf().head(9_000_000, 0).bytes(), 'TOO_MANY_TENSORS', 'untyped RangeError after 3.7 s and 300 MiB'],
  'hf-phantom-string-array': [new RawGguf().head(0, 1).str('k').u32(T.array).u32(T.string).u64(999_999).bytes(), 'TRUNCATED', '999,999 empty strings from a 45-byte file, 4.7 s, 135 MiB'],
  'hf-phantom-u8-array': [new RawGguf().head(0, 1).str('k').u32(T.array).u32(T.u8).u64(999_999).bytes(), 'TRUNCATED', '999,999 zeros from a 45-byte file'],
  'hf-nested-arrays': [new RawGguf().head(0, 1).str('k').u32(T.array).u32(T.array).u64(1).u32(T.array).u64(1).u32(T.u8).u64(0).bytes(), 'ARRAY_TOO_DEEP', 'accepted (llama.cpp refuses arrays of arrays)'],
  'hf-dims-2pow128': [new RawGguf().head(1, 0).tensor('w', [2 ** 32, 2 ** 32, 2 ** 32, 2 ** 32], 0, 0).bytes(), 'BAD_DIM', 'accepted a 2^128-element tensor'],
  'hf-big-endian': [new RawGguf().head(0, 0, 0x03000000).bytes(), 'UNSUPPORTED_VERSION', 'accepted (llama.cpp loads little-endian only)'],
  'hf-offset-2pow64': [new RawGguf().head(1, 0).tensor('w', [32], 0, (1n << 64n) - 1n).padTo(32).bytes(), 'BAD_TENSOR_OFFSET', 'accepted a tensor 16 EiB past the end of the file'],
  'hf-tensor-type-9999': [new RawGguf().head(1, 0).tensor('w', [32], 9999, 0).padTo(32).zeros(128).bytes(), 'UNKNOWN_TENSOR_TYPE', 'accepted'],
  'hf-alignment-3': [new RawGguf().head(1, 1).kvU32('general.alignment', 3).tensor('w', [32], 0, 0).bytes(), 'BAD_ALIGNMENT', 'accepted'],
  'hf-duplicate-key': [new RawGguf().head(0, 2).kvU32('a', 1).kvU32('a', 2).bytes(), 'DUPLICATE_KEY', 'kept the last value silently'],
};

if (process.argv[1] !== undefined && import.meta.filename === path.resolve(process.argv[1])) {
  for (const [name, [bytes]] of Object.entries(SEEDED)) writeFileSync(path.join(CORPUS_DIR, `${name}.bin`), bytes);
  console.log(`wrote ${Object.keys(SEEDED).length} files to ${CORPUS_DIR}`);
}
