import type { ArchPlugin } from '@arch-registry/core';

function layerRule(plugin: ArchPlugin): string {
  const rule = plugin.layers;
  if (rule.type !== 'swa') return `layers.type = ${rule.type}`;
  const when = rule.activation.type === 'n-layer-equals' ? `n-layer-equals ${rule.activation.nLayer}` : rule.activation.type;
  return `layers = ${rule.swaType} SWA, period ${rule.period}, ${rule.denseFirst ? 'dense-first' : 'dense-last'}, window ${JSON.stringify(rule.window)}, activation ${when}`;
}

/** The plugin facts a KV-size mismatch points at, named so a failure says which fact to check. */
export function kvFactHint(plugin: ArchPlugin): string {
  return [
    `plugin facts behind the KV cells and layers of ${plugin.name} (registry/archs/${plugin.name}/index.ts):`,
    `  ${layerRule(plugin)}`,
    `  memory = ${plugin.memory.value}; mtp = ${plugin.mtp.value}; attention.mla = ${JSON.stringify(plugin.attention.mla.value)}`,
  ].join('\n');
}

/** The plugin facts a flash-attention or refusal mismatch points at. */
export function dispatchFactHint(plugin: ArchPlugin): string {
  return [
    `plugin facts behind the flash-attention decision of ${plugin.name} (registry/archs/${plugin.name}/index.ts):`,
    `  runtime.flashAttentionForcedOff = ${plugin.runtime.flashAttentionForcedOff.value}; runtime.kvTypesMustMatch = ${plugin.runtime.kvTypesMustMatch.value}`,
    `  attention.mla = ${JSON.stringify(plugin.attention.mla.value)}; attention.sinks = ${plugin.attention.sinks.value}; attention.softcap = ${JSON.stringify(plugin.attention.softcap.value)}`,
  ].join('\n');
}
