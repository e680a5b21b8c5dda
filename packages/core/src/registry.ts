import { readGgufHeader } from './gguf/read-header.js';
import { type ResolvedModel, resolveModel } from './model/resolve-model.js';
import { archTable } from './generated/archs.js';
import { backendTable, type BackendName } from './generated/backends.js';
import type { BackendPlugin } from './schema/backend.js';
import type { TensorInfo } from './gguf/read-header.js';

export { ARCH_NAMES, archTable, type ArchName } from './generated/archs.js';
export { BACKEND_NAMES, backendTable, type BackendName } from './generated/backends.js';
export { isArchName, isBackendName, lookupArch, lookupBackend } from './generated/dispatch.js';

/** The generated backend plugin by name. */
export function getBackend(name: BackendName): BackendPlugin {
  return backendTable[name];
}

/** A model read from a GGUF header and resolved against the generated registry. */
export interface InspectedModel extends ResolvedModel {
  readonly tensors: readonly TensorInfo[];
}

/** Reads a local GGUF or an https URL and resolves it with the registry's plugins. */
export async function loadModel(source: string): Promise<InspectedModel> {
  const header = await readGgufHeader(source);
  // header.source has credentials and query strings removed: errors may print it.
  return { ...resolveModel(header.metadata, archTable, header.source), tensors: header.tensors };
}
