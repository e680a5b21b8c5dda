import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArchRun } from './run-types.js';
import type { Scenario } from './scenarios.js';

const root = path.resolve(import.meta.dirname, '../..');
const TAIL = 25;

/** Failure of the native run: names the arch and carries the runtime's last log lines. */
export class ContractRunError extends Error {
  override readonly name = 'ContractRunError';
}

/** Runs one arch's contract in a child process; a crash or timeout becomes a ContractRunError. */
/** Ways to break (or bend) the synthesized model, for the harness's own tests and the variants. */
export interface Breakage {
  readonly hparams?: Readonly<Record<string, unknown>>;
  readonly omitTensors?: readonly string[];
  /** Contexts to create instead of SCENARIOS (variants that need long contexts). */
  readonly scenarios?: readonly Scenario[];
  /** Optional tensors to write, such as a fused attn_qkv in place of Q/K/V. */
  readonly useTensors?: readonly string[];
}

export async function runArchInChild(arch: string, dir: string, timeoutMs: number, breakage: Breakage = {}): Promise<ArchRun> {
  const script = path.join(root, 'test/contract/run-arch.ts');
  const outcome = await new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
    const env = {
      ...process.env,
      ...(breakage.hparams === undefined ? {} : { CONTRACT_HPARAMS: JSON.stringify(breakage.hparams) }),
      ...(breakage.omitTensors === undefined ? {} : { CONTRACT_OMIT_TENSORS: breakage.omitTensors.join(',') }),
      ...(breakage.scenarios === undefined ? {} : { CONTRACT_SCENARIOS: JSON.stringify(breakage.scenarios) }),
      ...(breakage.useTensors === undefined ? {} : { CONTRACT_USE_TENSORS: breakage.useTensors.join(',') }),
    };
    execFile(process.execPath, ['--import', 'tsx', script, arch, dir], { cwd: root, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, signal: error?.signal ?? null, stderr });
    });
  });
  if (outcome.code === 0) return JSON.parse(await readFile(path.join(dir, `${arch}.json`), 'utf8')) as ArchRun;
  const log = await readFile(path.join(dir, `${arch}.log`), 'utf8').catch(() => '');
  const tail = log.trimEnd().split('\n').slice(-TAIL).join('\n');
  const how = outcome.signal === null ? `exit code ${outcome.code}` : `signal ${outcome.signal}`;
  throw new ContractRunError(`${arch}: the native run failed (${how}).\nstderr:\n${outcome.stderr.trim().split('\n').slice(-10).join('\n')}\nlast runtime log lines:\n${tail}`);
}
