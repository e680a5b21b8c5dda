import type { ArchPlugin, KvSharing, LayerRule, SwaLayerRule, SwaType } from '../schema/arch.js';
import { ModelError } from './errors.js';
import type { MetadataReader } from './metadata.js';

/** Something the metadata says that the runtime reads differently than a reader might expect. */
export interface MetadataNote {
  readonly code: 'SWA_PATTERN_ARRAY_IGNORED' | 'SWA_INACTIVE' | 'SWA_WINDOW_COVERS_CONTEXT';
  readonly message: string;
}

/** Sliding-window layout after the arch rule and the metadata are combined. */
export interface ResolvedSwa {
  readonly type: SwaType;
  /** `n_swa`: tokens each SWA layer keeps. */
  readonly window: number;
  /** `is_swa(il)` for every block (length = block_count). */
  readonly isSwa: readonly boolean[];
}

export interface ResolvedMla {
  readonly kvLoraRank: number;
  readonly headDimKMla: number;
  readonly headDimVMla: number;
}

/** Hyperparameters as `llama_model_base::load_hparams` plus the arch's loader resolve them. */
export interface Hparams {
  readonly arch: string;
  readonly nCtxTrain: number;
  readonly nEmbd: number;
  /** `block_count` = n_layer_all. */
  readonly blockCount: number;
  /** `nextn_predict_layers`: trailing MTP layers. */
  readonly nextn: number;
  /** `n_layer()` = block_count − nextn_predict_layers. */
  readonly nLayer: number;
  readonly headCount: readonly number[];
  readonly headCountKv: readonly number[];
  readonly headDimK: number;
  readonly headDimV: number;
  readonly headDimKSwa: number;
  readonly headDimVSwa: number;
  readonly nRot: number;
  readonly swa: ResolvedSwa | null;
  readonly mla: ResolvedMla | null;
  /**
   * `n_layer_kv_from_start`: layers at or after it keep no K/V and read an earlier layer's cache;
   * null when every layer owns its K/V.
   */
  readonly kvShareStart: number | null;
  /** Per block: carries recurrent state (hybrid and recurrent archs), else null. */
  readonly recurrent: readonly boolean[] | null;
  /** f32 elements of one recurrent layer's R and S rows (`n_embd_r`, `n_embd_s`), or null without recurrent layers. */
  readonly recurrentStateWidths: { readonly r: number; readonly s: number } | null;
  readonly causal: boolean;
  readonly expertCount: number;
  readonly expertUsedCount: number;
  /** Widest `feed_forward_length` (scalar or per-layer), 0 when absent. */
  readonly feedForwardLength: number;
  /** `n_ff(il)` per block: the scalar repeated, or the array; zeros when absent (the key is optional). */
  readonly feedForwardLengths: readonly number[];
  /** `expert_feed_forward_length` (widest when per-layer), 0 when absent. */
  readonly expertFeedForwardLength: number;
  readonly notes: readonly MetadataNote[];
}

const GENERIC_REQUIRED = ['context_length', 'embedding_length', 'block_count'] as const;

/** `set_swa_pattern(n, dense_first)`: MTP layers (il >= n_layer) are never SWA. */
export function swaPattern(period: number, denseFirst: boolean, nLayer: number, blockCount: number): boolean[] {
  return Array.from({ length: blockCount }, (_, il) => {
    if (il >= nLayer) return false;
    if (period === 0) return true;
    return denseFirst ? il % period !== 0 : il % period < period - 1;
  });
}

