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

const TEMP_MARK = '.codegen-tmp-';

/** Writes through a temp file and a rename, so a kill leaves the old or the new file, never half of one. */
export async function writeAtomic(target: string, text: string): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `${path.basename(target)}${TEMP_MARK}${process.pid}-${Date.now()}`);
  await writeFile(temp, text);
  await rename(temp, target);
}

/** Temp files a killed run left next to the files it was writing. */
async function removeLeftovers(root: string, files: readonly GeneratedFile[]): Promise<void> {
  for (const dir of new Set(files.map((file) => path.dirname(path.join(root, file.path))))) {
    const entries = await readdir(dir).catch(() => []);
    for (const name of entries) if (name.includes(TEMP_MARK)) await rm(path.join(dir, name), { force: true });
  }
}

/** Writes changed files and removes extra ones; returns what changed. */
export async function writeGenerated(root: string, files: readonly GeneratedFile[]): Promise<Staleness[]> {
  await removeLeftovers(root, files);
  const changes = await checkGenerated(root, files);
  // Test hook: a pause between files, so a test can kill the process mid-run.
  const pause = Number(process.env.ARCH_REGISTRY_CODEGEN_PAUSE_MS ?? 0);
  for (const change of changes) {
    const target = path.join(root, change.path);
    if (change.problem === 'extra') await rm(target);
    else await writeAtomic(target, files.find((file) => file.path === change.path)?.text ?? '');
    if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return changes;
}
