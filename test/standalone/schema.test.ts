import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARCH_NAMES, BACKEND_NAMES, archTable, backendTable } from '@arch-registry/core';
import { PluginValidationError, defineArch, defineBackend, validateArch, validateBackend } from '@arch-registry/core/schema';
import { loadRegistry } from '@arch-registry/codegen';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The real registry, loaded once at collection time so `it.each` walks every plugin (a new one needs no test edit). */
const registry = await loadRegistry(root);

/** Plain mutable data: plugins are plain objects, so a deep copy can be edited by field path. */
type Json = { [key: string]: unknown };

/** Marks a field to delete rather than set. */
const DELETE = Symbol('delete');

/** A field path (dotted, numeric segments index arrays) and its new value, or DELETE. */
type Edit = readonly [path: string, value: unknown];

function applyEdits(plugin: Json, edits: readonly Edit[]): Json {
  for (const [fieldPath, value] of edits) {
    const keys = fieldPath.split('.');
    const last = keys.pop();
    if (last === undefined) throw new Error(`empty edit path`);
    let target: Json = plugin;
    for (const key of keys) {
      const next = target[key];
      if (typeof next !== 'object' || next === null) throw new Error(`edit path ${fieldPath}: ${key} is not an object`);
      target = next as Json;
    }
    if (value === DELETE) delete target[last];
    else target[last] = value;
  }
  return plugin;
}

/** A fresh, mutable deep copy of a real plugin. */
const exaone4 = (): Json => structuredClone(archTable.exaone4) as unknown as Json;
const cuda = (): Json => structuredClone(backendTable.cuda) as unknown as Json;

const aCite = { file: 'src/llama-model.cpp', fn: 'llama_model::create_memory' } as const;

/** Runs a validator and returns the error it must throw. */
function rejection(validate: (plugin: unknown) => void, plugin: unknown): PluginValidationError {
  try {
    validate(plugin);
  } catch (error) {
    if (error instanceof PluginValidationError) return error;
    throw error;
  }
  throw new Error('expected a PluginValidationError, but the plugin validated');
}

interface ExpectedIssue {
  readonly path: string;
  /** A substring of the expected form, as the schema rule states it. */
  readonly expected: string;
}

function expectIssues(error: PluginValidationError, plugin: string, issues: readonly ExpectedIssue[]): void {
  expect(error.name).toBe('PluginValidationError');
  expect(error.code).toBe('PLUGIN_INVALID');
  expect(error.plugin).toBe(plugin);
  expect(error.issues.map((issue) => issue.path).sort()).toEqual(issues.map((issue) => issue.path).sort());
  for (const want of issues) {
    const got = error.issues.find((issue) => issue.path === want.path);
    expect(got?.expected, `issue at ${want.path}`).toContain(want.expected);
    expect(error.message).toContain(want.path);
  }
  expect(error.message).toContain(`"${plugin}"`);
}

