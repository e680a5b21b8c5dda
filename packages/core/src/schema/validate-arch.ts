import type { ArchPlugin } from './arch.js';
import { PluginValidationError } from './errors.js';
import { LAYER_SELECTORS, PER_LAYER_DIM_NAMES, type TensorDecl } from './tensors.js';
import {
  type Check,
  type Issue,
  arrayOf,
  citeCheck,
  describe,
  factOf,
  isBoolean,
  isInteger,
  isNumber,
  isString,
  nullable,
  object,
  oneOf,
  optional,
  tagged,
} from './validator.js';

/** GGUF arch names: lowercase letters, digits, `-` and `_`, kept verbatim (`gpt-oss`, `ernie4_5-moe`). */
export const ARCH_NAME_PATTERN = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;

const ggufKey = isString(/^[a-z0-9_.]+$/, 'a GGUF key without the arch prefix, e.g. "attention.sliding_window"');

const dimExpr: Check = (value, path, issues) => {
  if (typeof value === 'number' ? !Number.isInteger(value) || value < 1 : typeof value !== 'string' || !/^[a-z0-9_.+\-*/() ]+$/.test(value)) {
    issues.push({ path, expected: 'a positive integer or an expression over hparams such as "n_head*n_embd_head_k"', found: describe(value) });
  }
};

const namedSelector = oneOf(LAYER_SELECTORS);
const stepSelector = tagged({ step: { key: ggufKey, selects: oneOf(['on-step', 'off-step']) } });
const layerSelector: Check = (value, path, issues) => (typeof value === 'object' && value !== null ? stepSelector : namedSelector)(value, path, issues);

const nopeLayers: Check = tagged({ none: {}, period: { period: isInteger(2) }, 'full-attention-layers': {} });

const tensorDecl: Check = object({
  name: isString(/^[a-z0-9_.{}]+$/, 'a GGUF tensor name such as "blk.{i}.attn_q.weight"'),
  shape: arrayOf(dimExpr, 1),
  layers: optional(layerSelector),
  optional: optional(isBoolean),
  insteadOf: optional(arrayOf(isString(/^[a-z0-9_.{}]+$/, 'a GGUF tensor name such as "blk.{i}.attn_q.weight"'), 1)),
  init: optional(oneOf(['random', 'ones', 'zeros'])),
  when: optional(arrayOf(object({ key: isString(/^[a-z0-9_.]+$/, 'a metadata key without the arch prefix, such as "expert_count"'), is: oneOf(['positive', 'zero']) }), 1)),
});

const contractValue: Check = (value, path, issues) => {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return;
  if (Array.isArray(value) && value.every((item) => typeof item === 'number' || typeof item === 'boolean')) return;
  if (typeof value === 'object' && value !== null && Object.keys(value).join() === 'f32' && typeof (value as { f32: unknown }).f32 === 'number') return;
  issues.push({ path, expected: 'a number, bool, string, { f32: number } or an array of numbers or bools', found: describe(value) });
};

const swaRule = {
  swaType: oneOf(['standard', 'chunked', 'symmetric']),
  period: isInteger(0, 512),
  denseFirst: isBoolean,
  patternKey: oneOf(['scalar', 'scalar-or-array', 'array', 'ignored']),
  window: object({ required: isBoolean, default: optional(isInteger(1)), forced: optional(isInteger(1)), zeroAborts: optional(object({ why: isString(undefined, 'why the runtime aborts'), cite: citeCheck })) }),
  activation: tagged({
    always: {},
    'window-positive': {},
    'n-layer-equals': { nLayer: isInteger(1, 512) },
    'unless-window-zero': {},
  }),
  cite: citeCheck,
};

const layerRule: Check = tagged({
  'all-full': { cite: citeCheck },
  swa: swaRule,
  hybrid: {
    recurrent: tagged({
      'head-count-kv-zero': {},
      interval: { key: ggufKey, default: isInteger(1) },
      array: { key: ggufKey },
      'every-layer': {},
    }),
    attentionSwa: optional(object({ swaType: oneOf(['standard', 'chunked', 'symmetric']), cite: citeCheck })),
    cite: citeCheck,
  },
  recurrent: { cite: citeCheck },
});

