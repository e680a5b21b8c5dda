import type { LayerSelector, TensorDecl } from '@arch-registry/core/schema';
import { candidateExpressions, matchDim, tryEval } from './dim-match.js';
import { type DraftDecl, Todo } from './draft.js';
import type { HeaderModel } from './header-model.js';

/** Per-layer facts the layer selectors need. */
export interface LayerFacts {
  /** Per block: carries recurrent state; null when the arch has no recurrent layers. */
  readonly recurrent: readonly boolean[] | null;
  /** Per block: recurrent only, no attention (false on every layer of an every-layer hybrid). */
  readonly recurrentOnly: readonly boolean[] | null;
}

/** The selectors a header alone can tell apart; step selectors need the plugin author. */
const SELECTORS: readonly Exclude<LayerSelector, object>[] = ['all', 'trunk', 'mtp', 'dense-lead', 'after-dense-lead', 'attention', 'recurrent'];

/** The blocks each selector picks, as the synthesizer and `load_arch_tensors` loops do. */
function selectorLayers(header: HeaderModel, facts: LayerFacts): Map<Exclude<LayerSelector, object>, string> {
  const blocks = Array.from({ length: header.blockCount }, (_, il) => il);
  const pick = (keep: (il: number) => boolean) => blocks.filter(keep).join(',');
  const recurrentOnly = (il: number) => facts.recurrentOnly?.[il] === true;
  return new Map<Exclude<LayerSelector, object>, string>([
    ['all', pick(() => true)],
    ['trunk', pick((il) => il < header.nLayer)],
    ['mtp', pick((il) => il >= header.nLayer)],
    ['dense-lead', pick((il) => il < header.leadingDense)],
    ['after-dense-lead', pick((il) => il >= header.leadingDense)],
    ['attention', pick((il) => !recurrentOnly(il) && (header.headCount[il] ?? 0) > 0)],
    ['recurrent', facts.recurrent === null ? '' : pick((il) => facts.recurrent?.[il] === true)],
  ]);
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

/**
 * Shape expressions for one tensor: the `--like` plugin's when they give the header's numbers,
 * else the best match among the candidate expressions; a Todo where nothing matches.
 */
function shapeOf(name: string, suffix: string, shape: readonly number[], header: HeaderModel, file: string, like: TensorDecl | undefined): Pick<DraftDecl, 'shape' | 'matches'> {
  const candidates = candidateExpressions(header.dims);
  if (like !== undefined && like.shape.length === shape.length && like.shape.every((expr, index) => tryEval(expr, header.dims) === shape[index])) {
    return { shape: like.shape, matches: like.shape.map((expr, index) => [String(expr), ...(matchDim(shape[index] ?? 0, suffix, index, shape.length, candidates, header.dims)?.matches ?? []).filter((m) => m !== expr)]) };
  }
  const dims = shape.map((value, index) => ({ value, match: matchDim(value, suffix, index, shape.length, candidates, header.dims) }));
  return {
    shape: dims.map(({ value, match }, index) =>
      match?.expr ?? (value === 1 ? 1 : undefined) ?? new Todo(file, `width ${index} of ${name} is ${value} in the header and no hparam gives it: find its create_tensor call in load_arch_tensors`),
    ),
    matches: dims.map(({ match }) => match?.matches ?? []),
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
        ...shapeOf(tensor.name, tensor.name, tensor.shape, header, file, base),
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
 * The per-layer tensors: one declaration per suffix (or per suffix and shape, when the shape varies
 * by layer), with the selector whose layers are exactly the ones that carry it.
 */
export function derivePerLayer(header: HeaderModel, facts: LayerFacts, file: string, like: readonly TensorDecl[] | undefined): DraftDecl[] {
  const selectors = selectorLayers(header, facts);
  const decls: DraftDecl[] = [];
  for (const group of groupPerLayer(header)) {
    const name = `blk.{i}.${group.suffix}`;
    const carried = group.layers.join(',');
    const selector = SELECTORS.find((candidate) => selectors.get(candidate) === carried);
    const layers =
      selector ??
      new Todo(file, `${name} sits on layers ${group.layers.length > 8 ? `${group.layers.slice(0, 8).join(', ')}, …` : group.layers.join(', ')} only: find the condition in load_arch_tensors`);
    const base = likeDecl(like, name, selector);
    decls.push({
      name,
      ...shapeOf(name, group.suffix, group.shape, header, file, base),
      ...(selector === 'all' ? {} : { layers }),
      ...(base?.init !== undefined ? { init: base.init } : isNorm(group.suffix, group.shape.length) ? { init: 'ones' as const } : {}),
    });
  }
  const names = new Set(decls.map((decl) => decl.name));
  for (const decl of like ?? []) {
    if (decl.optional === true && !names.has(decl.name)) decls.push({ ...decl, comment: ['Not in the header; kept from the --like plugin, where it is optional.'] });
  }
  return decls;
}
