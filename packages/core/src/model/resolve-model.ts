import type { ArchPlugin, MemoryKind } from '../schema/arch.js';
import { ModelError } from './errors.js';
import { type Hparams, resolveHparams } from './hparams.js';
import { type LayerSpec, buildLayers } from './layers.js';
import { type Metadata, MetadataReader } from './metadata.js';
import { suggest } from './suggest.js';

/** A model with its plugin, hparams and per-layer table. */
export interface ResolvedModel {
  readonly arch: ArchPlugin;
  readonly hparams: Hparams;
  readonly layers: readonly LayerSpec[];
  /** The memory the runtime builds for this model: `iswa` only when SWA layers exist. */
  readonly memory: MemoryKind;
  /** The attention cache is split into a non-SWA and an SWA cache (llama_kv_cache_iswa, alone or inside hybrid memory). */
  readonly swaCache: boolean;
  readonly file: string | undefined;
}

/** Finds the plugin for `general.architecture`, or a typed error with a "did you mean" and the `add` command. */
export function findArch(archs: Readonly<Record<string, ArchPlugin>>, metadata: Metadata, file?: string): ArchPlugin {
  const name = metadata['general.architecture'];
  if (typeof name !== 'string' || name === '') {
    throw new ModelError('MISSING_KEY', 'general.architecture', file, 'general.architecture is missing or not a string', 'This is not a model GGUF, or its header is damaged');
  }
  const plugin = Object.hasOwn(archs, name) ? archs[name] : undefined;
  if (plugin === undefined) {
    const close = suggest(name, Object.keys(archs));
    const hint = close === undefined ? '' : `Did you mean "${close}"? `;
    throw new ModelError('UNKNOWN_ARCH', 'general.architecture', file, `no plugin for architecture "${name}"`, `${hint}Scaffold one with: npx arch-registry add ${name} --from <model.gguf>`);
  }
  if (!plugin.status.supported) {
    throw new ModelError('ARCH_UNSUPPORTED', 'general.architecture', file, `architecture "${name}" is marked unsupported`, plugin.status.reason);
  }
  return plugin;
}

/** Metadata → plugin → hparams → layers. */
export function resolveModel(metadata: Metadata, archs: Readonly<Record<string, ArchPlugin>>, file?: string): ResolvedModel {
  const arch = findArch(archs, metadata, file);
  const hparams = resolveHparams(arch, new MetadataReader(metadata, arch.name, file));
  const layers = buildLayers(arch, hparams);
  const memory: MemoryKind = arch.memory.value === 'iswa' && hparams.swa === null ? 'kv' : arch.memory.value;
  const swaCache = hparams.swa !== null && (memory === 'iswa' || memory === 'hybrid');
  return { arch, hparams, layers, memory, swaCache, file };
}
