import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { emitCliDocs } from './emit-cli-docs.js';
import { emitText } from './emit-text.js';
import { type GeneratedFile, GENERATED_TS_DIR, emitTypeScript } from './emit-typescript.js';
import { loadRegistry } from './load-registry.js';
import { byCodePoint } from './order.js';

/** Every generated file, in memory. Pure apart from reading the registry and templates. */
export async function generate(root: string): Promise<GeneratedFile[]> {
  const registry = await loadRegistry(root);
  const files = [...emitTypeScript(registry), ...(await emitText(registry)), ...(await emitCliDocs(root))];
  return files.sort((a, b) => byCodePoint(a.path, b.path));
}

/** A generated file that does not match a fresh run. */
export interface Staleness {
  readonly path: string;
  readonly problem: 'stale' | 'missing' | 'extra';
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Compares the files on disk with a fresh run: stale, missing, and extra files in the generated folder. */
export async function checkGenerated(root: string, files: readonly GeneratedFile[]): Promise<Staleness[]> {
  const problems: Staleness[] = [];
  for (const file of files) {
    const current = await readFile(path.join(root, file.path), 'utf8').catch(() => undefined);
    if (current === undefined) problems.push({ path: file.path, problem: 'missing' });
    else if (current !== file.text) problems.push({ path: file.path, problem: 'stale' });
  }
  const expected = new Set(files.map((file) => path.join(root, file.path)));
  for (const onDisk of await listFiles(path.join(root, GENERATED_TS_DIR))) {
    if (!expected.has(onDisk)) problems.push({ path: path.relative(root, onDisk), problem: 'extra' });
  }
  return problems;
}

/** Writes through a temp file and a rename, so a kill leaves the old or the new file, never half of one. */
async function writeAtomic(target: string, text: string): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(temp, text);
  await rename(temp, target);
}

/** Writes changed files and removes extra ones; returns what changed. */
export async function writeGenerated(root: string, files: readonly GeneratedFile[]): Promise<Staleness[]> {
  const changes = await checkGenerated(root, files);
  for (const change of changes) {
    const target = path.join(root, change.path);
    if (change.problem === 'extra') await rm(target);
    else await writeAtomic(target, files.find((file) => file.path === change.path)?.text ?? '');
  }
  return changes;
}
