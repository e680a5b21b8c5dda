import type { ContractValue, MetadataValue } from '@arch-registry/core';
import { type HeaderModel, integerOf } from './header-model.js';

/** What the contract model must keep of the layer structure. */
export interface ContractShape {
  /** Layer kinds depend on the layer count or a per-layer array: keep block_count. */
  readonly keepBlocks: boolean;
  readonly swa: boolean;
  readonly mla: boolean;
  /** GGUF keys (without prefix) the tensor layout uses as widths: scaled down too. */
  readonly widthKeys: readonly string[];
}

export interface ContractDraft {
  readonly hparams: Readonly<Record<string, ContractValue>>;
  readonly vocabSize: number;
  readonly why: string;
  readonly warnings: readonly string[];
}

/** The vocabulary of every contract model: 3 specials, 256 bytes and a few merges. */
export const CONTRACT_VOCAB = 320;
/** Below the smallest test context (1000 cells), so SWA layers really keep fewer cells. */
const CONTRACT_WINDOW = 128;
const CONTRACT_CONTEXT = 4096;

/** Keys the runtime reads as floats; an integer-valued float (`rope.freq_base` 1e6) must stay f32. */
const FLOAT_KEY = /(eps|freq_base|freq_scale|scale|factor|softcapping|alibi_bias|clamp|multiplier|beta_fast|beta_slow|temperature)/;

/** The shortest decimal that is the same f32 (the header stores 1e-5 as 0.000009999999747…). */
export function shortestF32(value: number): number {
  const target = Math.fround(value);
  for (let digits = 1; digits <= 17; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return value;
}

/**
 * Gives each header width a small value while keeping which widths are equal: widths equal in the
 * header stay equal (so every expression that matched a tensor's width still agrees), different ones
 * stay different.
 */
class WidthAssigner {
  private readonly byHeader = new Map<number, number>();
  private readonly used = new Set<number>();

  /** Records a fixed choice. */
  fix(header: number, tiny: number): number {
    if (!this.byHeader.has(header)) this.byHeader.set(header, tiny);
    this.used.add(tiny);
    return this.byHeader.get(header) ?? tiny;
  }

  /** A width small enough already: itself, unless an equal width was given another value. */
  keep(header: number): number {
    return this.byHeader.get(header) ?? this.fix(header, header);
  }

  /** The tiny value for `header`: the one already given to an equal width, else the first free choice. */
  pick(header: number, choices: readonly number[]): number {
    const known = this.byHeader.get(header);
    if (known !== undefined) return known;
    const free = choices.find((choice) => !this.used.has(choice)) ?? Math.max(0, ...this.used) + 32;
    return this.fix(header, free);
  }
}

function numberKey(header: HeaderModel, key: string): number | undefined {
  return integerOf(header.reader.metadata[header.reader.key(key)]);
}

/** A contract value from a header value: floats stay f32, integers u32, arrays and strings as they are. */
function copyValue(key: string, value: MetadataValue): ContractValue | undefined {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && !FLOAT_KEY.test(key) ? value : { f32: shortestF32(value) };
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'boolean')) return value as boolean[];
    if (value.every((item) => typeof item === 'number' && Number.isInteger(item) && item >= 0)) return value as number[];
  }
  return undefined;
}

/**
 * The contract model: the header's hparams scaled down to a model that loads in a second and keeps
 * the arch's shape (layer kinds, GQA ratio > 1, head dims 32 so q8_0 / q4_0 are legal, a window
 * below the test context, MLA widths, experts).
 */