const archShape: Check = object({
  name: isString(ARCH_NAME_PATTERN, 'the GGUF general.architecture string verbatim (lowercase, digits, "-" and "_")'),
  summary: isString(),
  status: (value, path, issues) => {
    const supported = (value as { supported?: unknown } | null)?.supported;
    const shape: Readonly<Record<string, Check>> = supported === false ? { supported: oneOf([false]), reason: isString() } : { supported: oneOf([true]) };
    object(shape)(value, path, issues);
  },
  kind: factOf(oneOf(['decoder', 'encoder', 'encoder-decoder', 'diffusion', 'draft', 'audio'])),
  memory: factOf(oneOf(['kv', 'iswa', 'hybrid', 'recurrent', 'none', 'special'])),
  layers: layerRule,
  requiredKeys: factOf(arrayOf(ggufKey)),
  mtp: factOf(oneOf(['none', 'kept-in-kv', 'excluded-from-kv'])),
  kvSharing: factOf(
    tagged({
      none: {},
      tail: { start: tagged({ fixed: { layer: isInteger(2, 512) }, 'shared-count-key': { key: ggufKey } }) },
    }),
  ),
  attention: object({
    causal: factOf(isBoolean),
    perLayerHeads: factOf(isBoolean),
    qkNorm: factOf(isBoolean),
    softcap: factOf(nullable(object({ key: ggufKey, default: isNumber }))),
    sinks: factOf(isBoolean),
    alibi: factOf(nullable(tagged({ key: { key: ggufKey }, fixed: { maxBias: isNumber } }))),
    mla: factOf(nullable(object({ activeWhenKeys: arrayOf(ggufKey, 1), kvLoraRankKey: ggufKey }))),
  }),
  rope: object({
    type: factOf(oneOf(['none', 'norm', 'neox', 'mrope', 'imrope', 'vision'])),
    nopeLayers: factOf(nopeLayers),
    nRotMustEqualHeadDim: factOf(isBoolean),
  }),
  runtime: object({
    flashAttentionForcedOff: factOf(isBoolean),
    kvTypesMustMatch: factOf(isBoolean),
  }),
  recurrentState: optional(factOf(oneOf(['mamba', 'rwkv', 'shortconv']))),
  graph: optional(
    object({
      hiddenStateOutput: optional(factOf(oneOf(['none', 'all-rows']))),
      ffnResidualFirst: optional(factOf(isBoolean)),
      ffnNorm: optional(factOf(isString(/^[a-z][a-z0-9_]*$/, 'a per-layer tensor stem (blk.{i}.<stem>.weight)'))),
      moe: optional(factOf(object({ gating: oneOf(['softmax', 'softmax-weight', 'sigmoid']), normalizeWeights: isBoolean, selectFromLogits: optional(isBoolean), weightBeforeExperts: optional(isBoolean) }))),
      nopeQueryScale: optional(factOf(isBoolean)),
    }),
  ),
  tensors: object({ global: arrayOf(tensorDecl, 1), perLayer: arrayOf(tensorDecl, 1), tiedOutputBeforeTokenEmbd: optional(isBoolean), cite: citeCheck }),
  contract: object({
    hparams: (value, path, issues) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues.push({ path, expected: 'an object of metadata keys (without the arch prefix) to values', found: describe(value) });
        return;
      }
      for (const key of ['context_length', 'embedding_length', 'block_count']) {
        if (!(key in value)) issues.push({ path: `${path}.${key}`, expected: 'a value (the runtime requires this key)', found: 'nothing' });
      }
      for (const [key, entry] of Object.entries(value)) contractValue(entry, `${path}.${key}`, issues);
    },
    vocabSize: isInteger(259, 65536),
    why: isString(),
  }),
});

/** `n_head(il)`-style names in a dimension; the shape check has already vetted the characters. */
const perLayerNames = (dim: string | number): string[] => (typeof dim === 'string' ? (dim.match(/[a-z_][a-z0-9_.]*\(il\)/g) ?? []) : []);

/** Per-layer names must be known ones, and only per-layer tensors have a layer to evaluate them on. */
function dimNameIssues(decls: readonly TensorDecl[], where: 'global' | 'perLayer'): Issue[] {
  const issues: Issue[] = [];
  for (const [index, decl] of decls.entries()) {
    for (const [dimIndex, dim] of decl.shape.entries()) {
      for (const name of perLayerNames(dim)) {
        const path = `tensors.${where}[${index}].shape[${dimIndex}]`;
        if (!(PER_LAYER_DIM_NAMES as readonly string[]).includes(name)) {
          issues.push({ path, expected: `a known per-layer name (${PER_LAYER_DIM_NAMES.join(', ')})`, found: `"${name}" in ${decl.name}` });
        } else if (where === 'global') {
          issues.push({ path, expected: `a layer-0 name ("${name.slice(0, -4)}"): a global tensor has no layer to take "${name}" from`, found: `"${dim}" in ${decl.name}` });
        }
      }
    }
  }
  return issues;
}

