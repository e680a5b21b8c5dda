import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractRunError, runArchInChild } from './run-child.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-crash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the contract harness isolates native failures', () => {
  it('a model the runtime aborts on (grok with n_rot ≠ head dim: GGML_ASSERT in its graph) fails that arch alone, naming it, with the last log lines', async () => {
    const failure = await runArchInChild('grok', dir, 120_000, { hparams: { 'rope.dimension_count': 16 } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ContractRunError);
    const message = (failure as Error).message;
    expect(message).toMatch(/^grok: the native run failed \((signal SIG\w+|exit code \d+)\)/);
    expect(message).toContain('last runtime log lines:');
    expect(message).toMatch(/llama_|GGML/);
  });

  it('a file the loader rejects (qwen3 without attn_k_norm) names the missing tensor', async () => {
    const failure = await runArchInChild('qwen3', dir, 120_000, { omitTensors: ['blk.{i}.attn_k_norm.weight'] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ContractRunError);
    expect((failure as Error).message).toMatch(/qwen3: the native run failed/);
    expect((failure as Error).message).toContain("tensor 'blk.0.attn_k_norm.weight' not found");
  });
});