function resolveSwa(rule: SwaLayerRule, reader: MetadataReader, nLayer: number, blockCount: number, notes: MetadataNote[]): ResolvedSwa | null {
  const nCtxTrain = reader.uint('context_length');
  const windowKey = 'attention.sliding_window';
  const { activation, window } = rule;
  if (activation.type === 'window-positive' && reader.uintOr(windowKey, 0) === 0) {
    notes.push({ code: 'SWA_INACTIVE', message: `${reader.key(windowKey)} is absent or 0, so every layer is full attention` });
    return null;
  }
  if (window.zeroAborts !== undefined && reader.has(windowKey) && reader.uint(windowKey) === 0) {
    throw new ModelError(
      'BAD_VALUE',
      reader.key(windowKey),
      reader.file,
      `${reader.key(windowKey)} is 0: the runtime loads this ${reader.arch} file but aborts at the first decode (${window.zeroAborts.why}; ${window.zeroAborts.cite.file} ${window.zeroAborts.cite.fn})`,
      `Remove ${reader.key(windowKey)} (the runtime then uses its own window) or set the model's sliding_window from config.json`,
    );
  }
  if (activation.type === 'unless-window-zero' && reader.has(windowKey) && reader.uint(windowKey) === 0) {
    notes.push({ code: 'SWA_INACTIVE', message: `${reader.key(windowKey)} is 0, so every layer is full attention` });
    return null;
  }
  if (activation.type === 'n-layer-equals' && nLayer !== activation.nLayer) {
    notes.push({ code: 'SWA_INACTIVE', message: `this arch uses sliding-window layers only when n_layer is ${activation.nLayer}; this model has ${nLayer}` });
    return null;
  }
  const size = window.forced ?? (window.required ? reader.uint(windowKey) : reader.uintOr(windowKey, window.default ?? 0));

  const patternKey = 'attention.sliding_window_pattern';
  let isSwa = swaPattern(rule.period, rule.denseFirst, nLayer, blockCount);
  if (reader.has(patternKey) && rule.patternKey !== 'ignored') {
    if (!reader.isArray(patternKey)) {
      if (rule.patternKey === 'array') reader.boolArray(patternKey);
      isSwa = swaPattern(reader.uint(patternKey), rule.denseFirst, nLayer, blockCount);
    } else if (rule.patternKey === 'scalar') {
      notes.push({
        code: 'SWA_PATTERN_ARRAY_IGNORED',
        message: `${reader.key(patternKey)} is an array, which this runtime ignores for ${reader.arch}: the default period ${rule.period} applies`,
      });
    } else {
      const array = reader.boolArray(patternKey);
      isSwa = Array.from({ length: blockCount }, (_, il) => il < nLayer && (array[il] ?? false));
    }
  } else if (rule.patternKey === 'array') {
    reader.boolArray(patternKey);
  }
  if (!isSwa.some(Boolean)) {
    // create_memory asserts is_swa_any() once swa_type is set: the runtime aborts instead of loading.
    throw new ModelError(
      'BAD_VALUE',
      reader.key(patternKey),
      reader.file,
      `the sliding-window pattern leaves no layer with a window, which makes the runtime abort (GGML_ASSERT is_swa_any in llama_model::create_memory)`,
      `Remove ${reader.key(patternKey)} or set it to the period the model was trained with (default ${rule.period})`,
    );
  }
  checkWindow(rule, reader, size, isSwa.filter(Boolean).length, nCtxTrain, notes);
  return { type: rule.swaType, window: size, isSwa };
}

/**
 * The runtime accepts any window (llama_hparams::is_masked_swa), but a window of 0 on a standard
 * layer masks every position, the token itself included, and on a chunked layer divides by zero;
 * a window at least the training context keeps every token, so nothing is saved.
 */
function checkWindow(rule: SwaLayerRule, reader: MetadataReader, size: number, swaLayers: number, nCtxTrain: number, notes: MetadataNote[]): void {
  const key = reader.key('attention.sliding_window');
  const source = rule.window.forced !== undefined ? `the window ${reader.arch} forces` : reader.has('attention.sliding_window') ? key : `the default window of ${reader.arch}`;
  if (size === 0 && rule.swaType !== 'symmetric') {
    const effect = rule.swaType === 'chunked' ? 'divides each position by the window, a division by zero' : 'masks every position, the token itself included, so attention yields NaN';
    throw new ModelError('BAD_VALUE', key, reader.file, `${source} is 0 while ${swaLayers} layers use it: the runtime ${effect} (llama_hparams::is_masked_swa)`, `Set ${key} to the sliding_window of the model's config.json`);
  }
  if (size >= nCtxTrain) {
    notes.push({
      code: 'SWA_WINDOW_COVERS_CONTEXT',
      message: `${source} (${size}) is not smaller than ${reader.key('context_length')} (${nCtxTrain}): the ${swaLayers} sliding-window layers keep every token up to the training context, so they save no memory there`,
    });
  }
}

/** A hybrid whose attention layers all take the window when the key is positive (lfm2: is_swa = !is_recr). */
function hybridSwa(rule: { readonly swaType: SwaType } | undefined, reader: MetadataReader, recurrent: readonly boolean[] | null, nLayer: number): ResolvedSwa | null {
  const window = reader.uintOr('attention.sliding_window', 0);
  if (rule === undefined || window === 0) return null;
  const isSwa = (recurrent ?? []).map((recr, il) => il < nLayer && !recr);
  return { type: rule.swaType, window, isSwa };
}