/** An alternative form (`insteadOf`) is optional and stands in for tensors of its own list, on the same layers. */
function alternativeIssues(decls: readonly TensorDecl[], where: 'global' | 'perLayer'): Issue[] {
  const issues: Issue[] = [];
  for (const [index, decl] of decls.entries()) {
    if (decl.insteadOf === undefined) continue;
    const path = `tensors.${where}[${index}]`;
    if (decl.optional !== true) issues.push({ path: `${path}.optional`, expected: 'true: a tensor with insteadOf is one form of several, so a file may lack it', found: describe(decl.optional) });
    for (const [k, name] of decl.insteadOf.entries()) {
      const layers = decl.layers ?? 'all';
      const replaced = decls.filter((other) => other.name === name && other !== decl);
      if (replaced.length === 0) issues.push({ path: `${path}.insteadOf[${k}]`, expected: `a tensor declared in tensors.${where}`, found: `"${name}"` });
      else if (!replaced.some((other) => (other.layers ?? 'all') === layers)) {
        issues.push({ path: `${path}.insteadOf[${k}]`, expected: `a tensor on the same layers ("${layers}")`, found: `"${name}" on ${replaced.map((other) => `"${other.layers ?? 'all'}"`).join(', ')}` });
      }
    }
  }
  return issues;
}

/** Rules that tie fields together; the shape check alone cannot see them. */
function crossFieldIssues(plugin: ArchPlugin): Issue[] {
  const issues: Issue[] = [
    ...dimNameIssues(plugin.tensors.global, 'global'),
    ...dimNameIssues(plugin.tensors.perLayer, 'perLayer'),
    ...alternativeIssues(plugin.tensors.global, 'global'),
    ...alternativeIssues(plugin.tensors.perLayer, 'perLayer'),
  ];
  const { layers, memory } = plugin;
  // kv, iswa, hybrid and recurrent memory each come from one layer rule (create_memory picks the memory
  // from it); "none" and "special" may sit on any rule (ModernBERT has SWA and no cache at all).
  const ruleFor: Partial<Record<string, string>> = { kv: 'all-full', iswa: 'swa', hybrid: 'hybrid', recurrent: 'recurrent' };
  const memoryFor: Record<string, string> = { 'all-full': 'kv', swa: 'iswa', hybrid: 'hybrid', recurrent: 'recurrent' };
  const wantedRule = ruleFor[memory.value];
  if (wantedRule !== undefined && wantedRule !== layers.type) {
    issues.push({ path: 'memory.value', expected: `"${memoryFor[layers.type]}" for a layers rule of type "${layers.type}" ("${memory.value}" needs "${wantedRule}")`, found: `"${memory.value}"` });
  }
  if ((layers.type === 'hybrid' || layers.type === 'recurrent') && plugin.recurrentState === undefined) {
    issues.push({ path: 'recurrentState', expected: 'how recurrent layers size their state ("mamba", "rwkv" or "shortconv"), cited from llama_hparams::n_embd_r / n_embd_s', found: 'nothing' });
  }
  if (plugin.kvSharing.value.type !== 'none' && memory.value !== 'iswa') {
    issues.push({ path: 'kvSharing.value.type', expected: '"none": create_memory hands its reuse callback to llama_kv_cache_iswa only (memory "iswa")', found: `"${plugin.kvSharing.value.type}" with memory "${memory.value}"` });
  }
  const ffnNorm = plugin.graph?.ffnNorm?.value;
  if (ffnNorm !== undefined && !plugin.tensors.perLayer.some((t) => t.name === `blk.{i}.${ffnNorm}.weight`)) {
    issues.push({ path: 'graph.ffnNorm.value', expected: `a norm declared in tensors.perLayer (blk.{i}.${ffnNorm}.weight)`, found: `"${ffnNorm}"` });
  }
  if (plugin.graph?.moe !== undefined && !plugin.tensors.perLayer.some((t) => t.name === 'blk.{i}.ffn_gate_inp.weight')) {
    issues.push({ path: 'graph.moe', expected: 'a router (blk.{i}.ffn_gate_inp.weight in tensors.perLayer) for the routing to apply to', found: 'none declared' });
  }
  if (layers.type === 'swa') {
    const { window, activation } = layers;
    if (window.required && window.default !== undefined) {
      issues.push({ path: 'layers.window.default', expected: 'no default when the window key is required', found: String(window.default) });
    }
    if (!window.required && window.default === undefined && window.forced === undefined && activation.type !== 'window-positive') {
      issues.push({
        path: 'layers.window.default',
        expected: 'a default window (the key is optional and SWA does not depend on it)',
        found: 'nothing',
      });
    }
  }
  return issues;
}

/** Validates an arch plugin; throws `PluginValidationError` listing every problem. */
export function validateArch(plugin: unknown, file?: string): asserts plugin is ArchPlugin {
  const issues: Issue[] = [];
  archShape(plugin, '', issues);
  if (issues.length === 0) issues.push(...crossFieldIssues(plugin as ArchPlugin));
  if (issues.length > 0) {
    const name = (plugin as { name?: unknown } | null)?.name;
    throw new PluginValidationError(typeof name === 'string' ? name : (file ?? '(unnamed)'), issues, file);
  }
}
