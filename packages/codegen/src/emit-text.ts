import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import { type ArchPlugin, type BackendPlugin, type HeadDimRule, PINNED_SOURCE, type SwaActivation } from '@arch-registry/core/schema';
import type { GeneratedFile } from './emit-typescript.js';
import { goHeader, markdownHeader } from './header.js';
import { sortedJson } from './literal.js';
import type { LoadedRegistry } from './load-registry.js';

async function render(root: string, template: string, view: object): Promise<string> {
  const source = await readFile(path.join(root, 'templates', template), 'utf8');
  return Handlebars.compile(source, { noEscape: true, strict: true })(view);
}

/** gofmt aligns the types of consecutive struct fields into one column. */
function goFields(fields: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...fields.map(([name]) => name.length));
  return fields.map(([name, type]) => `${name.padEnd(width)} ${type}`);
}

const goString = (value: string): string => JSON.stringify(value);

/** gofmt aligns the values of consecutive `key: value` lines in a composite literal. */
function goKeyed(entries: readonly (readonly [string, string])[]): { key: string; literal: string }[] {
  const keys = entries.map(([name]) => `${goString(name)}:`);
  const width = Math.max(...keys.map((key) => key.length));
  return entries.map(([, literal], index) => ({ key: (keys[index] ?? '').padEnd(width), literal }));
}

function activationSummary(activation: SwaActivation): string {
  switch (activation.type) {
    case 'always':
      return '';
    case 'window-positive':
      return ' if window > 0';
    case 'unless-window-zero':
      return ' unless window = 0';
    case 'n-layer-equals':
      return ` if n_layer = ${activation.nLayer}`;
  }
}

function kvSharingSummary(arch: ArchPlugin): string {
  const sharing = arch.kvSharing.value;
  if (sharing.type === 'none') return '';
  const start = sharing.start.type === 'fixed' ? `layer ${sharing.start.layer}` : `block_count − ${sharing.start.key}`;
  return `; layers from ${start} on reuse earlier K/V`;
}

function layerSummary(arch: ArchPlugin): string {
  return layerRuleSummary(arch) + kvSharingSummary(arch);
}

function layerRuleSummary(arch: ArchPlugin): string {
  const rule = arch.layers;
  switch (rule.type) {
    case 'all-full':
      return 'all full';
    case 'swa': {
      const when = activationSummary(rule.activation);
      const window = rule.window.forced ?? rule.window.default;
      return `${rule.swaType} SWA, period ${rule.period}${rule.denseFirst ? ' dense-first' : ''}${window === undefined ? '' : `, window ${window}`}${when}`;
    }
    case 'hybrid':
      return `hybrid (${rule.recurrent.type})${rule.attentionSwa === undefined ? '' : `, attention ${rule.attentionSwa.swaType} SWA if window > 0`}`;
    case 'recurrent':
      return 'recurrent';
  }
}

function headDimSummary(rule: HeadDimRule): string {
  switch (rule.type) {
    case 'any':
      return 'any';
    case 'multiple-of':
      return `multiples of ${rule.k}`;
    case 'k-list':
      return rule.k.join(', ');
    case 'pairs':
      return rule.pairs.map((p) => (p.k === p.v ? `${p.k}` : `${p.k}/${p.v}`) + (p.gqa ? ` (GQA${p.gqa.multipleOf > 1 ? ` %${p.gqa.multipleOf}` : ' ≥2'})` : '')).join(', ');
  }
}

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

