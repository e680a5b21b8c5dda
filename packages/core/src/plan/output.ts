import { cite } from '../schema/cite.js';

export const OUTPUT_BUFFER_RULE = cite('src/llama-context.cpp', 'llama_context::output_reserve', 'at creation: n_vocab × max(n_outputs, n_seq_max) f32 logits, n_outputs = n_seq_max');

/** The logits buffer a new context reserves: one row of n_vocab floats per sequence. */
export function outputBytes(vocabSize: number, nSeq: number): number {
  return vocabSize * nSeq * 4;
}
