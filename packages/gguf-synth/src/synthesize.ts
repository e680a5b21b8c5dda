import {
  type ArchPlugin,
  type ContractValue,
  type ResolvedModel,
  type TensorDecl,
  type LayerSpec,
  conditionHolds,
  hparamsMetadata,
  evalDim,
  layerDims,
  layerSelected,
  resolveModel,
} from '@arch-registry/core';
import type { TensorSpec } from './encode-header.js';
import { GgufWriteError } from './errors.js';
import type { GgmlTypeRef } from './ggml-types.js';
import type { GgufValue } from './gguf-value.js';
import { randomTensorData } from './random.js';
import { spmVocabMetadata } from './spm-vocab.js';
import { type EncodedHeader } from './encode-header.js';
import { writeGguf } from './write-gguf.js';

export type SynthMode = 'tiny' | 'header-only';

export interface SynthOptions {
  /** Metadata overrides (keys without the arch prefix) on top of the contract model; `null` removes a key. */
  readonly hparams?: Readonly<Record<string, ContractValue | null>>;
  readonly vocabSize?: number;
  /** Seed of the tiny model's weights. */
  readonly seed?: number;
  /** Tensor type per tensor (header-only real-scale files); tiny models are F32. */
  readonly tensorType?: (decl: TensorDecl, name: string, shape: readonly number[]) => GgmlTypeRef;
  /** `contract` (default): overrides merge over the plugin's contract model; `none`: `hparams` is the whole metadata. */
  readonly base?: 'contract' | 'none';
  /** Declared tensor names (with `{i}`) to leave out, to build files the loader must reject. */
  readonly omit?: readonly string[];
  /**
   * Optional tensors (with `{i}`) to write, such as a fused `attn_qkv`; one declared with `insteadOf`
   * replaces the tensors it names (the loader's other form).
   */
  readonly use?: readonly string[];
}

export interface Synthesized {
  readonly metadata: [string, GgufValue][];
  readonly tensors: TensorSpec[];
  readonly model: ResolvedModel;
}

function toGguf(value: ContractValue): GgufValue {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? { type: 'u32', value } : { type: 'f32', value };
  if (typeof value === 'boolean') return { type: 'bool', value };
  if (typeof value === 'string') return { type: 'string', value };
  if (Array.isArray(value)) {
    return value.every((item) => typeof item === 'boolean')
      ? { type: 'array', itemType: 'bool', value: value as boolean[] }
      : { type: 'array', itemType: 'u32', value: value as number[] };
  }
  return { type: 'f32', value: (value as { f32: number }).f32 };
}

/** Small deterministic hash so each tensor gets its own seed. */
function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The optional tensors `use` names; each must be one the plugin declares optional. */
function usedTensors(plugin: ArchPlugin, use: readonly string[]): Set<string> {
  const optional = new Set([...plugin.tensors.global, ...plugin.tensors.perLayer].filter((decl) => decl.optional === true).map((decl) => decl.name));
  for (const name of use) {
    if (!optional.has(name)) {
      throw new GgufWriteError('BAD_NAME', `use names ${name}, which ${plugin.name} does not declare as an optional tensor; name one of: ${[...optional].join(', ') || '(none)'}`);
    }
  }
  return new Set(use);
}

