/*
 * The round trip `add` promises: on a registry without exaone4, `arch-registry add exaone4 --from
 * <EXAONE 4.0 32B header>` writes a plugin that passes exaone4's contract test with no hand edit.
 *
 * It runs in a copy of the repository whose node_modules resolves @arch-registry/* to the copy's own
 * packages, so the copy's CLI, codegen and contract harness see the copy's registry and generated
 * tables, not this checkout's.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixture } from '../fixtures/define-fixture.js';
import { exaone4_32b } from '../fixtures/models/index.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/** What the copy needs to run the CLI, codegen and the contract suite. */
const PARTS = ['registry', 'templates', 'packages', 'test', 'tools', 'docs', '.changeset', 'package.json', 'tsconfig.json', 'tsconfig.base.json', 'vitest.config.ts'];
/** Workspace packages: node_modules/<name> → the copy's folder. */
const WORKSPACE: Readonly<Record<string, string>> = {
  '@arch-registry/core': 'packages/core',
  '@arch-registry/codegen': 'packages/codegen',
  '@arch-registry/gguf-synth': 'packages/gguf-synth',
  '@arch-registry/node-llama-cpp': 'packages/node-llama-cpp',
  '@arch-registry/registry': 'registry',
  'arch-registry': 'packages/cli',
};

/** A copy of the checkout whose node_modules links every dependency, but its own workspace packages. */
async function copyRepository(to: string): Promise<void> {
  // Build outputs are not needed: the CLI and the harness run the TypeScript sources through tsx.
  const skip = (source: string) => !path.relative(root, source).split(path.sep).some((part) => part === 'dist' || part.endsWith('.tsbuildinfo'));
  for (const part of PARTS) await cp(path.join(root, part), path.join(to, part), { recursive: true, filter: skip });
  const modules = path.join(to, 'node_modules');
  await mkdir(path.join(modules, '@arch-registry'), { recursive: true });
  for (const entry of await readdir(path.join(root, 'node_modules'))) {
    if (entry === '@arch-registry' || entry === 'arch-registry') continue;
    await symlink(path.join(root, 'node_modules', entry), path.join(modules, entry));
  }
  for (const [name, folder] of Object.entries(WORKSPACE)) await symlink(path.join(to, folder), path.join(modules, name), 'dir');
}

let dir = '';
let copy = '';
const header = () => path.join(dir, 'exaone4-32b.gguf');
const cli = (...args: string[]) => run(process.execPath, [path.join(copy, 'packages', 'cli', 'bin', 'arch-registry.js'), ...args], { cwd: copy, maxBuffer: 16 * 1024 * 1024 });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-add-roundtrip-'));
  copy = path.join(dir, 'repo');
  await copyRepository(copy);
  // EXAONE 4.0 32B as convert_hf_to_gguf.py writes it: layer_types become a per-layer
  // sliding_window_pattern (3 sliding, 1 full). Written from this checkout's exaone4 layout.
  const pattern = Array.from({ length: 64 }, (_, il) => il % 4 < 3);
  await writeFixture({ ...exaone4_32b, hparams: { ...exaone4_32b.hparams, 'attention.sliding_window_pattern': pattern } }, header());
  await rm(path.join(copy, 'registry', 'archs', 'exaone4'), { recursive: true });
  await cli('codegen');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('add exaone4 --from its header, on a registry without exaone4', () => {
  it('the copy starts without exaone4', async () => {
    const archs = await readFile(path.join(copy, 'packages', 'core', 'src', 'generated', 'archs.ts'), 'utf8');
    expect(archs).not.toContain("'exaone4'");
  });

  it('writes the plugin, docs page and changeset, registers it, and prints the next two commands', async () => {
    const { stdout } = await cli('add', 'exaone4', '--from', header());
    expect(stdout).toContain('created      registry/archs/exaone4/index.ts');
    expect(stdout).toContain('created      docs/archs/exaone4.md');
    expect(stdout).toContain('created      .changeset/exaone4.md');
    expect(stdout).toContain('updated      packages/core/src/generated/archs.ts');
    expect(stdout).not.toContain('TODO(fact)');
    expect(stdout).toMatch(/next:\n {2}npm run test:contract -- --arch exaone4\n {2}git add .* && git commit -m "Add the exaone4 architecture"\n$/);
    const archs = await readFile(path.join(copy, 'packages', 'core', 'src', 'generated', 'archs.ts'), 'utf8');
    expect(archs).toContain("'exaone4'");
    const check = await cli('codegen', '--check');
    expect(check.stdout).toMatch(/up to date/);
  });

  it("passes exaone4's contract test on node-llama-cpp with no hand edit", async () => {
    const report = path.join(dir, 'contract.json');
    const vitest = path.join(copy, 'node_modules', 'vitest', 'vitest.mjs');
    const args = [vitest, 'run', '--project', 'contract', 'test/contract/contract.test.ts', '--reporter=json', `--outputFile=${report}`];
    const outcome = await run(process.execPath, args, { cwd: copy, env: { ...process.env, ARCH: 'exaone4' }, maxBuffer: 64 * 1024 * 1024 }).then(
      () => 0,
      (error: { code?: number; stderr?: string }) => error,
    );
    const json = JSON.parse(await readFile(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      testResults: { assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
    };
    const failures = json.testResults.flatMap((file) => file.assertionResults.filter((test) => test.status !== 'passed').map((test) => `${test.fullName}: ${test.failureMessages.join('\n')}`));
    expect(failures.join('\n\n')).toBe('');
    expect(outcome).toBe(0);
    expect(json.numFailedTests).toBe(0);
    expect(json.numPassedTests).toBeGreaterThanOrEqual(7);
  });
});