function goArch(arch: ArchPlugin): string {
  const swa = arch.layers.type === 'swa' ? arch.layers : undefined;
  const fields: [string, string][] = [
    ['Name', goString(arch.name)],
    ['Kind', goString(arch.kind.value)],
    ['Memory', goString(arch.memory.value)],
    ['LayerRule', goString(arch.layers.type)],
    ['SWAPeriod', String(swa?.period ?? 0)],
    ['SWADenseFirst', String(swa?.denseFirst ?? false)],
    ['SWAWindowDefault', String(swa?.window.forced ?? swa?.window.default ?? 0)],
    ['MLA', String(arch.attention.mla.value !== null)],
    ['Sinks', String(arch.attention.sinks.value)],
    ['FlashAttentionForcedOff', String(arch.runtime.flashAttentionForcedOff.value)],
    ['KVTypesMustMatch', String(arch.runtime.kvTypesMustMatch.value)],
  ];
  return `{${fields.map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
}

function goBackend(backend: BackendPlugin): string {
  const types = backend.flashAttention.cacheTypes.value;
  const list = (values: readonly string[]) => `[]string{${values.map(goString).join(', ')}}`;
  return `{Name: ${goString(backend.name)}, Offloads: ${backend.offloads}, FAHeadDims: ${goString(headDimSummary(backend.flashAttention.headDims.value))}, FAKTypes: ${list(types.k)}, FAVTypes: ${list(types.v)}, FAKEqualsV: ${types.kEqualsV}}`;
}

/** Go tables, the JSON table and the support matrix, rendered from handlebars templates. */
export async function emitText(registry: LoadedRegistry): Promise<GeneratedFile[]> {
  const archs = registry.archs.map((entry) => entry.plugin);
  const backends = registry.backends.map((entry) => entry.plugin);
  const source = 'registry/archs/*/index.ts and registry/backends/*.ts';

  const go = await render(registry.root, 'go/tables.go.hbs', {
    header: goHeader(source),
    archFields: goFields([
      ['Name', 'string'],
      ['Kind', 'string'],
      ['Memory', 'string'],
      ['LayerRule', 'string'],
      ['SWAPeriod', 'uint32'],
      ['SWADenseFirst', 'bool'],
      ['SWAWindowDefault', 'uint32'],
      ['MLA', 'bool'],
      ['Sinks', 'bool'],
      ['FlashAttentionForcedOff', 'bool'],
      ['KVTypesMustMatch', 'bool'],
    ]),
    archs: goKeyed(archs.map((arch) => [arch.name, goArch(arch)])),
    backendFields: goFields([
      ['Name', 'string'],
      ['Offloads', 'bool'],
      ['FAHeadDims', 'string'],
      ['FAKTypes', '[]string'],
      ['FAVTypes', '[]string'],
      ['FAKEqualsV', 'bool'],
    ]),
    backends: goKeyed(backends.map((backend) => [backend.name, goBackend(backend)])),
  });

  const matrix = await render(registry.root, 'docs/support-matrix.md.hbs', {
    header: markdownHeader(source),
    llamaCpp: PINNED_SOURCE.llamaCpp,
    runtime: PINNED_SOURCE.runtime,
    archs: archs.map((arch) => ({
      name: arch.name,
      kind: arch.kind.value,
      memory: arch.memory.value,
      layers: layerSummary(arch),
      mla: yesNo(arch.attention.mla.value !== null),
      sinks: yesNo(arch.attention.sinks.value),
      faForcedOff: yesNo(arch.runtime.flashAttentionForcedOff.value),
      summary: arch.summary.replace(/\|/g, '\\|'),
    })),
    backends: backends.map((backend) => ({
      name: backend.name,
      headDims: headDimSummary(backend.flashAttention.headDims.value),
      kTypes: backend.flashAttention.cacheTypes.value.k.join(', '),
      vTypes: backend.flashAttention.cacheTypes.value.v.join(', '),
      kEqualsV: yesNo(backend.flashAttention.cacheTypes.value.kEqualsV),
    })),
  });

  const json = `${JSON.stringify(sortedJson({ '//': 'Generated by `npm run codegen` (tools/codegen.ts) from registry/. Do not edit by hand.', pinned: PINNED_SOURCE, archs, backends }), null, 2)}\n`;

  return [
    { path: 'packages/core/src/generated/go/archregistry/tables.go', text: go },
    { path: 'packages/core/src/generated/registry.json', text: json },
    { path: 'docs/support-matrix.md', text: matrix },
  ];
}
