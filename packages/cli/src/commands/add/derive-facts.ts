import { type ArchPlugin, type Cite, type LayerRule, type RecurrentLayerSelector, type SwaLayerRule, cite, upstream } from '@arch-registry/core/schema';
import { deriveContract } from './contract-model.js';
import { type Draft, type DraftDecl, type DraftPlugin, type Draftable, type ReviewItem, Todo, tagOf } from './draft.js';
import { type HeaderModel, integerOf } from './header-model.js';
import { pinnedFlashAttentionForcedOff, pinnedKvTypesMustMatch, pinnedNRotMustEqualHeadDim, pinnedRopeType, sourceOf } from './pinned-runtime.js';
import { type LayerFacts, deriveGlobal, derivePerLayer } from './tensor-layout.js';
import { ambiguities, contractModel } from './verify.js';

export interface DraftInput {
  /** The new arch's name, already validated. */
  readonly name: string;
  readonly header?: HeaderModel;
  /** The plugin `--like` starts from. */
  readonly like?: ArchPlugin;
}

/** Citations into the new arch's own source file. */
interface Sources {
  readonly file: string;
  readonly hparams: Cite;
  readonly tensors: Cite;
  readonly graph: Cite;
}

function sourcesOf(name: string): Sources {
  const { file, className } = sourceOf(name);
  return { file, hparams: cite(file, `${className}::load_arch_hparams`), tensors: cite(file, `${className}::load_arch_tensors`), graph: cite(file, `${className}::graph`) };
}

/** Points the `--like` plugin's citations of its own source file at the new arch's file. */
function retarget(like: ArchPlugin, to: Sources): ArchPlugin {
  const fromFile = like.tensors.cite.file;
  const fromClass = like.tensors.cite.fn.split('::')[0] ?? '';
  const toClass = to.tensors.fn.split('::')[0] ?? '';
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    const record = node as Record<string, unknown>;
    if (typeof record.file === 'string' && typeof record.fn === 'string' && record.file === fromFile) {
      return { ...record, file: to.file, fn: fromClass === '' ? record.fn : record.fn.replace(`${fromClass}::`, `${toClass}::`) };
    }
    return Object.fromEntries(Object.entries(record).map(([key, entry]) => [key, walk(entry)]));
  };
  return walk(structuredClone(like)) as ArchPlugin;
}

const fact = <T>(value: T, source: Cite) => ({ value, cite: source });

/** Every fact a Todo, except what needs no source: the skeleton `add <arch>` alone produces. */
function skeleton(name: string, src: Sources): DraftPlugin {
  const todo = (what: string) => new Todo(src.file, what);
  return {
    name,
    summary: `${name}: scaffolded by arch-registry add; one line on what is special about its attention and memory.`,
    status: { supported: true },
    kind: fact('decoder', upstream.createMemory),
    memory: fact(todo('the memory kind (kv, iswa, hybrid, recurrent): what create_memory builds'), upstream.createMemory),
    layers: { type: todo('the layer rule (all-full, swa, hybrid, recurrent): which layers are full, sliding-window or recurrent'), cite: src.hparams },
    requiredKeys: fact(todo('the keys load_arch_hparams reads without `false` (required)'), src.hparams),
    mtp: fact('none', src.tensors),
    kvSharing: fact({ type: 'none' }, upstream.noKvSharing),
    attention: {
      causal: fact(true, upstream.causal),
      perLayerHeads: fact(false, src.hparams),
      qkNorm: fact(todo('whether load_arch_tensors creates attn_q_norm / attn_k_norm'), src.tensors),
      softcap: fact(null, src.hparams),
      sinks: fact(false, src.tensors),
      alibi: fact(null, src.hparams),
      mla: fact(null, src.hparams),
    },
    rope: {
      type: fact(new Todo('src/llama-model.cpp', `the rope type: the case for ${name} in llama_model_rope_type`), upstream.ropeType),
      nopeLayers: fact({ type: 'none' }, src.graph),
      nRotMustEqualHeadDim: fact(false, upstream.nRotCheck),
    },
    runtime: { flashAttentionForcedOff: fact(false, upstream.initFromModel), kvTypesMustMatch: fact(false, upstream.initFromModel) },
    contract: todo('the contract model: a tiny configuration of this arch (see registry/archs/*/index.ts)'),
  };
}

