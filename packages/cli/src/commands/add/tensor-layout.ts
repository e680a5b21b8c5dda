import { type SelectorKeys, type SelectorLayer, layerSelected } from '@arch-registry/core';
import { LAYER_SELECTORS, type LayerSelector, type TensorDecl } from '@arch-registry/core/schema';
import { type DimSample, candidateExpressions, matchDimAcross, tryEval } from './dim-match.js';
import { type DraftDecl, Todo } from './draft.js';
import { type HeaderModel, dimsAt } from './header-model.js';

/** Per-layer facts the layer selectors need. */
export interface LayerFacts {
  /** Per block: carries recurrent state; null when the arch has no recurrent layers. */
  readonly recurrent: readonly boolean[] | null;
  /** Per block: recurrent only, no attention (false on every layer of an every-layer hybrid). */
  readonly recurrentOnly: readonly boolean[] | null;
}

/** Which selector a draft names when several pick the same layers: the plainest first. */
const PREFERENCE: readonly (typeof LAYER_SELECTORS)[number][] = ['all', 'trunk', 'mtp', 'dense-lead', 'after-dense-lead', 'attention', 'recurrent', 'kv-heads', 'linear-attention', 'ffn'];

/** Block `il` of the header as core's layer selectors see it. */
function selectorLayer(header: HeaderModel, facts: LayerFacts, il: number): SelectorLayer {
  return {
    index: il,
    kind: facts.recurrentOnly?.[il] === true ? 'recurrent' : 'full',
    headCount: header.headCount[il] ?? 0,
    headCountKv: header.headCountKv[il] ?? 0,
    ffLength: header.ffLengths[il] ?? 0,
    hasRecurrentState: facts.recurrent?.[il] === true,
    isMtp: il >= header.nLayer,
  };
}

/** The blocks each selector picks, by core's rule (layerSelected), as the synthesizer does. */
function selectorLayers(header: HeaderModel, facts: LayerFacts): Map<LayerSelector, string> {
  const layers = Array.from({ length: header.blockCount }, (_, il) => selectorLayer(header, facts, il));
  return new Map(LAYER_SELECTORS.map((selector) => [selector, layers.filter((layer) => layerSelected(selector, layer, denseLeadKey(header))).map((layer) => layer.index).join(',')]));
}

/** The one key the named selectors read; step selectors are left to the plugin author. */
function denseLeadKey(header: HeaderModel): SelectorKeys {
  return (key) => (key === 'leading_dense_block_count' ? header.leadingDense : undefined);
}

interface Group {
  readonly suffix: string;
  readonly shape: readonly number[];
  readonly layers: number[];
}

/** `blk.N.<suffix>` tensors grouped by suffix and shape, in the order the file lists them. */
function groupPerLayer(header: HeaderModel): Group[] {
  const groups = new Map<string, Group>();
  for (const tensor of header.tensors) {
    const match = /^blk\.(\d+)\.(.+)$/.exec(tensor.name);
    if (match === null) continue;
    const suffix = match[2] ?? '';
    const key = `${suffix}|${tensor.shape.join('x')}`;
    const group = groups.get(key) ?? { suffix, shape: tensor.shape, layers: [] };
    group.layers.push(Number(match[1]));
    groups.set(key, group);
  }
  for (const group of groups.values()) group.layers.sort((a, b) => a - b);
  return [...groups.values()];
}

const isNorm = (name: string, rank: number) => rank === 1 && /norm\.weight$/.test(name);

/** The shape of one layer's tensor and the names it is evaluated with. */
interface ShapeSample {
  readonly shape: readonly number[];
  readonly dims: Readonly<Record<string, number>>;
}

/**
 * Shape expressions for one tensor, given every layer's shape (one sample for a global tensor): the
 * `--like` plugin's when they give every sample's numbers, else the best match among the candidate
 * expressions (per-layer ones such as `n_head(il)` with `perLayer`); a Todo where nothing matches.
 */
function shapeOf(name: string, suffix: string, samples: readonly ShapeSample[], header: HeaderModel, file: string, like: TensorDecl | undefined, perLayer = false): Pick<DraftDecl, 'shape' | 'matches'> {
  const candidates = candidateExpressions(header.dims, perLayer);
  const shape = samples[0]?.shape ?? [];
  const column = (index: number): DimSample[] => samples.map((sample) => ({ value: sample.shape[index] ?? 0, dims: sample.dims }));
  const match = (index: number) => matchDimAcross(column(index), suffix, index, shape.length, candidates);
  const likeFits = like !== undefined && like.shape.length === shape.length && samples.every((sample) => like.shape.every((expr, index) => tryEval(expr, sample.dims) === sample.shape[index]));
  if (likeFits) {
    return { shape: like.shape, matches: like.shape.map((expr, index) => [String(expr), ...(match(index)?.matches ?? []).filter((m) => m !== expr)]) };
  }
  const dims = shape.map((value, index) => ({ value, match: match(index) }));
  const constant = (index: number) => samples.every((sample) => sample.shape[index] === shape[index]);
  return {
    shape: dims.map(({ value, match: found }, index) =>
      found?.expr ??
      (value === 1 && constant(index) ? 1 : undefined) ??
      new Todo(file, `width ${index} of ${name} is ${samples.length > 1 && !constant(index) ? `${[...new Set(column(index).map((c) => c.value))].join(' / ')} by layer` : value} in the header and no hparam gives it: find its create_tensor call in load_arch_tensors`),
    ),
    matches: dims.map(({ match: found }) => found?.matches ?? []),
  };
}

function likeDecl(like: readonly TensorDecl[] | undefined, name: string, layers?: string): TensorDecl | undefined {
  return like?.find((decl) => decl.name === name && (layers === undefined || (decl.layers ?? 'all') === layers)) ?? like?.find((decl) => decl.name === name);
}