export function deriveContract(header: HeaderModel, shape: ContractShape): ContractDraft {
  const warnings: string[] = [];
  const widths = new WidthAssigner();
  const hp: Record<string, ContractValue> = {};
  const has = (key: string) => header.reader.has(key);
  const heads0 = header.headCount[0] ?? 0;
  const kv0 = header.headCountKv[0] ?? 0;

  // Layers: the header's count when layer kinds depend on it, else a few.
  const lead = header.leadingDense > 0 ? 1 : 0;
  const blockCount = shape.keepBlocks ? header.blockCount : Math.max(2, lead + 2) + header.nextn;

  // Heads: 2 query heads over 1 KV head (4 over 1 with MLA, as deepseek2's contract); MHA stays MHA.
  const nHeadT = shape.mla ? 4 : 2;
  const kvT = kv0 === heads0 ? nHeadT : 1;

  // Head dims: 32 (64 for the wider of K and V when they differ); the rotary part keeps its share.
  let headKT = 32;
  let headVT = 32;
  if (header.headDimV > header.headDimK) headVT = 64;
  if (header.headDimV < header.headDimK) headKT = 64;
  let nRotT: number;
  if (shape.mla) {
    // deepseek2's shape: kv_lora_rank 64 + n_rot 32 per latent row, nope 16 + rope 32 per MLA key head.
    nRotT = 32;
    widths.fix(header.nRot, nRotT);
    const rank = numberKey(header, 'attention.kv_lora_rank') ?? 0;
    widths.fix(rank, 64);
    if (header.headDimK === rank + header.nRot) headKT = 64 + nRotT;
    if (header.headDimV === rank) headVT = 64;
  } else {
    nRotT = header.nRot === header.headDimK ? headKT : header.nRot === header.headDimV ? headVT : (headKT * header.nRot) / header.headDimK;
    if (!Number.isInteger(nRotT) || nRotT % 2 !== 0) {
      warnings.push(`rope.dimension_count ${header.nRot} is no simple share of the key head dim ${header.headDimK}: the contract model uses 16`);
      nRotT = 16;
    }
  }
  widths.fix(header.headDimK, headKT);
  widths.fix(header.headDimV, headVT);
  widths.fix(header.nRot, nRotT);
  widths.fix(heads0 * header.headDimK, nHeadT * headKT);
  widths.fix(heads0 * header.headDimV, nHeadT * headVT);
  widths.fix(kv0 * header.headDimK, kvT * headKT);
  widths.fix(kv0 * header.headDimV, kvT * headVT);
  const nEmbdT = widths.pick(header.nEmbd, [64, 128, 96, 192, 256]);

  const scaleHeads = (value: number, key: string): number => {
    if (value === 0) return 0;
    if (value === heads0) return nHeadT;
    if (value === kv0) return kvT;
    const scaled = Math.max(1, Math.round((value * nHeadT) / Math.max(1, heads0)));
    warnings.push(`${key} has a per-layer value ${value} that is neither n_head nor n_head_kv: scaled to ${scaled}`);
    return scaled;
  };
  const perLayer = (key: string, scale: (value: number) => number): ContractValue | undefined => {
    const value = header.reader.metadata[header.reader.key(key)];
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) return scale(integerOf(value as MetadataValue) ?? 0);
    if (!shape.keepBlocks) {
      warnings.push(`${key} is a per-layer array: the contract model keeps layer 0's value for its ${blockCount} layers`);
      return scale(integerOf(value[0] as MetadataValue) ?? 0);
    }
    return value.map((item) => scale(integerOf(item as MetadataValue) ?? 0));
  };

  const handled = new Set<string>();
  const put = (key: string, value: ContractValue | undefined) => {
    handled.add(key);
    if (value !== undefined) hp[key] = value;
  };
  put('context_length', CONTRACT_CONTEXT);
  put('embedding_length', nEmbdT);
  put('block_count', blockCount);
  put('attention.head_count', perLayer('attention.head_count', (v) => scaleHeads(v, 'attention.head_count')));
  put('attention.head_count_kv', perLayer('attention.head_count_kv', (v) => scaleHeads(v, 'attention.head_count_kv')));
  if (has('attention.key_length')) put('attention.key_length', headKT);
  if (has('attention.value_length')) put('attention.value_length', headVT);
  for (const key of ['attention.key_length_swa', 'attention.value_length_swa']) {
    const value = numberKey(header, key);
    if (value !== undefined) put(key, widths.pick(value, [32, 64, 96]));
  }
  if (has('rope.dimension_count')) put('rope.dimension_count', nRotT);

  // Feed-forward and experts.
  const ffChoices = [2 * nEmbdT, 3 * nEmbdT, 4 * nEmbdT, 2 * nEmbdT + 32];
  put('feed_forward_length', perLayer('feed_forward_length', (v) => (v === 0 ? 0 : widths.pick(v, ffChoices))));
  put('expert_feed_forward_length', perLayer('expert_feed_forward_length', (v) => (v === 0 ? 0 : widths.pick(v, [32, 48, 96, 160]))));
  const experts = numberKey(header, 'expert_count') ?? 0;
  if (has('expert_count')) put('expert_count', experts > 0 ? 4 : 0);
  if (has('expert_used_count')) put('expert_used_count', experts > 0 ? Math.min(2, numberKey(header, 'expert_used_count') ?? 1) : 0);
  if (has('expert_shared_count')) put('expert_shared_count', Math.min(2, numberKey(header, 'expert_shared_count') ?? 0));
  for (const key of ['expert_group_count', 'expert_group_used_count']) if (has(key)) put(key, 1);
  if (has('leading_dense_block_count')) put('leading_dense_block_count', shape.keepBlocks ? header.leadingDense : lead);
  if (has('nextn_predict_layers')) put('nextn_predict_layers', header.nextn);
  if (has('vocab_size')) put('vocab_size', CONTRACT_VOCAB);

  // MLA widths.
  if (shape.mla) {
    const kLengthMla = numberKey(header, 'attention.key_length_mla');
    if (has('attention.q_lora_rank')) put('attention.q_lora_rank', widths.fix(numberKey(header, 'attention.q_lora_rank') ?? 0, 32));
    put('attention.kv_lora_rank', 64);
    if (kLengthMla !== undefined) put('attention.key_length_mla', kLengthMla > header.nRot ? 16 + nRotT : nRotT);
    if (has('attention.value_length_mla')) put('attention.value_length_mla', widths.fix(numberKey(header, 'attention.value_length_mla') ?? 0, 32));
  }

  // Sliding window: below the test context, with the header's pattern (per layer only when the layers are kept).
  if (shape.swa && has('attention.sliding_window')) put('attention.sliding_window', CONTRACT_WINDOW);
  if (has('attention.sliding_window_pattern')) {
    const pattern = header.swaPattern;
    put('attention.sliding_window_pattern', Array.isArray(pattern) ? (shape.keepBlocks ? pattern : undefined) : (pattern as number | undefined));
  }

  // Mamba's d_inner is a multiple of n_embd (the loaders assert 2·n_embd for Mamba and Mamba-2).
  const inner = numberKey(header, 'ssm.inner_size');
  if (inner !== undefined && inner % header.nEmbd === 0) put('ssm.inner_size', widths.fix(inner, (inner / header.nEmbd) * nEmbdT));

  // Other widths the tensor layout reads from GGUF keys.
  for (const key of shape.widthKeys) {
    if (handled.has(key)) continue;
    const value = numberKey(header, key);
    // Small widths (a conv kernel, a group count) are tiny already: kept unless an equal width was scaled.
    if (value !== undefined) put(key, value <= 64 ? widths.keep(value) : widths.pick(value, [32, 64, 96, 128, 160]));
  }

  // Everything else as the header has it: norms, RoPE bases and scaling, switches.
  for (const key of header.keys) {
    if (handled.has(key)) continue;
    const raw = header.reader.metadata[header.reader.key(key)];
    if (raw === undefined) continue;
    if (Array.isArray(raw) && raw.length === header.blockCount && !shape.keepBlocks) {
      warnings.push(`${key} is a per-layer array: left out of the contract model, which has ${blockCount} layers`);
      continue;
    }
    const value = copyValue(key, raw);
    if (value === undefined) warnings.push(`${key}: cannot copy ${typeof raw} values into the contract model`);
    else hp[key] = value;
  }

  return { hparams: hp, vocabSize: CONTRACT_VOCAB, why: explain(header, shape, { blockCount, nHeadT, kvT, headKT, headVT, nEmbdT }), warnings };
}