/** A layer rule from the `--like` plugin, or Todo. */
type DraftLayers = Draftable<LayerRule>;

interface SwaReading {
  readonly rule: Draftable<SwaLayerRule>;
  readonly comment: string[];
  readonly derived: ReviewItem[];
  readonly review: ReviewItem[];
}

/** The SWA period hidden in a per-layer pattern: dense-last or dense-first groups of `period` layers. */
export function periodOf(pattern: readonly boolean[], nLayer: number): { period: number; denseFirst: boolean } | undefined {
  const trunk = pattern.slice(0, nLayer);
  if (trunk.length === 0) return undefined;
  if (trunk.every(Boolean)) return { period: 0, denseFirst: false };
  for (let period = 2; period <= trunk.length; period++) {
    if (!trunk.every((swa, il) => swa === trunk[il % period])) continue;
    const group = trunk.slice(0, period);
    if (group.every((swa, j) => swa === j < period - 1)) return { period, denseFirst: false };
    if (group.every((swa, j) => swa === j > 0)) return { period, denseFirst: true };
    return undefined;
  }
  return undefined;
}

function readSwa(header: HeaderModel, src: Sources, like: SwaLayerRule | undefined): SwaReading {
  const todo = (what: string) => new Todo(src.file, what);
  const derived: ReviewItem[] = [];
  const review: ReviewItem[] = [];
  const comment: string[] = [];
  const key = `${header.arch}.attention.sliding_window_pattern`;
  const pattern = header.swaPattern;
  let period: number | Todo = like?.period ?? todo('the SWA period: the argument of set_swa_pattern in load_arch_hparams');
  let denseFirst: boolean | Todo = like?.denseFirst ?? false;
  let patternKey: SwaLayerRule['patternKey'] | Todo = like?.patternKey ?? todo('how load_arch_hparams reads sliding_window_pattern (get_key_or_arr: scalar or scalar-or-array)');
  let note = '';
  if (typeof pattern === 'number') {
    period = pattern;
    patternKey = like?.patternKey ?? 'scalar';
    note = `set_swa_pattern(${pattern}) from ${key}`;
    derived.push({ path: 'layers.period', why: `${key} = ${pattern}` });
  } else if (Array.isArray(pattern)) {
    const found = periodOf(pattern, header.nLayer);
    if (found === undefined) {
      comment.push(`${key} is a per-layer array with no repeating period: find how load_arch_hparams turns it into layer kinds.`);
    } else {
      period = found.period;
      denseFirst = found.denseFirst;
      patternKey = like?.patternKey ?? 'scalar-or-array';
      note = `set_swa_pattern(${found.period}${found.denseFirst ? ', true' : ''}): ${key} repeats every ${found.period} layers`;
      derived.push({ path: 'layers.period', why: `${key} repeats every ${found.period} layers (${found.denseFirst ? 'dense first' : 'dense last'})` });
      if (like === undefined) review.push({ path: 'layers.patternKey', why: `"scalar-or-array" reads the per-layer array as the runtime's get_key_or_arr may; if load_arch_hparams reads a scalar only, use "scalar" (the array is then ignored)` });
    }
  } else if (like === undefined) {
    comment.push(`The header has no ${key}: find the set_swa_pattern call in load_arch_hparams.`);
  }
  const window = header.window;
  if (window !== undefined) derived.push({ path: 'layers.window', why: `${header.arch}.attention.sliding_window = ${window}` });
  if (like === undefined) {
    review.push({
      path: 'layers.activation',
      why: 'one header cannot tell when the runtime turns SWA on; "window-positive" (SWA whenever the GGUF sets a window) is the conservative reading',
    });
    comment.push(
      `From the header: ${header.arch}.attention.sliding_window ${window ?? '(absent)'}${typeof pattern === 'undefined' ? '' : ` and ${Array.isArray(pattern) ? 'a per-layer' : 'a scalar'} sliding_window_pattern`}. ` +
        'One header cannot say when the runtime turns SWA on: "window-positive" (SWA whenever the GGUF sets a window) is the conservative reading. ' +
        `Check load_arch_hparams in ${src.file}: if SWA depends on something else (exaone4: only when n_layer() == 64), change \`activation\`; ` +
        'check `patternKey` too, and whether a window applies when the key is absent (`window.default`).',
    );
  }
  const rule: Draftable<SwaLayerRule> = {
    type: 'swa',
    swaType: like?.swaType ?? 'standard',
    period,
    denseFirst,
    patternKey,
    window: like?.window ?? (window === undefined ? todo('the window size when attention.sliding_window is absent (hparams.n_swa)') : { required: false }),
    activation: like?.activation ?? { type: 'window-positive' },
    cite: like?.cite ?? cite(src.file, src.hparams.fn, note === '' ? 'SWA when attention.sliding_window is set (assumed from one header)' : `${note}; SWA when attention.sliding_window is set (assumed from one header)`),
  };
  return { rule, comment, derived, review };
}