/** `n_embd_r` / `n_embd_s` for the arch's state kind, read from its keys. */
function stateWidths(plugin: ArchPlugin, reader: MetadataReader, nEmbd: number): { r: number; s: number } | null {
  switch (plugin.recurrentState?.value) {
    case 'rwkv':
      return { r: reader.uintOr('token_shift_count', 2) * nEmbd, s: nEmbd * reader.uint('wkv.head_size') };
    case 'shortconv':
      return { r: nEmbd * (reader.uint('shortconv.l_cache') - 1), s: reader.uintOr('ssm.state_size', 0) * reader.uintOr('ssm.inner_size', 0) };
    case 'mamba': {
      const dConv = reader.uintOr('ssm.conv_kernel', 0);
      const dInner = reader.uintOr('ssm.inner_size', 0);
      const dState = reader.uintOr('ssm.state_size', 0);
      const groups = reader.uintOr('ssm.group_count', 0);
      return { r: (dConv > 0 ? dConv - 1 : 0) * (dInner + 2 * groups * dState), s: dState * dInner };
    }
    case undefined:
      return null;
  }
}

function resolveRecurrent(rule: LayerRule, reader: MetadataReader, headCountKv: readonly number[], blockCount: number): boolean[] | null {
  if (rule.type === 'recurrent') return Array.from({ length: blockCount }, () => true);
  if (rule.type !== 'hybrid') return null;
  const selector = rule.recurrent;
  switch (selector.type) {
    case 'head-count-kv-zero':
      return headCountKv.map((kv) => kv === 0);
    case 'interval': {
      // The loader marks trunk layers only; trailing MTP layers are never recurrent.
      const interval = reader.uintOr(selector.key, selector.default);
      const nLayer = blockCount - reader.uintOr('nextn_predict_layers', 0);
      return Array.from({ length: blockCount }, (_, il) => il < nLayer && (il + 1) % interval !== 0);
    }
    case 'array':
      return reader.boolArray(selector.key).slice(0, blockCount);
    case 'every-layer':
      return Array.from({ length: blockCount }, () => true);
  }
}

/**
 * `n_layer_kv_from_start` from the arch's sharing rule. The runtime's reuse callback points SWA layers
 * at start − 2 and full layers at start − 1 and asserts both exist in the matching cache, so a start
 * below 2, or a layout where those two layers are not SWA and full, is refused here with the key at fault.
 */
function resolveKvShareStart(sharing: KvSharing, reader: MetadataReader, blockCount: number, swa: ResolvedSwa | null): number | null {
  if (sharing.type === 'none') return null;
  const { start: rule } = sharing;
  const key = rule.type === 'shared-count-key' ? rule.key : 'block_count';
  const start = rule.type === 'fixed' ? rule.layer : blockCount - reader.uintOr(rule.key, 0);
  if (start >= blockCount) return null;
  const fail = (problem: string): never => {
    throw new ModelError('BAD_VALUE', reader.key(key), reader.file, `layers from ${start} on reuse earlier layers' K/V, but ${problem}, which makes the runtime abort (GGML_ASSERT in llama_kv_cache::llama_kv_cache)`, `Check ${reader.key(key)} and the sliding-window pattern against the model's config.json`);
  };
  if (start < 2) fail('fewer than 2 layers own K/V');
  const isSwa = (il: number) => swa?.isSwa[il] === true;
  const tail = Array.from({ length: blockCount - start }, (_, i) => start + i);
  if (tail.some((il) => !isSwa(il)) && isSwa(start - 1)) fail(`layer ${start - 1}, which full-attention layers reuse, is a sliding-window layer`);
  if (tail.some(isSwa) && !isSwa(start - 2)) fail(`layer ${start - 2}, which sliding-window layers reuse, is a full-attention layer`);
  return start;
}