describe('every real plugin under registry/ validates', () => {
  it.each(registry.archs.map((entry) => [entry.plugin.name, entry] as const))('arch %s', (_name, entry) => {
    expect(() => validateArch(entry.plugin, entry.file)).not.toThrow();
    // The plugin lives in registry/archs/<name>/index.ts, and <name> is its GGUF general.architecture.
    expect(entry.file).toBe(path.join('registry', 'archs', entry.plugin.name, 'index.ts'));
    expect(path.basename(path.dirname(entry.file))).toBe(entry.plugin.name);
  });

  it.each(registry.backends.map((entry) => [entry.plugin.name, entry] as const))('backend %s', (_name, entry) => {
    expect(() => validateBackend(entry.plugin, entry.file)).not.toThrow();
    expect(entry.file).toBe(path.join('registry', 'backends', `${entry.plugin.name}.ts`));
    expect(path.basename(entry.file, '.ts')).toBe(entry.plugin.name);
  });

  it('the registry/archs folder listing equals the exported ARCH_NAMES', async () => {
    const entries = await readdir(path.join(root, 'registry', 'archs'), { withFileTypes: true });
    const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(folders.length).toBeGreaterThan(0);
    expect([...ARCH_NAMES]).toEqual(folders.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(registry.archs.map((entry) => entry.plugin.name)).toEqual([...ARCH_NAMES]);
  });

  it('the registry/backends file listing equals the exported BACKEND_NAMES', async () => {
    const entries = await readdir(path.join(root, 'registry', 'backends'), { withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')).map((entry) => entry.name.slice(0, -'.ts'.length));
    expect([...BACKEND_NAMES]).toEqual(files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('defineArch / defineBackend return a valid plugin unchanged', () => {
    const arch = exaone4();
    expect(defineArch(arch as never)).toBe(arch);
    const backend = cuda();
    expect(defineBackend(backend as never)).toBe(backend);
  });

  it('the starting points of the mutation tables are valid', () => {
    expect(() => validateArch(exaone4())).not.toThrow();
    expect(() => validateBackend(cuda())).not.toThrow();
  });
});

interface ArchRow {
  readonly name: string;
  readonly edits: readonly Edit[];
  /** `error.plugin`: the plugin's name when it is a string. */
  readonly plugin: string;
  readonly issues: readonly ExpectedIssue[];
}

const invalidArchs: readonly ArchRow[] = [
  { name: 'name with capitals', edits: [['name', 'Exaone4']], plugin: 'Exaone4', issues: [{ path: 'name', expected: 'general.architecture' }] },
  { name: 'name with a space', edits: [['name', 'exa one']], plugin: 'exa one', issues: [{ path: 'name', expected: 'general.architecture' }] },
  { name: 'name starting with a digit', edits: [['name', '4exaone']], plugin: '4exaone', issues: [{ path: 'name', expected: 'general.architecture' }] },
  { name: 'missing cite on a fact', edits: [['kind.cite', DELETE]], plugin: 'exaone4', issues: [{ path: 'kind.cite', expected: 'an object' }] },
  { name: 'missing cite on the layer rule', edits: [['layers.cite', DELETE]], plugin: 'exaone4', issues: [{ path: 'layers.cite', expected: 'an object' }] },
  { name: 'cite with an empty function', edits: [['memory.cite.fn', '']], plugin: 'exaone4', issues: [{ path: 'memory.cite.fn', expected: 'function' }] },
  {
    name: 'cite file outside the llama.cpp tree (escapes it)',
    edits: [['memory.cite.file', '../../etc/llama-model.cpp']],
    plugin: 'exaone4',
    issues: [{ path: 'memory.cite.file', expected: 'llama.cpp tree' }],
  },
  {
    name: 'cite file outside the llama.cpp tree (unknown top folder)',
    edits: [['rope.type.cite.file', 'node_modules/llama-model.cpp']],
    plugin: 'exaone4',
    issues: [{ path: 'rope.type.cite.file', expected: 'llama.cpp tree' }],
  },
  {
    name: 'cite file that is not a source file',
    edits: [['attention.sinks.cite.file', 'src/models/exaone4.md']],
    plugin: 'exaone4',
    issues: [{ path: 'attention.sinks.cite.file', expected: 'llama.cpp tree' }],
  },
  {
    name: 'graph.ffnNorm naming a norm the plugin does not declare',
    edits: [['graph', { ffnNorm: { value: 'pre_ffn_norm', cite: aCite } }]],
    plugin: 'exaone4',
    issues: [{ path: 'graph.ffnNorm.value', expected: 'a norm declared in tensors.perLayer (blk.{i}.pre_ffn_norm.weight)' }],
  },
  {
    name: 'graph.moe on an arch without a router',
    edits: [['graph', { moe: { value: { gating: 'softmax', normalizeWeights: true }, cite: aCite } }]],
    plugin: 'exaone4',
    issues: [{ path: 'graph.moe', expected: 'a router' }],
  },
  {
    name: 'graph.moe with an unknown gating',
    edits: [['graph', { moe: { value: { gating: 'sqrt-softplus', normalizeWeights: true }, cite: aCite } }]],
    plugin: 'exaone4',
    issues: [{ path: 'graph.moe.value.gating', expected: '"softmax-weight"' }],
  },
  {
    name: 'graph.hiddenStateOutput outside its values',
    edits: [['graph', { hiddenStateOutput: { value: 'every-layer', cite: aCite } }]],
    plugin: 'exaone4',
    issues: [{ path: 'graph.hiddenStateOutput.value', expected: '"all-rows"' }],
  },
  {
    name: 'unknown field: typo attenton for attention',
    edits: [
      ['attenton', { causal: { value: true, cite: aCite } }],
      ['attention', DELETE],
    ],
    plugin: 'exaone4',
    issues: [
      { path: 'attenton', expected: 'no such field' },
      { path: 'attention', expected: 'an object' },
    ],
  },
  { name: 'unknown nested field', edits: [['layers.window.defualt', 4096]], plugin: 'exaone4', issues: [{ path: 'layers.window.defualt', expected: 'no such field' }] },
  {
    name: 'tensor condition with an unknown test',
    edits: [['tensors.perLayer.0.when', [{ key: 'expert_count', is: 'nonzero' }]]],
    plugin: 'exaone4',
    issues: [{ path: 'tensors.perLayer[0].when[0].is', expected: '"positive"' }],
  },
  { name: 'tensor condition with no key', edits: [['tensors.perLayer.0.when', [{ is: 'zero' }]]], plugin: 'exaone4', issues: [{ path: 'tensors.perLayer[0].when[0].key', expected: 'metadata key' }] },
  { name: 'wrong enum: memory paged', edits: [['memory.value', 'paged']], plugin: 'exaone4', issues: [{ path: 'memory.value', expected: '"iswa"' }] },
  { name: 'wrong enum: rope type', edits: [['rope.type.value', 'yarn']], plugin: 'exaone4', issues: [{ path: 'rope.type.value', expected: '"neox"' }] },
  {
    name: "memory 'iswa' with an all-full layer rule",
    edits: [['layers', { type: 'all-full', cite: aCite }]],
    plugin: 'exaone4',
    issues: [{ path: 'memory.value', expected: 'swa' }],
  },
  { name: "swa layer rule with memory 'kv'", edits: [['memory.value', 'kv']], plugin: 'exaone4', issues: [{ path: 'memory.value', expected: 'iswa' }] },
  {
    name: "recurrent layer rule with memory 'kv'",
    edits: [
      ['layers', { type: 'recurrent', cite: aCite }],
      ['memory.value', 'kv'],
    ],
    plugin: 'exaone4',
    // A recurrent rule also needs the recurrentState fact that sizes its R/S rows.
    issues: [
      { path: 'memory.value', expected: 'recurrent' },
      { path: 'recurrentState', expected: 'how recurrent layers size their state' },
    ],
  },
  {
    name: 'hybrid layer rule without recurrentState',
    edits: [
      ['layers', { type: 'hybrid', recurrent: { type: 'head-count-kv-zero' }, cite: aCite }],
      ['memory.value', 'hybrid'],
    ],
    plugin: 'exaone4',
    issues: [{ path: 'recurrentState', expected: 'n_embd_r / n_embd_s' }],
  },
  {
    name: 'required window with a default',
    edits: [['layers.window', { required: true, default: 4096 }]],
    plugin: 'exaone4',
    issues: [{ path: 'layers.window.default', expected: 'required' }],
  },
  {
    name: "optional window with no default and activation 'always'",
    edits: [
      ['layers.window', { required: false }],
      ['layers.activation', { type: 'always' }],
    ],
    plugin: 'exaone4',
    issues: [{ path: 'layers.window.default', expected: 'default' }],
  },
  { name: 'period below range', edits: [['layers.period', -1]], plugin: 'exaone4', issues: [{ path: 'layers.period', expected: 'integer' }] },
  { name: 'period above range', edits: [['layers.period', 100_000]], plugin: 'exaone4', issues: [{ path: 'layers.period', expected: 'integer' }] },
  { name: 'period not an integer', edits: [['layers.period', 2.5]], plugin: 'exaone4', issues: [{ path: 'layers.period', expected: 'integer' }] },
  { name: 'period as a string', edits: [['layers.period', '4']], plugin: 'exaone4', issues: [{ path: 'layers.period', expected: 'integer' }] },
  { name: 'window default of zero', edits: [['layers.window.default', 0]], plugin: 'exaone4', issues: [{ path: 'layers.window.default', expected: 'integer' }] },
  { name: 'status unsupported without a reason', edits: [['status', { supported: false }]], plugin: 'exaone4', issues: [{ path: 'status.reason', expected: 'string' }] },
  { name: 'status unsupported with an empty reason', edits: [['status', { supported: false, reason: '' }]], plugin: 'exaone4', issues: [{ path: 'status.reason', expected: 'string' }] },
  { name: 'status supported with a reason', edits: [['status', { supported: true, reason: 'x' }]], plugin: 'exaone4', issues: [{ path: 'status.reason', expected: 'no such field' }] },
  {
    name: 'tagged union with an unknown type (activation)',
    edits: [['layers.activation', { type: 'sometimes' }]],
    plugin: 'exaone4',
    issues: [{ path: 'layers.activation.type', expected: '"n-layer-equals"' }],
  },
  { name: 'tagged union with an unknown type (layer rule)', edits: [['layers.type', 'chunked']], plugin: 'exaone4', issues: [{ path: 'layers.type', expected: '"swa"' }] },
  {
    name: 'tagged union with a field of another variant',
    edits: [['layers.activation', { type: 'always', nLayer: 64 }]],
    plugin: 'exaone4',
    issues: [{ path: 'layers.activation.nLayer', expected: 'no such field' }],
  },
  { name: 'kvSharing missing', edits: [['kvSharing', DELETE]], plugin: 'exaone4', issues: [{ path: 'kvSharing', expected: 'an object' }] },
  {
    name: 'kvSharing with an unknown type',
    edits: [['kvSharing.value', { type: 'every-other' }]],
    plugin: 'exaone4',
    issues: [{ path: 'kvSharing.value.type', expected: '"tail"' }],
  },
  {
    // The reuse callback reads layer start − 2, so fewer than 2 owning layers cannot load.
    name: 'kvSharing tail starting below layer 2',
    edits: [['kvSharing.value', { type: 'tail', start: { type: 'fixed', layer: 1 } }]],
    plugin: 'exaone4',
    issues: [{ path: 'kvSharing.value.start.layer', expected: 'integer' }],
  },
  {
    name: 'kvSharing tail whose start is a key with the arch prefix',
    edits: [['kvSharing.value', { type: 'tail', start: { type: 'shared-count-key', key: 'Gemma4.attention.shared_kv_layers' } }]],
    plugin: 'exaone4',
    issues: [{ path: 'kvSharing.value.start.key', expected: 'GGUF key' }],
  },
  {
    name: "kvSharing tail with memory 'kv' (the reuse callback goes to llama_kv_cache_iswa only)",
    edits: [
      ['layers', { type: 'all-full', cite: aCite }],
      ['memory.value', 'kv'],
      ['kvSharing.value', { type: 'tail', start: { type: 'fixed', layer: 20 } }],
    ],
    plugin: 'exaone4',
    issues: [{ path: 'kvSharing.value.type', expected: 'llama_kv_cache_iswa' }],
  },
  { name: 'tiedOutputBeforeTokenEmbd not a boolean', edits: [['tensors.tiedOutputBeforeTokenEmbd', 'yes']], plugin: 'exaone4', issues: [{ path: 'tensors.tiedOutputBeforeTokenEmbd', expected: 'true or false' }] },
  {
    name: 'per-layer size in a global tensor: there is no layer to take it from',
    edits: [['tensors.global.0.shape', ['n_embd', 'n_head(il)*n_embd_head_k']]],
    plugin: 'exaone4',
    issues: [{ path: 'tensors.global[0].shape[1]', expected: 'layer-0 name ("n_head")' }],
  },
  {
    name: 'unknown per-layer name in a per-layer tensor',
    edits: [['tensors.perLayer.0.shape', ['n_embd_head_k(il)']]],
    plugin: 'exaone4',
    issues: [{ path: 'tensors.perLayer[0].shape[0]', expected: 'n_head(il), n_head_kv(il), n_ff(il)' }],
  },
  {
    name: 'insteadOf on a required tensor, naming an undeclared one',
    edits: [['tensors.perLayer.1.insteadOf', ['blk.{i}.attn_qkv.weight']]],
    plugin: 'exaone4',
    issues: [
      { path: 'tensors.perLayer[1].optional', expected: 'one form of several' },
      { path: 'tensors.perLayer[1].insteadOf[0]', expected: 'a tensor declared in tensors.perLayer' },
    ],
  },
  {
    name: 'insteadOf naming a tensor on other layers',
    edits: [['tensors.perLayer.1', { name: 'blk.{i}.attn_qkv.weight', shape: ['n_embd', 'n_embd'], layers: 'all', optional: true, insteadOf: ['blk.{i}.attn_q.weight'] }]],
    plugin: 'exaone4',
    issues: [{ path: 'tensors.perLayer[1].insteadOf[0]', expected: 'a tensor on the same layers ("all")' }],
  },
  {
    name: 'unknown layer selector',
    edits: [['tensors.perLayer.0.layers', 'no-kv']],
    plugin: 'exaone4',
    issues: [{ path: 'tensors.perLayer[0].layers', expected: '"linear-attention"' }],
  },
  {
    name: 'tagged union with an unknown type (NoPE layers)',
    edits: [['rope.nopeLayers.value', { type: 'every-other' }]],
    plugin: 'exaone4',
    issues: [{ path: 'rope.nopeLayers.value.type', expected: '"full-attention-layers"' }],
  },
  {
    name: 'step layer selector with an unknown choice',
    edits: [['tensors.perLayer.0.layers', { type: 'step', key: 'interleave_moe_layer_step', selects: 'every' }]],
    plugin: 'exaone4',
    issues: [{ path: 'tensors.perLayer[0].layers.selects', expected: '"on-step"' }],
  },
  {
    name: 'step layer selector whose key is not a GGUF key',
    edits: [['tensors.perLayer.0.layers', { type: 'step', key: 'MoE Step', selects: 'on-step' }]],
    plugin: 'exaone4',
    issues: [{ path: 'tensors.perLayer[0].layers.key', expected: 'GGUF key' }],
  },
  { name: 'unknown named layer selector', edits: [['tensors.perLayer.0.layers', 'moe']], plugin: 'exaone4', issues: [{ path: 'tensors.perLayer[0].layers', expected: '"after-dense-lead"' }] },
];

describe('invalid arch plugins are rejected with the field path and expected form', () => {
  it.each(invalidArchs)('$name', (row) => {
    const plugin = applyEdits(exaone4(), row.edits);
    const error = rejection(validateArch, plugin);
    expectIssues(error, row.plugin, row.issues);
    // defineArch is the same check at plugin load time.
    const viaDefine = rejection((p) => defineArch(p as never), plugin);
    expect(viaDefine.issues).toEqual(error.issues);
  });

  it('names the file when it is given, and falls back to it when the name is unreadable', () => {
    const named = rejection((p) => validateArch(p, 'registry/archs/exaone4/index.ts'), applyEdits(exaone4(), [['memory.value', 'paged']]));
    expect(named.file).toBe('registry/archs/exaone4/index.ts');
    expect(named.message).toContain('registry/archs/exaone4/index.ts');
    const unnamed = rejection((p) => validateArch(p, 'registry/archs/x/index.ts'), applyEdits(exaone4(), [['name', 42]]));
    expect(unnamed.plugin).toBe('registry/archs/x/index.ts');
    expect(unnamed.issues.map((issue) => issue.path)).toEqual(['name']);
  });

  it.each([
    ['null', null],
    ['a string', 'exaone4'],
    ['an array', []],
  ])('a plugin that is %s is rejected at the root', (_what, value) => {
    const error = rejection(validateArch, value);
    expect(error.plugin).toBe('(unnamed)');
    expect(error.issues.map((issue) => issue.path)).toEqual(['']);
    expect(error.message).toContain('(root)');
  });
});

interface BackendRow {
  readonly name: string;
  readonly edits: readonly Edit[];
  readonly issues: readonly ExpectedIssue[];
}

const invalidBackends: readonly BackendRow[] = [
  {
    name: 'unknown cache type in cacheTypes.k',
    edits: [['flashAttention.cacheTypes.value.k', ['f16', 'q3_k']]],
    issues: [{ path: 'flashAttention.cacheTypes.value.k[1]', expected: '"q8_0"' }],
  },
  {
    name: 'cache type spelled in capitals in cacheTypes.v',
    edits: [['flashAttention.cacheTypes.value.v', ['F16']]],
    issues: [{ path: 'flashAttention.cacheTypes.value.v[0]', expected: '"f16"' }],
  },
  {
    name: 'head-dim rule of unknown type',
    edits: [['flashAttention.headDims.value', { type: 'ranges', from: 64, to: 256 }]],
    issues: [{ path: 'flashAttention.headDims.value.type', expected: '"pairs"' }],
  },
  {
    name: 'head-dim pair out of range',
    edits: [['flashAttention.headDims.value', { type: 'pairs', pairs: [{ k: 0, v: 64 }] }]],
    issues: [{ path: 'flashAttention.headDims.value.pairs[0].k', expected: 'integer' }],
  },
  {
    name: 'empty head-dim pair list',
    edits: [['flashAttention.headDims.value', { type: 'pairs', pairs: [] }]],
    issues: [{ path: 'flashAttention.headDims.value.pairs', expected: 'at least 1' }],
  },
  { name: 'missing notes', edits: [['notes', DELETE]], issues: [{ path: 'notes', expected: 'an array' }] },
  { name: 'note without a cite', edits: [['notes', [{ text: 'x' }]]], issues: [{ path: 'notes[0].cite', expected: 'an object' }] },
  { name: 'offloads not a boolean', edits: [['offloads', 'yes']], issues: [{ path: 'offloads', expected: 'true or false' }] },
];

describe('invalid backend plugins are rejected with the field path and expected form', () => {
  it.each(invalidBackends)('$name', (row) => {
    const plugin = applyEdits(cuda(), row.edits);
    const error = rejection(validateBackend, plugin);
    expectIssues(error, 'cuda', row.issues);
    const viaDefine = rejection((p) => defineBackend(p as never), plugin);
    expect(viaDefine.issues).toEqual(error.issues);
  });
});

describe('all problems are reported at once', () => {
  it.each([
    {
      name: 'arch: bad name and a missing cite',
      validate: validateArch as (plugin: unknown) => void,
      plugin: () => applyEdits(exaone4(), [
        ['name', 'Exaone4'],
        ['mtp.cite', DELETE],
      ]),
      paths: ['mtp.cite', 'name'],
    },
    {
      name: 'arch: a typo field and a wrong enum in different subtrees',
      validate: validateArch as (plugin: unknown) => void,
      plugin: () => applyEdits(exaone4(), [
        ['rope.nRotMustEqualHeadDim.value', 'no'],
        ['runtime.flashAttentionForcedOf', { value: true, cite: aCite }],
      ]),
      paths: ['rope.nRotMustEqualHeadDim.value', 'runtime.flashAttentionForcedOf'],
    },
    {
      name: 'backend: unknown cache type and missing notes',
      validate: validateBackend as (plugin: unknown) => void,
      plugin: () => applyEdits(cuda(), [
        ['flashAttention.cacheTypes.value.k', ['q3_k']],
        ['notes', DELETE],
      ]),
      paths: ['flashAttention.cacheTypes.value.k[0]', 'notes'],
    },
  ])('$name', ({ validate, plugin, paths }) => {
    const error = rejection(validate, plugin());
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(paths);
    for (const issuePath of paths) expect(error.message).toContain(issuePath);
    // One line per issue under the header line.
    expect(error.message.split('\n')).toHaveLength(1 + paths.length);
  });
});