const SSM_KEY = /^(ssm\.|wkv\.|rwkv|time_mix|token_shift|shortconv\.)/;

/** The layer rule the header shows, and which layers carry recurrent state / are recurrent-only. */
interface LayerReading {
  readonly rule: DraftLayers;
  readonly facts: LayerFacts;
  readonly comment: string[];
  readonly derived: ReviewItem[];
  readonly review: ReviewItem[];
}

const NO_RECURRENT: LayerFacts = { recurrent: null, recurrentOnly: null };

function readLayers(header: HeaderModel, src: Sources, like: LayerRule | undefined): LayerReading {
  const hasSwa = header.window !== undefined || header.swaPattern !== undefined;
  if (hasSwa) {
    const reading = readSwa(header, src, like?.type === 'swa' ? like : undefined);
    if (Array.isArray(header.swaPattern) && !header.swaPattern.some(Boolean)) {
      return { rule: { type: 'all-full', cite: src.hparams }, facts: NO_RECURRENT, comment: ['The header sets a window but its sliding_window_pattern marks no layer: every layer is full attention.'], derived: [], review: [] };
    }
    return { ...reading, facts: NO_RECURRENT };
  }
  const blocks = Array.from({ length: header.blockCount }, (_, il) => il);
  const kvZero = header.headCountKv.map((kv) => kv === 0);
  const someKvZero = kvZero.some(Boolean) && kvZero.some((zero) => !zero);
  const ssm = header.keys.some((key) => SSM_KEY.test(key));
  // Layers with attention: Q or K projections (linear-attention layers may carry a fused attn_qkv too).
  const layersWith = (pattern: RegExp) => new Set(header.tensors.flatMap((tensor) => pattern.exec(tensor.name)?.[1] ?? []).map(Number));
  const separate = layersWith(/^blk\.(\d+)\.attn_(q|k)\.weight$/);
  const attentionLayers = separate.size > 0 ? separate : layersWith(/^blk\.(\d+)\.attn_qkv\.weight$/);
  const hybrid = (recurrent: Draftable<RecurrentLayerSelector>, recurrentOnly: boolean[], why: string, review: ReviewItem[] = []): LayerReading => ({
    rule: { type: 'hybrid', recurrent, cite: src.hparams },
    facts: { recurrent: tagOf(recurrent) === 'every-layer' ? blocks.map(() => true) : recurrentOnly, recurrentOnly: tagOf(recurrent) === 'every-layer' ? blocks.map(() => false) : recurrentOnly },
    comment: [],
    derived: [{ path: 'layers', why }],
    review,
  });
  if (!ssm && someKvZero) {
    return {
      rule: { type: 'all-full', cite: src.hparams },
      facts: NO_RECURRENT,
      comment: [`${header.arch}.attention.head_count_kv is 0 on ${kvZero.filter(Boolean).length} of ${header.blockCount} layers and the header has no recurrent (SSM) keys: those layers keep a zero-width KV slot (as deci's linear-attention layers do). If they are recurrent instead, make this a hybrid rule.`],
      derived: [{ path: 'layers', why: 'no sliding window and no recurrent keys; per-layer head_count_kv with zeros' }],
      review: [{ path: 'layers', why: 'zero-KV layers taken as attention-free slots, not recurrent layers' }],
    };
  }
  if (ssm && someKvZero) return hybrid({ type: 'head-count-kv-zero' }, kvZero, `${header.arch}.attention.head_count_kv is 0 on ${kvZero.filter(Boolean).length} of ${header.blockCount} layers, and the header has recurrent keys`);
  if (ssm && attentionLayers.size === 0) {
    return { rule: { type: 'recurrent', cite: src.hparams }, facts: { recurrent: blocks.map(() => true), recurrentOnly: blocks.map(() => true) }, comment: [], derived: [{ path: 'layers', why: 'recurrent keys and no attention tensors' }], review: [] };
  }
  if (ssm && attentionLayers.size === header.blockCount) return hybrid({ type: 'every-layer' }, blocks.map(() => false), 'recurrent keys and attention tensors on every layer');
  if (ssm) {
    const recurrentOnly = blocks.map((il) => !attentionLayers.has(il));
    const intervalKey = header.keys.find((key) => /interval/.test(key) && integerOf(header.reader.metadata[header.reader.key(key)]) !== undefined);
    const interval = intervalKey === undefined ? undefined : integerOf(header.reader.metadata[header.reader.key(intervalKey)]);
    if (intervalKey !== undefined && interval !== undefined && interval > 0 && blocks.every((il) => recurrentOnly[il] === ((il + 1) % interval !== 0))) {
      return hybrid({ type: 'interval', key: intervalKey, default: interval }, recurrentOnly, `attention every ${interval} layers, as ${header.arch}.${intervalKey} says`, [
        { path: 'layers.recurrent.default', why: `the header's ${intervalKey} (${interval}); check the default load_arch_hparams uses when the key is absent` },
      ]);
    }
    const selector = like?.type === 'hybrid' ? like.recurrent : { type: new Todo(src.file, 'which layers are recurrent (head-count-kv-zero, interval, array, every-layer)') };
    return hybrid(selector, recurrentOnly, `recurrent keys, attention tensors on ${attentionLayers.size} of ${header.blockCount} layers`);
  }
  if (like !== undefined && like.type !== 'all-full') {
    return { rule: like, facts: NO_RECURRENT, comment: [`Kept from the --like plugin: the header has no ${header.arch}.attention.sliding_window or recurrent layers to say otherwise.`], derived: [], review: [{ path: 'layers', why: 'kept from the --like plugin' }] };
  }
  return { rule: { type: 'all-full', cite: src.hparams }, facts: NO_RECURRENT, comment: [], derived: [{ path: 'layers', why: 'no sliding window, no recurrent layers in the header' }], review: [] };
}