/** Resolves hparams for `plugin` from metadata, with typed errors naming the key. */
export function resolveHparams(plugin: ArchPlugin, reader: MetadataReader): Hparams {
  for (const key of [...GENERIC_REQUIRED, ...plugin.requiredKeys.value]) requirePresent(reader, key);
  const notes: MetadataNote[] = [];
  const blockCount = reader.uint('block_count');
  if (blockCount < 1 || blockCount > 512) {
    throw new ModelError('BAD_VALUE', reader.key('block_count'), reader.file, `${reader.key('block_count')} is ${blockCount}`, 'It must be between 1 and 512 (LLAMA_MAX_LAYERS)');
  }
  const nextn = reader.uintOr('nextn_predict_layers', 0);
  if (nextn > blockCount) {
    throw new ModelError('BAD_VALUE', reader.key('nextn_predict_layers'), reader.file, `nextn_predict_layers (${nextn}) exceeds block_count (${blockCount})`, 'Fix the key');
  }
  const nLayer = blockCount - nextn;
  const nEmbd = reader.uint('embedding_length');
  const headCount = reader.uintPerLayer('attention.head_count', blockCount, Array.from({ length: blockCount }, () => 0));
  // head_count_kv defaults to a copy of the head_count array.
  const headCountKv = reader.uintPerLayer('attention.head_count_kv', blockCount, headCount);
  const recurrent = resolveRecurrent(plugin.layers, reader, headCountKv, blockCount);
  const feedForwardLengths = reader.uintPerLayer('feed_forward_length', blockCount, Array.from({ length: blockCount }, () => 0));

  headCount.forEach((heads, il) => {
    const kv = headCountKv[il] ?? 0;
    if (kv > 0 && heads % kv !== 0) {
      throw new ModelError(
        'HEADS_NOT_DIVISIBLE',
        reader.key('attention.head_count_kv'),
        reader.file,
        `layer ${il}: ${heads} attention heads are not divisible by ${kv} KV heads`,
        `Check ${reader.key('attention.head_count')} and ${reader.key('attention.head_count_kv')} against the model's config.json`,
      );
    }
  });

  // Head dims exist only when layer 0 has heads ("non-transformer models do not have attention heads").
  const heads0 = headCount[0] ?? 0;
  const defaultDim = heads0 > 0 ? Math.floor(nEmbd / heads0) : 0;
  const headDimK = heads0 > 0 ? reader.uintOr('attention.key_length', defaultDim) : 0;
  const headDimV = heads0 > 0 ? reader.uintOr('attention.value_length', defaultDim) : 0;
  const nRot = heads0 > 0 ? reader.uintOr('rope.dimension_count', headDimK) : 0;
  if (plugin.rope.nRotMustEqualHeadDim.value && heads0 > 0 && nRot !== headDimK) {
    throw new ModelError('BAD_VALUE', reader.key('rope.dimension_count'), reader.file, `invalid n_rot: ${nRot}, expected ${headDimK}`, `The runtime requires ${reader.key('rope.dimension_count')} to equal the key head dim for ${plugin.name}`);
  }

  const mlaFact = plugin.attention.mla.value;
  const mlaActive = mlaFact !== null && mlaFact.activeWhenKeys.every((key) => reader.uintOr(key, 0) > 0);
  const mla = mlaActive
    ? {
        kvLoraRank: reader.uintOr(mlaFact.kvLoraRankKey, 0),
        headDimKMla: reader.uint('attention.key_length_mla'),
        headDimVMla: reader.uint('attention.value_length_mla'),
      }
    : null;

  const swa =
    plugin.layers.type === 'swa'
      ? resolveSwa(plugin.layers, reader, nLayer, blockCount, notes)
      : plugin.layers.type === 'hybrid'
        ? hybridSwa(plugin.layers.attentionSwa, reader, recurrent, nLayer)
        : null;
  return {
    arch: plugin.name,
    nCtxTrain: reader.uint('context_length'),
    nEmbd,
    blockCount,
    nextn,
    nLayer,
    headCount,
    headCountKv,
    headDimK,
    headDimV,
    headDimKSwa: reader.uintOr('attention.key_length_swa', headDimK),
    headDimVSwa: reader.uintOr('attention.value_length_swa', headDimV),
    nRot,
    swa,
    mla,
    kvShareStart: resolveKvShareStart(plugin.kvSharing.value, reader, blockCount, swa),
    recurrent,
    recurrentStateWidths: recurrent === null ? null : stateWidths(plugin, reader, nEmbd),
    causal: reader.boolOr('attention.causal', plugin.attention.causal.value),
    expertCount: reader.uintOr('expert_count', 0),
    expertUsedCount: reader.has('expert_used_count') && !reader.isArray('expert_used_count') ? reader.uint('expert_used_count') : 0,
    feedForwardLength: Math.max(0, ...feedForwardLengths),
    feedForwardLengths,
    expertFeedForwardLength: Math.max(0, ...reader.uintPerLayer('expert_feed_forward_length', blockCount, [0])),
    notes,
  };
}

function requirePresent(reader: MetadataReader, name: string): void {
  if (!reader.has(name)) {
    throw new ModelError('MISSING_KEY', reader.key(name), reader.file, `required key ${reader.key(name)} is missing`, `The runtime refuses to load ${reader.arch} without it; add it from the model's config.json`);
  }
}
