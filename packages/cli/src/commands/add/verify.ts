import { type ArchPlugin, type ContractModel, type LayerSpec, type Metadata, type MetadataValue, conditionHolds, evalDim, layerSelected, resolveModel } from '@arch-registry/core';
import type { DraftDecl } from './draft.js';
import { readHeaderModel } from './header-model.js';
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

/** The contract model's dimension names and width keys, as the synthesizer computes them. */
export function contractDims(name: string, contract: Pick<ContractModel, 'hparams' | 'vocabSize'>): Readonly<Record<string, number>> {
  return readHeaderModel({ metadata: contractMetadata(name, contract), tensors: [], source: 'contract model' }, name).dims;
}

/**
 * Widths that were ambiguous in the header (several expressions gave its number) but differ in the
 * contract model: one header cannot say which one the loader uses. One line per width.
 */
export function ambiguities(decl: DraftDecl, tiny: Readonly<Record<string, number>>): string[] {
  const lines: string[] = [];
  for (const [index, matches] of (decl.matches ?? []).entries()) {
    const values = matches.map((expr) => ({ expr, value: tryEval(expr, tiny) }));
    const first = values[0];
    if (first === undefined || values.every((entry) => entry.value === first.value)) continue;
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
  const denseLead = tiny.leadingDense;
  const check = (name: string, shape: readonly (string | number)[], where: string) => {
    for (const [index, dim] of shape.entries()) {
      try {
        const value = evalDim(dim, lookup);
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
    if (layers.some((layer) => layerSelected(decl.layers ?? 'all', layer, denseLead))) check(decl.name, decl.shape, '');
  }
  return problems;
}
