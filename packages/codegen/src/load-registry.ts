import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ArchPlugin, type BackendPlugin, PluginValidationError, validateArch, validateBackend } from '@arch-registry/core/schema';
import { byCodePoint } from './order.js';

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

/** Entries of a registry folder; a missing folder is a problem, not an empty registry. */
async function listEntries(dir: string, root: string, problems: Error[]) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    problems.push(new Error(`${path.relative(root, dir)}/ is missing: run codegen from the repository root, which holds registry/archs and registry/backends`));
    return [];
  }
}

const byName = <T extends { plugin: { name: string } }>(a: T, b: T): number => byCodePoint(a.plugin.name, b.plugin.name);

/**
 * Imports every `registry/archs/<name>/index.ts` and `registry/backends/<name>.ts` under `root`,
 * validates each, checks that names match their folder or file and are unique.
 */
export async function loadRegistry(root: string): Promise<LoadedRegistry> {
  const problems: Error[] = [];
  const archs: Loaded<ArchPlugin>[] = [];
  const backends: Loaded<BackendPlugin>[] = [];

  // Every plugin that validates, by declared name, so duplicates are found before folder-name checks.
  const declared = new Map<string, string[]>();
  const load = async <T extends { name: string }>(kind: 'arch' | 'backend', file: string, expected: string, validate: (p: unknown, f: string) => void, into: Loaded<T>[]) => {
    const relative = path.relative(root, file);
    try {
      const plugin = await importDefault(file);
      validate(plugin, relative);
      const named = plugin as T;
      const key = `${kind} ${named.name}`;
      declared.set(key, [...(declared.get(key) ?? []), relative]);
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
  for (const entry of await listEntries(archDir, root, problems)) {
    if (entry.isDirectory()) await load('arch', path.join(archDir, entry.name, 'index.ts'), entry.name, validateArch, archs);
  }
  const backendDir = path.join(root, 'registry', 'backends');
  for (const entry of await listEntries(backendDir, root, problems)) {
    if (entry.isFile() && entry.name.endsWith('.ts')) await load('backend', path.join(backendDir, entry.name), entry.name.replace(/\.ts$/, ''), validateBackend, backends);
  }

  for (const [key, files] of declared) {
    if (files.length > 1) problems.push(new Error(`two ${key.split(' ')[0]} plugins are named "${key.split(' ')[1]}": ${files.join(' and ')}; names must be unique`));
  }
  if (problems.length === 0 && archs.length === 0) problems.push(new Error('registry/archs holds no plugin: codegen would write empty tables'));
  if (problems.length === 0 && backends.length === 0) problems.push(new Error('registry/backends holds no plugin: codegen would write empty tables'));
  if (problems.length > 0) throw new RegistryLoadError(problems);
  return { root, archs: archs.sort(byName), backends: backends.sort(byName) };
}