const MEMORY_FOR: Readonly<Record<string, 'kv' | 'iswa' | 'hybrid' | 'recurrent'>> = { 'all-full': 'kv', swa: 'iswa', hybrid: 'hybrid', recurrent: 'recurrent' };

function summaryOf(header: HeaderModel, rule: DraftLayers, mla: boolean): string {
  const heads = header.headCount[0] ?? 0;
  const kv = header.headCountKv[0] ?? 0;
  const parts: string[] = [];
  const tag = tagOf(rule);
  const period = tag === 'swa' ? (rule as Draftable<SwaLayerRule> & object & { period: unknown }).period : undefined;
  if (typeof period === 'number') parts.push(period === 0 ? `every layer sliding-window (window ${header.window ?? '?'})` : `${period - 1} sliding-window layer${period > 2 ? 's' : ''} (window ${header.window ?? '?'}) to 1 global`);
  else if (tag === 'swa') parts.push(`sliding-window layers (window ${header.window ?? '?'})`);
  else if (tag === 'hybrid') parts.push('attention and recurrent layers mixed');
  else if (tag === 'recurrent') parts.push('recurrent layers only');
  else parts.push('every layer global attention');
  if (mla) parts.push('multi-head latent attention');
  else if (heads > 0) parts.push(kv > 0 && kv < heads ? `GQA ${heads}/${kv}, head dim ${header.headDimK}` : `${heads} heads, head dim ${header.headDimK}`);
  const experts = header.dims.n_expert;
  if (experts !== undefined) parts.push(`${experts} experts`);
  const text = parts.join(', ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${header.modelName === undefined ? '' : ` (scaffolded from ${header.modelName})`}.`;
}

/** How recurrent layers size their state, from the keys that size it (llama_hparams::n_embd_r / n_embd_s). */
function recurrentStateOf(header: HeaderModel, src: Sources) {
  const state = cite('src/llama-hparams.cpp', 'llama_hparams::n_embd_r / llama_hparams::n_embd_s');
  if (header.keys.some((key) => key.startsWith('wkv.'))) return fact('rwkv' as const, state);
  if (header.keys.some((key) => key.startsWith('shortconv.'))) return fact('shortconv' as const, state);
  if (header.keys.some((key) => key.startsWith('ssm.'))) return fact('mamba' as const, state);
  return fact(new Todo(src.file, 'how the recurrent state is sized (mamba, rwkv, shortconv): llama_hparams::n_embd_r / n_embd_s'), state);
}

/** The draft plugin: `--like`'s facts, the pinned runtime's by-name facts, then what the header says. */
export function buildDraft(input: DraftInput): Draft {
  const { name, header } = input;
  const src = sourcesOf(name);
  /** The --like plugin with its citations of its own source pointed at the new arch's. */
  const like = input.like === undefined ? undefined : retarget(input.like, src);
  const todo = (what: string) => new Todo(src.file, what);
  const derived: ReviewItem[] = [];
  const review: ReviewItem[] = [];
  const warnings: string[] = [];
  const comments: Record<string, string[]> = {};
  const sources: string[] = [];

  let plugin: DraftPlugin = skeleton(name, src);
  let globalTodo: readonly DraftDecl[] | Todo = todo('the global tensors load_arch_tensors creates (token_embd, output_norm, output)');
  let perLayerTodo: readonly DraftDecl[] | Todo = todo('the per-layer tensors load_arch_tensors creates');

  if (like !== undefined) {
    sources.push(`--like ${like.name}`);
    const { tensors, ...facts } = like;
    plugin = { ...facts, name, summary: `${name}: started from ${like.name} by arch-registry add; say in one line what is special about it.` };
    globalTodo = tensors.global.map((decl) => ({ ...decl }));
    perLayerTodo = tensors.perLayer.map((decl) => ({ ...decl }));
    review.push({ path: '(every fact)', why: `copied from ${like.name}: check each against ${src.file}` });
  }

  // Facts the pinned runtime states by arch name.
  const sections = header?.reader.metadata[header.reader.key('rope.dimension_sections')];
  const rope = pinnedRopeType(name, header === undefined ? undefined : Array.isArray(sections) && sections.some((value) => Number(value) !== 0));
  const ropeFact = rope ?? (like === undefined ? undefined : plugin.rope instanceof Todo ? undefined : plugin.rope.type);
  plugin = {
    ...plugin,
    rope: {
      ...(plugin.rope instanceof Todo ? {} : plugin.rope),
      type: ropeFact ?? fact(new Todo('src/llama-model.cpp', `the rope type: the case for ${name} in llama_model_rope_type`), upstream.ropeType),
      nopeLayers: plugin.rope instanceof Todo ? fact({ type: 'none' }, src.graph) : plugin.rope.nopeLayers,
      nRotMustEqualHeadDim: pinnedNRotMustEqualHeadDim(name),
    },
    runtime: { flashAttentionForcedOff: pinnedFlashAttentionForcedOff(name), kvTypesMustMatch: pinnedKvTypesMustMatch(name) },
  };
  if (rope !== undefined) derived.push({ path: 'rope.type', why: `llama_model_rope_type gives ${rope.value} for ${name}${rope.cite.note === undefined ? '' : ` (${rope.cite.note})`}` });
  derived.push({ path: 'runtime', why: 'llama_init_from_model names the archs it forces flash attention off for, or whose K/V types must match' });

  if (header === undefined) {
    if (like === undefined) review.push({ path: '(every fact)', why: 'no --from header and no --like plugin: every fact the schema needs is a TODO(fact)' });
    return { plugin, tensors: { global: globalTodo, perLayer: perLayerTodo, cite: src.tensors }, comments, derived, review, sources, warnings };
  }

  sources.push(`the header of ${header.source}`);
  const key = (k: string) => `${header.arch}.${k}`;
  const layers = readLayers(header, src, like?.layers);
  derived.push(...layers.derived);
  review.push(...layers.review);
  if (layers.comment.length > 0) comments.layers = layers.comment;
  const rule = layers.rule;
  const tag = tagOf(rule);
  const memory = tag === undefined ? todo('the memory kind') : (MEMORY_FOR[tag] ?? 'kv');

  const hasTensor = (suffix: RegExp) => header.tensors.some((tensor) => suffix.test(tensor.name));
  const mlaActive = header.reader.has('attention.kv_lora_rank');
  const causal = header.reader.boolOr('attention.causal', true);
  const perLayerHeads = header.reader.isArray('attention.head_count') || header.reader.isArray('attention.head_count_kv');
  const softcap = header.reader.has('attn_logit_softcapping') ? header.reader.numberOr('attn_logit_softcapping', 0) : undefined;
  const base = plugin.attention instanceof Todo ? undefined : plugin.attention;

  const required = ['attention.layer_norm_rms_epsilon', 'attention.layer_norm_epsilon'].filter((k) => header.reader.has(k));
  if ((header.dims.n_expert ?? 0) > 0) required.push('expert_count', 'expert_used_count');
  if (mlaActive) required.push('attention.kv_lora_rank');

  plugin = {
    ...plugin,
    summary: summaryOf(header, rule, mlaActive),
    kind: causal ? (like?.kind ?? fact('decoder', upstream.createMemory)) : fact(todo('attention.causal is false: is this an encoder (no KV cache)? see create_memory'), upstream.createMemory),
    memory: fact(memory, cite('src/llama-model.cpp', 'llama_model::create_memory', memory === 'iswa' ? 'llama_kv_cache_iswa when swa_type != NONE, else llama_kv_cache' : `${memory} memory for a ${tag ?? '?'} layer rule`)),
    layers: rule,
    requiredKeys: like?.requiredKeys ?? fact(required, src.hparams),
    mtp:
      header.nextn > 0
        ? like !== undefined && like.mtp.value !== 'none'
          ? like.mtp
          : fact('kept-in-kv', cite('src/llama-model.cpp', 'llama_model::create_memory', `assumed: the default branch has no nextn filter, so llama_kv_cache walks all n_layer_all layers`))
        : (like?.mtp ?? fact('none', src.tensors)),
    kvSharing: like?.kvSharing ?? fact({ type: 'none' }, upstream.noKvSharing),
    attention: {
      causal: fact(causal, upstream.causal),
      perLayerHeads: fact(perLayerHeads, src.hparams),
      qkNorm: fact(hasTensor(/^blk\.\d+\.attn_[qk]_norm\.weight$/), src.tensors),
      softcap: softcap === undefined ? (base?.softcap ?? fact(null, src.hparams)) : fact({ key: 'attn_logit_softcapping', default: softcap }, src.hparams),
      sinks: fact(hasTensor(/^blk\.\d+\.attn_sinks(\.weight)?$/), src.tensors),
      alibi: header.reader.has('attention.max_alibi_bias') ? fact({ type: 'key', key: 'attention.max_alibi_bias' }, src.hparams) : (base?.alibi ?? fact(null, src.hparams)),
      mla: mlaActive
        ? fact({ activeWhenKeys: ['attention.key_length_mla', 'attention.value_length_mla'], kvLoraRankKey: 'attention.kv_lora_rank' }, cite('src/llama-hparams.cpp', 'llama_hparams::is_mla', 'MLA iff both *_mla head dims are non-zero'))
        : fact(null, src.hparams),
    },
  };
  if (tag === 'hybrid' || tag === 'recurrent') {
    const state = like?.recurrentState ?? recurrentStateOf(header, src);
    plugin = { ...plugin, recurrentState: state };
    if (!(state.value instanceof Todo)) derived.push({ path: 'recurrentState', why: `${state.value}: from the header's ${state.value === 'rwkv' ? 'wkv.*' : state.value === 'shortconv' ? 'shortconv.*' : 'ssm.*'} keys` });
  }
  derived.push(
    { path: 'attention', why: `heads ${perLayerHeads ? 'per layer' : 'scalar'}; q/k norm, sinks from the tensor names; MLA ${mlaActive ? `from ${key('attention.kv_lora_rank')}` : 'absent'}` },
    { path: 'memory', why: `from the layer rule (${tag ?? 'TODO'})` },
  );
  if (softcap !== undefined) review.push({ path: 'attention.softcap.default', why: `the header's value ${softcap}; check the default load_arch_hparams uses when the key is absent` });
  if (like?.requiredKeys === undefined) review.push({ path: 'requiredKeys', why: `the keys of the header loaders usually require (${required.join(', ') || 'none'}); check which get_key calls in load_arch_hparams have no \`false\`` });
  if (header.nextn > 0 && (like === undefined || like.mtp.value === 'none')) review.push({ path: 'mtp', why: `the header has ${header.nextn} MTP layer(s); "kept-in-kv" unless create_memory filters them out for this arch` });
  if (like === undefined || like.kvSharing.value.type === 'none') {
    const shared = header.reader.has('attention.shared_kv_layers') ? `the header sets ${key('attention.shared_kv_layers')}; ` : '';
    review.push({ path: 'kvSharing', why: `${shared}assumed "none": check whether load_arch_hparams sets n_layer_kv_from_start and create_memory gives this arch a reuse callback` });
  }
  if (like === undefined) review.push({ path: 'rope.nopeLayers', why: `assumed none: check the graph in ${src.file} for layers that skip RoPE` });

  // Tensor layout.
  let global = deriveGlobal(header, src.file, like?.tensors.global);
  let perLayer = derivePerLayer(header, layers.facts, src.file, like?.tensors.perLayer);
  derived.push({ path: 'tensors', why: `${header.tensors.length} tensor infos: names grouped per layer, widths matched against the header's hparams` });

  // Contract model.
  const widthKeys = [...global, ...perLayer].flatMap((decl) => decl.shape.flatMap((dim) => (typeof dim === 'string' ? (dim.match(/[a-z_][a-z0-9_]*\.[a-z0-9_.]+/g) ?? []) : [])));
  const keepBlocks = tag !== 'all-full' || perLayerHeads;
  const contract = deriveContract(header, { keepBlocks, swa: tag === 'swa', mla: mlaActive, widthKeys: [...new Set(widthKeys)] });
  warnings.push(...contract.warnings);
  plugin = { ...plugin, contract: { hparams: contract.hparams, vocabSize: contract.vocabSize, why: contract.why } };
  const tiny = contractModel(name, contract);
  const annotate = (decls: readonly DraftDecl[]) =>
    decls.map((decl) => {
      const notes = ambiguities(decl, tiny);
      warnings.push(...notes.map((note) => `${decl.name}: ${note}`));
      return notes.length === 0 ? decl : { ...decl, comment: [...(decl.comment ?? []), ...notes] };
    });
  global = annotate(global);
  perLayer = annotate(perLayer);
  derived.push({ path: 'contract', why: 'the header scaled down (see contract.why)' });

  return { plugin, tensors: { global, perLayer, cite: src.tensors }, comments, derived, review, sources, warnings };
}
