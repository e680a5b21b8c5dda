import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ArchPlugin, type BackendPlugin, PluginValidationError, validateArch, validateBackend } from '@arch-registry/core/schema';

/** A plugin and the file it came from. */
export interface Loaded<T> {
  readonly file: string;
  readonly plugin: T;
}

export interface LoadedRegistry {
  readonly root: string;
  /** Sorted by name. */
  readonly archs: readonly Loaded<ArchPlugin>[];
  /** Sorted by name. */
  readonly backends: readonly Loaded<BackendPlugin>[];
}

/** All problems found while loading, so codegen can refuse to write anything. */
export class RegistryLoadError extends Error {
  override readonly name = 'RegistryLoadError';
  readonly code = 'REGISTRY_INVALID';

  constructor(readonly problems: readonly Error[]) {
    super(`the registry has ${problems.length} invalid plugin(s); nothing was written:\n${problems.map((p) => p.message).join('\n')}`);
  }
}

async function importDefault(file: string): Promise<unknown> {
  const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  return module.default;
}

async function listDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

async function listTs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')).map((entry) => entry.name);
}

const byName = <T extends { plugin: { name: string } }>(a: T, b: T): number => a.plugin.name.localeCompare(b.plugin.name, 'en');

/**
 * Imports every `registry/archs/<name>/index.ts` and `registry/backends/<name>.ts` under `root`,
 * validates each, checks that names match their folder or file and are unique.
 */
export async function loadRegistry(root: string): Promise<LoadedRegistry> {
  const problems: Error[] = [];
  const archs: Loaded<ArchPlugin>[] = [];
  const backends: Loaded<BackendPlugin>[] = [];

  const load = async <T extends { name: string }>(file: string, expected: string, validate: (p: unknown, f: string) => void, into: Loaded<T>[]) => {
    const relative = path.relative(root, file);
    try {
      const plugin = await importDefault(file);
      validate(plugin, relative);
      const named = plugin as T;
      if (named.name !== expected) {
        throw new PluginValidationError(named.name, [{ path: 'name', expected: `"${expected}" (the folder or file name)`, found: JSON.stringify(named.name) }], relative);
      }
      into.push({ file: relative, plugin: named });
    } catch (error) {
      // defineArch throws before the loader knows the file; add it so the message points there.
      if (error instanceof PluginValidationError && error.file === undefined) problems.push(new PluginValidationError(error.plugin, error.issues, relative));
      else problems.push(error instanceof Error ? error : new Error(`${relative}: ${String(error)}`));
    }
  };

  const archDir = path.join(root, 'registry', 'archs');
  for (const name of await listDirs(archDir)) await load(path.join(archDir, name, 'index.ts'), name, validateArch, archs);
  const backendDir = path.join(root, 'registry', 'backends');
  for (const file of await listTs(backendDir)) await load(path.join(backendDir, file), file.replace(/\.ts$/, ''), validateBackend, backends);

  for (const list of [archs, backends] as const) {
    const seen = new Map<string, string>();
    for (const entry of list as readonly Loaded<{ name: string }>[]) {
      const other = seen.get(entry.plugin.name);
      if (other !== undefined) problems.push(new Error(`two plugins are named "${entry.plugin.name}": ${other} and ${entry.file}; names must be unique`));
      seen.set(entry.plugin.name, entry.file);
    }
  }
  if (problems.length > 0) throw new RegistryLoadError(problems);
  return { root, archs: archs.sort(byName), backends: backends.sort(byName) };
}
