import type { ContractValue } from '../schema/tensors.js';
import type { MetadataValue } from './metadata.js';

/** A contract value as the metadata record core reads it: `{ f32 }` becomes its number. */
export function plainValue(value: ContractValue): MetadataValue {
  return typeof value === 'object' && !Array.isArray(value) ? (value as { readonly f32: number }).f32 : (value as MetadataValue);
}

/**
 * Hparams written without the arch prefix (contract models, fixtures) as the arch-prefixed metadata
 * record core reads, with `general.architecture`; no tokenizer, which hparams do not need.
 */
export function hparamsMetadata(arch: string, hparams: Readonly<Record<string, ContractValue>>): Record<string, MetadataValue> {
  const record: Record<string, MetadataValue> = { 'general.architecture': arch };
  for (const [key, value] of Object.entries(hparams)) record[`${arch}.${key}`] = plainValue(value);
  return record;
}
