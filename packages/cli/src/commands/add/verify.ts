import { type ArchPlugin, type ContractModel, type LayerSpec, type Metadata, type MetadataValue, conditionHolds, evalDim, layerDims, layerSelected, resolveModel } from '@arch-registry/core';
import type { DraftDecl } from './draft.js';
import { type HeaderModel, dimsAt, readHeaderModel } from './header-model.js';
import { tryEval } from './dim-match.js';

/** The contract model's metadata, as the synthesizer writes it (values plain, a vocabulary of the right size). */
function contractMetadata(name: string, contract: Pick<ContractModel, 'hparams' | 'vocabSize'>): Metadata {
  const record: Record<string, MetadataValue> = { 'general.architecture': name };
  for (const [key, value] of Object.entries(contract.hparams)) {
    record[`${name}.${key}`] = typeof value === 'object' && !Array.isArray(value) ? (value as { f32: number }).f32 : (value as MetadataValue);
  }
  record['tokenizer.ggml.tokens'] = Array.from({ length: contract.vocabSize }, (_, id) => `t${id}`);
  return record;
}

/** The contract model read as a header: its dimension names and width keys, as the synthesizer computes them. */
export function contractModel(name: string, contract: Pick<ContractModel, 'hparams' | 'vocabSize'>): HeaderModel {
  return readHeaderModel({ metadata: contractMetadata(name, contract), tensors: [], source: 'contract model' }, name);
}

/**
 * Widths that were ambiguous in the header (several expressions gave its number) but differ in the
 * contract model: one header cannot say which one the loader uses. One line per width.
 */
export function ambiguities(decl: DraftDecl, tiny: HeaderModel): string[] {
  const lines: string[] = [];
  // Per-layer names (n_head(il)) are compared on every layer of the contract model.
  const layers = Array.from({ length: Math.max(1, tiny.blockCount) }, (_, il) => dimsAt(tiny, il));
  for (const [index, matches] of (decl.matches ?? []).entries()) {
    const values = matches.map((expr) => layers.map((dims) => tryEval(expr, dims)).join(','));
    const first = values[0];
    if (first === undefined || values.every((value) => value === first)) continue;
    lines.push(`Width ${index} is ambiguous: ${matches.join(' = ')} in the header, but not in the contract model; check which one load_arch_tensors uses.`);
  }
  return lines;
}

/**
 * Checks that the plugin's contract model can be synthesized from its tensor layout: it resolves,
 * and every width evaluates to a positive integer on the layers that carry it. Returns the problems,
 * in words; an empty list means the model will synthesize.
 */
export function verifyContract(plugin: ArchPlugin): string[] {
  const problems: string[] = [];
  const metadata = contractMetadata(plugin.name, plugin.contract);
  let layers: readonly LayerSpec[];
  try {
    layers = resolveModel(metadata, { [plugin.name]: plugin }).layers;
  } catch (error) {
    return [`the contract model does not resolve: ${error instanceof Error ? error.message : String(error)}`];
  }
  const tiny = readHeaderModel({ metadata, tensors: [], source: 'contract model' }, plugin.name);
  const lookup = (name: string) => (Object.hasOwn(tiny.dims, name) ? tiny.dims[name] : undefined);
  const check = (name: string, shape: readonly (string | number)[], where: string, layer?: LayerSpec) => {
    const perLayer: Readonly<Record<string, number>> = layer === undefined ? {} : layerDims(layer);
    const dimOf = (key: string) => (Object.hasOwn(perLayer, key) ? perLayer[key] : lookup(key));
    for (const [index, dim] of shape.entries()) {
      try {
        const value = evalDim(dim, dimOf);
        if (!Number.isInteger(value) || value < 1) problems.push(`${name} width ${index} (${dim}) is ${value} in the contract model${where}`);
      } catch (error) {
        problems.push(`${name} width ${index} (${dim}) cannot be computed for the contract model${where}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  const keyValue = (name: string) => {
    const value = metadata[`${plugin.name}.${name}`];
    return typeof value === 'number' ? value : undefined;
  };
  for (const decl of plugin.tensors.global) if (decl.optional !== true && conditionHolds(decl.when, keyValue)) check(decl.name, decl.shape, '');
  for (const decl of plugin.tensors.perLayer) {
    if (decl.optional === true || !conditionHolds(decl.when, keyValue)) continue;
    // Each layer that carries it: per-layer names (n_head(il)) give each its own widths.
    for (const layer of layers.filter((candidate) => layerSelected(decl.layers ?? 'all', candidate, lookup))) {
      const before = problems.length;
      check(decl.name, decl.shape, ` (layer ${layer.index})`, layer);
      if (problems.length > before) break;
    }
  }
  return problems;
}
