/**
 * `npm run check:pr` (base: $PR_BASE, default origin/main): fails when a plugin folder added since
 * the base has no changeset naming it, or when its contract test does not pass on the native runtime.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const base = process.env.PR_BASE ?? 'origin/main';

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' });
}

let added: string[];
try {
  added = git('diff', '--name-only', '--diff-filter=A', `${base}...HEAD`)
    .split('\n')
    .map((file) => /^registry\/archs\/([^/]+)\/index\.ts$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined);
} catch {
  console.error(`check:pr: cannot diff against ${base}; set PR_BASE to the pull request's base commit`);
  process.exit(2);
}
if (added.length === 0) {
  console.log(`check:pr: no new architecture plugin since ${base}`);
  process.exit(0);
}

const changesetDir = path.join(root, '.changeset');
const changesets = existsSync(changesetDir) ? readdirSync(changesetDir).filter((file) => file.endsWith('.md') && file !== 'README.md').map((file) => readFileSync(path.join(changesetDir, file), 'utf8')) : [];
const missing = added.filter((name) => !changesets.some((text) => text.includes(name)));
for (const name of missing) console.error(`check:pr: new plugin registry/archs/${name} has no changeset naming it: run npx changeset (arch-registry add writes one)`);

const contract = spawnSync('npx', ['vitest', 'run', '--project', 'contract', 'test/contract/contract.test.ts'], { cwd: root, stdio: 'inherit', env: { ...process.env, ARCH: added.join(',') } });
if (contract.status !== 0) console.error(`check:pr: the contract test of ${added.join(', ')} does not pass`);
process.exit(missing.length > 0 || contract.status !== 0 ? 1 : 0);