/** Builds the metadata and tensor list of a plugin's model: its contract model plus overrides. */
export function planSynthesis(plugin: ArchPlugin, mode: SynthMode, options: SynthOptions = {}): Synthesized {
  const vocabSize = options.vocabSize ?? plugin.contract.vocabSize;
  const hparams: Record<string, ContractValue> = options.base === 'none' ? {} : { ...plugin.contract.hparams };
  for (const [key, value] of Object.entries(options.hparams ?? {})) {
    if (value === null) delete hparams[key];
    else hparams[key] = value;
  }
  const metadata: [string, GgufValue][] = [
    ['general.architecture', { type: 'string', value: plugin.name }],
    // Not the arch name: llama.cpp's vocab loader keys special-token lookups off general.name ("phi3" wants <|endoftext|>).
    ['general.name', { type: 'string', value: `arch-registry-${mode}` }],
    ...Object.entries(hparams).map(([key, value]): [string, GgufValue] => [`${plugin.name}.${key}`, toGguf(value)]),
    ...spmVocabMetadata(vocabSize),
  ];
  const record = hparamsMetadata(plugin.name, hparams);
  const model = resolveModel(record, { [plugin.name]: plugin });
  const h = model.hparams;
  const key = (name: string) => record[`${plugin.name}.${name}`];
  const numberAt = (name: string): number | undefined => {
    const value = key(name);
    return typeof value === 'number' ? value : undefined;
  };
  // Tensor shapes use layer-0 values (LLAMA_LOAD_LOCALS in llama-model.h), except per-layer heads below.
  const kv0 = h.headCountKv[0] ?? 0;
  const dims: Record<string, number | undefined> = {
    n_embd: h.nEmbd,
    n_vocab: vocabSize,
    n_head: h.headCount[0],
    n_head_kv: kv0,
    n_embd_head_k: h.headDimK,
    n_embd_head_v: h.headDimV,
    n_embd_k_gqa: h.headDimK * kv0,
    n_embd_v_gqa: h.headDimV * kv0,
    n_rot: h.nRot,
    // n_ff() is n_ff(0): layer 0's entry when the key is a per-layer array.
    n_ff: key('feed_forward_length') === undefined ? undefined : h.feedForwardLengths[0],
    n_expert: h.expertCount,
    n_expert_used: h.expertUsedCount,
    n_ff_exp: numberAt('expert_feed_forward_length'),
  };
  const lookup = (name: string) => (name in dims ? dims[name] : numberAt(name));
  // Per-layer tensors also see n_head(il) and co., the loaders' hparams.n_head(i).
  const layerLookup = (layer: ResolvedModel['layers'][number]) => {
    const perLayer: Readonly<Record<string, number>> = layerDims(layer);
    return (name: string) => (Object.hasOwn(perLayer, name) ? perLayer[name] : lookup(name));
  };
  const seed = options.seed ?? 1;

  const tensors: TensorSpec[] = [];
  const add = (decl: TensorDecl, name: string, dimOf: (name: string) => number | undefined) => {
    const shape = decl.shape.map((dim) => evalDim(dim, dimOf));
    const type = mode === 'tiny' ? 'F32' : (options.tensorType?.(decl, name, shape) ?? 'F32');
    if (mode === 'header-only') {
      tensors.push({ name, dims: shape, type });
      return;
    }
    const count = shape.reduce((a, b) => a * b, 1);
    const init = decl.init ?? 'random';
    const data = () => (init === 'random' ? randomTensorData('F32', shape, seed ^ hash(name), 0.05) : new Uint8Array(new Float32Array(count).fill(init === 'ones' ? 1 : 0).buffer));
    tensors.push({ name, dims: shape, type, data });
  };
  const omitted = new Set(options.omit ?? []);
  const used = usedTensors(plugin, options.use ?? []);
  for (const decl of [...plugin.tensors.global, ...plugin.tensors.perLayer]) {
    if (used.has(decl.name)) for (const name of decl.insteadOf ?? []) omitted.add(name);
  }
  const wanted = (decl: TensorDecl) => (decl.optional !== true || used.has(decl.name)) && !omitted.has(decl.name) && conditionHolds(decl.when, numberAt);
  for (const decl of plugin.tensors.global) if (wanted(decl)) add(decl, decl.name, lookup);
  for (const layer of model.layers) {
    const dimOf = layerLookup(layer);
    for (const decl of plugin.tensors.perLayer) {
      if (!wanted(decl) || !layerSelected(decl.layers ?? 'all', layer, numberAt)) continue;
      add(decl, decl.name.replace('{i}', String(layer.index)), dimOf);
    }
  }
  return { metadata, tensors, model };
}

/** Writes a plugin's model: `tiny` with seeded F32 weights, or `header-only` as a sparse file. */
export async function synthesize(plugin: ArchPlugin, mode: SynthMode, file: string, options: SynthOptions = {}): Promise<Synthesized & { header: EncodedHeader }> {
  const planned = planSynthesis(plugin, mode, options);
  const header = await writeGguf(file, { metadata: planned.metadata, tensors: planned.tensors, mode: mode === 'tiny' ? 'full' : 'header-only' });
  return { ...planned, header };
}