function explain(header: HeaderModel, shape: ContractShape, tiny: { blockCount: number; nHeadT: number; kvT: number; headKT: number; headVT: number; nEmbdT: number }): string {
  const parts: string[] = [];
  parts.push(shape.keepBlocks ? `block_count ${tiny.blockCount} as in the header, since the layer kinds may depend on it` : `${tiny.blockCount} layers`);
  if (shape.swa) parts.push(`sliding-window layers with window ${CONTRACT_WINDOW}, below the test context`);
  const ratio = tiny.nHeadT / tiny.kvT;
  parts.push(ratio > 1 ? `GQA ${ratio} (${tiny.nHeadT} heads over ${tiny.kvT} KV head${tiny.kvT > 1 ? 's' : ''})` : `${tiny.nHeadT} heads without GQA, as in the header`);
  parts.push(tiny.headKT === tiny.headVT ? `head dim ${tiny.headKT} so q8_0/q4_0 caches are legal` : `head dims K ${tiny.headKT} / V ${tiny.headVT}`);
  const heads0 = header.headCount[0] ?? 0;
  if (header.nEmbd === heads0 * header.headDimK) parts.push(`n_embd ${tiny.nEmbdT} = n_head * head dim as in the header`);
  if (shape.mla) parts.push('MLA widths as deepseek2 (kv_lora_rank 64 + n_rot 32)');
  return `Scaled down from ${header.modelName ?? 'the header'} by arch-registry add: ${parts.join('; ')}`;
}