/** The global tensors of the header, plus `output.weight` as optional when the file ties it to the embedding. */
export function deriveGlobal(header: HeaderModel, file: string, like: readonly TensorDecl[] | undefined): DraftDecl[] {
  const decls: DraftDecl[] = header.tensors
    .filter((tensor) => !tensor.name.startsWith('blk.'))
    .map((tensor) => {
      const base = likeDecl(like, tensor.name);
      return {
        name: tensor.name,
        ...shapeOf(tensor.name, tensor.name, [{ shape: tensor.shape, dims: header.dims }], header, file, base),
        ...(base?.init !== undefined ? { init: base.init } : isNorm(tensor.name, tensor.shape.length) ? { init: 'ones' as const } : {}),
      };
    });
  const names = new Set(decls.map((decl) => decl.name));
  const kept = (like ?? []).filter((decl) => decl.optional === true && !names.has(decl.name));
  for (const decl of kept) decls.push({ ...decl, comment: ['Not in the header; kept from the --like plugin, where it is optional.'] });
  if (names.has('token_embd.weight') && !names.has('output.weight') && !kept.some((decl) => decl.name === 'output.weight')) {
    decls.push({
      name: 'output.weight',
      shape: ['n_embd', 'n_vocab'],
      optional: true,
      comment: ['Not in the header, which loads without it: the output projection is tied to token_embd.'],
    });
  }
  return decls;
}

/**
 * `blk.N.<suffix>` tensors as declarations to find: one per suffix when its widths follow per-layer
 * names (`n_ff(il)`) on every layer that carries it, else one per suffix and shape.
 */
function perLayerGroups(header: HeaderModel, like: readonly TensorDecl[] | undefined): { group: Group; samples: ShapeSample[]; perLayer: boolean }[] {
  const bySuffix = new Map<string, Group[]>();
  for (const group of groupPerLayer(header)) bySuffix.set(group.suffix, [...(bySuffix.get(group.suffix) ?? []), group]);
  const sampled = (group: Group) => group.layers.map((il) => ({ shape: group.shape, dims: dimsAt(header, il) }));
  const out: { group: Group; samples: ShapeSample[]; perLayer: boolean }[] = [];
  for (const [suffix, groups] of bySuffix) {
    const first = groups[0];
    if (groups.length > 1 && first !== undefined && groups.every((group) => group.shape.length === first.shape.length)) {
      const merged: Group = { suffix, shape: first.shape, layers: groups.flatMap((group) => group.layers).sort((a, b) => a - b) };
      const samples = merged.layers.map((il) => ({ shape: groups.find((group) => group.layers.includes(il))?.shape ?? [], dims: dimsAt(header, il) }));
      const probe = shapeOf(`blk.{i}.${suffix}`, suffix, samples, header, '', likeDecl(like, `blk.{i}.${suffix}`), true);
      if (probe.shape.every((dim) => !(dim instanceof Todo))) {
        out.push({ group: merged, samples, perLayer: true });
        continue;
      }
    }
    for (const group of groups) out.push({ group, samples: sampled(group), perLayer: false });
  }
  return out;
}

/**
 * The per-layer tensors: one declaration per suffix (or per suffix and shape, when the shape varies
 * by layer and no per-layer name gives it), with the selector whose layers are exactly the ones that carry it.
 */
export function derivePerLayer(header: HeaderModel, facts: LayerFacts, file: string, like: readonly TensorDecl[] | undefined): DraftDecl[] {
  const selectors = selectorLayers(header, facts);
  const decls: DraftDecl[] = [];
  for (const { group, samples, perLayer } of perLayerGroups(header, like)) {
    const name = `blk.{i}.${group.suffix}`;
    const carried = group.layers.join(',');
    const selector = PREFERENCE.find((candidate) => selectors.get(candidate) === carried);
    const layers =
      selector ??
      new Todo(file, `${name} sits on layers ${group.layers.length > 8 ? `${group.layers.slice(0, 8).join(', ')}, …` : group.layers.join(', ')} only: find the condition in load_arch_tensors`);
    const base = likeDecl(like, name, selector);
    decls.push({
      name,
      ...shapeOf(name, group.suffix, samples, header, file, base, perLayer),
      ...(selector === 'all' ? {} : { layers }),
      ...(base?.init !== undefined ? { init: base.init } : isNorm(group.suffix, group.shape.length) ? { init: 'ones' as const } : {}),
    });
  }
  const names = new Set(decls.map((decl) => decl.name));
  const kept = (like ?? []).filter((decl) => decl.optional === true && !names.has(decl.name));
  const drafted = [...decls, ...kept];
  return [...decls, ...kept.map((decl) => keptAlternative(decl, drafted))];
}

/**
 * An optional `--like` tensor the header lacks. Its `insteadOf` stays only where the draft declares
 * every named tensor on the same layers (as validation demands); else it is dropped, with a comment.
 */
function keptAlternative(decl: TensorDecl, drafted: readonly (DraftDecl | TensorDecl)[]): DraftDecl {
  const comment = ['Not in the header; kept from the --like plugin, where it is optional.'];
  if (decl.insteadOf === undefined) return { ...decl, comment };
  const layers = decl.layers ?? 'all';
  const found = decl.insteadOf.every((name) => drafted.some((other) => other.name === name && (other.layers ?? 'all') === layers));
  if (found) return { ...decl, comment };
  const { insteadOf, ...rest } = decl;
  return { ...rest, comment: [...comment, `The --like plugin takes it instead of ${insteadOf.join(', ')}, which the header does not carry on the same layers: check create_tensor_qkv-style fallbacks in load_arch_tensors.`] };
}
