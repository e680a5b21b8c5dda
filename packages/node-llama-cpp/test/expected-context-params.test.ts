import { describe, expect, it } from 'vitest';
import { expectedContextParams, readRuntimeReport } from '../src/index.js';
import { capturedOptions, readLog } from './read-log.js';

/** What node-llama-cpp knows of each captured model: all train at 4096; only exaone4_64_arr has a sliding_window key. */
const MODELS = {
  plain: { trainContextSize: 4096 },
  exaone4: { trainContextSize: 4096, swaSize: 8 },
} as const;

describe('expectedContextParams against the captured runtime', () => {
  it.each([
    ['plain-f16-auto', MODELS.plain],
    ['plain-q4_0', MODELS.plain], // contextSize 1000 → 1024
    ['two-sequences', MODELS.plain], // 1000 per sequence → 1024 × 2
    ['fa-off-q8_0-k', MODELS.plain],
    ['iswa-exaone4', MODELS.exaone4], // n_batch 513: the SWA +1
    ['iswa-exaone4-two-sequences', MODELS.exaone4],
    ['mla-deepseek2', MODELS.plain],
    ['recurrent-mamba', MODELS.plain], // 256 × 3 sequences
  ] as const)('%s', (name, model) => {
    const expected = expectedContextParams(capturedOptions(name), model);
    const { context } = readRuntimeReport(readLog(name));
    expect(context).toMatchObject({ nSeqMax: expected.nSeqMax, nCtx: expected.nCtx, nCtxSeq: expected.nCtxSeq, nBatch: expected.nBatch, nUbatch: expected.nUbatch });
  });

  it('keeps a size above the train context unpadded per sequence and lets llama.cpp pad the total', () => {
    expect(expectedContextParams({ contextSize: 5000, sequences: 1, batchSize: 4096 }, { trainContextSize: 4096, swaSize: 8 })).toEqual({
      requestedNCtx: 5120,
      requestedNBatch: 4097,
      nSeqMax: 1,
      nCtx: 5120,
      nCtxSeq: 5120,
      nBatch: 4097,
      nUbatch: 4097,
    });
  });

  it('caps n_batch at n_ctx for causal models only', () => {
    expect(expectedContextParams({ contextSize: 256, sequences: 1, batchSize: 1024 }, { trainContextSize: 4096 })).toMatchObject({ nBatch: 256, nUbatch: 256 });
    expect(expectedContextParams({ contextSize: 256, sequences: 1, batchSize: 1024 }, { trainContextSize: 4096, causal: false })).toMatchObject({ nBatch: 1024, nUbatch: 1024 });
  });
});
