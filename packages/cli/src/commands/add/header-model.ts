import { type GgufHeader, type Metadata, type MetadataValue, MetadataReader, type TensorInfo, layerDims } from '@arch-registry/core';

/**
 * What one GGUF header says about its architecture, read the way `llama_model_base::load_hparams`
 * and the synthesizer read it (layer-0 values for tensor shapes, head dims defaulting to
 * n_embd / n_head, n_rot to the key head dim).
 */
export interface HeaderModel {
  readonly arch: string;
  /** The path or URL, without credentials. */
  readonly source: string;
  /** `general.name`, when the file has one. */
  readonly modelName: string | undefined;
  readonly reader: MetadataReader;
  /** Keys under the arch prefix, without it, in file order. */
  readonly keys: readonly string[];
  readonly blockCount: number;
  readonly nextn: number;
  /** block_count − nextn_predict_layers. */
  readonly nLayer: number;
  readonly nEmbd: number;
  readonly nVocab: number;
  readonly headCount: readonly number[];
  readonly headCountKv: readonly number[];
  /** `feed_forward_length` per block (the scalar repeated), zeros when absent. */
  readonly ffLengths: readonly number[];
  readonly headDimK: number;
  readonly headDimV: number;
  readonly nRot: number;
  readonly leadingDense: number;
  /** `attention.sliding_window`, when present. */
  readonly window: number | undefined;
  /** `attention.sliding_window_pattern`: a period, a per-layer array, or absent. */
  readonly swaPattern: number | readonly boolean[] | undefined;
  readonly tensors: readonly TensorInfo[];
  /** Dimension names and GGUF keys (without prefix) → value, as tensor shapes use them. */
  readonly dims: Readonly<Record<string, number>>;
}

/** `dims` plus layer `il`'s per-layer names (`n_head(il)` and co.), as a per-layer tensor sees them. */
export function dimsAt(header: HeaderModel, il: number): Readonly<Record<string, number>> {
  const counts = { headCount: header.headCount[il] ?? 0, headCountKv: header.headCountKv[il] ?? 0, ffLength: header.ffLengths[il] ?? 0 };
  return { ...header.dims, ...layerDims({ ...counts, headDimK: header.headDimK, headDimV: header.headDimV }) };
}

/** A metadata value as a safe integer, else undefined. */
export function integerOf(value: MetadataValue | undefined): number | undefined {
  const number = typeof value === 'bigint' ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) ? number : undefined;
}

/** `tokenizer.ggml.tokens` length, else `<arch>.vocab_size`, else token_embd's second dim. */
function vocabSize(metadata: Metadata, reader: MetadataReader, tensors: readonly TensorInfo[]): number {
  const tokens = metadata['tokenizer.ggml.tokens'];
  if (Array.isArray(tokens)) return tokens.length;
  const declared = integerOf(metadata[reader.key('vocab_size')]);
  if (declared !== undefined) return declared;
  return tensors.find((tensor) => tensor.name === 'token_embd.weight')?.shape[1] ?? 0;
}

/** Reads a header for `arch`; typed errors (ModelError) name the key at fault. */
export function readHeaderModel(header: Pick<GgufHeader, 'metadata' | 'tensors' | 'source'>, arch: string): HeaderModel {
  const { metadata, tensors } = header;
  const reader = new MetadataReader(metadata, arch, header.source);
  const prefix = `${arch}.`;
  const keys = Object.keys(metadata)
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length));
  const blockCount = reader.uint('block_count');
  const nextn = reader.uintOr('nextn_predict_layers', 0);
  const nEmbd = reader.uint('embedding_length');
  const headCount = reader.uintPerLayer('attention.head_count', blockCount, Array.from({ length: blockCount }, () => 0));
  const headCountKv = reader.uintPerLayer('attention.head_count_kv', blockCount, headCount);
  const ffLengths = reader.uintPerLayer('feed_forward_length', blockCount, Array.from({ length: blockCount }, () => 0));
  const heads0 = headCount[0] ?? 0;
  const defaultDim = heads0 > 0 ? Math.floor(nEmbd / heads0) : 0;
  const headDimK = reader.uintOr('attention.key_length', defaultDim);
  const headDimV = reader.uintOr('attention.value_length', defaultDim);
  const nRot = reader.uintOr('rope.dimension_count', headDimK);
  const pattern = metadata[reader.key('attention.sliding_window_pattern')];
  const swaPattern = pattern === undefined ? undefined : Array.isArray(pattern) ? reader.boolArray('attention.sliding_window_pattern') : reader.uint('attention.sliding_window_pattern');
  const nVocab = vocabSize(metadata, reader, tensors);
  const kv0 = headCountKv[0] ?? 0;

  // GGUF keys first, so that the hparam names below win where they overlap.
  const dims: Record<string, number> = {};
  for (const key of keys) {
    const value = integerOf(metadata[prefix + key]);
    if (value !== undefined && value > 0) dims[key] = value;
  }
  const scalar = (key: string): number | undefined => integerOf(metadata[prefix + key]);
  // Zero widths are left out: an expression over them (n_embd + 2*n_embd_k_gqa without heads) means nothing.
  const set = (name: string, value: number | undefined) => {
    if (value !== undefined && value > 0) dims[name] = value;
  };
  set('n_embd', nEmbd);
  set('n_vocab', nVocab);
  set('n_head', heads0);
  set('n_head_kv', kv0);
  set('n_embd_head_k', headDimK);
  set('n_embd_head_v', headDimV);
  set('n_embd_k_gqa', headDimK * kv0);
  set('n_embd_v_gqa', headDimV * kv0);
  set('n_rot', nRot);
  // n_ff() is layer 0's entry (llama_hparams::n_ff(il = 0)), whether the key is a scalar or an array.
  set('n_ff', ffLengths[0]);
  set('n_expert', scalar('expert_count'));
  set('n_expert_used', scalar('expert_used_count'));
  set('n_ff_exp', scalar('expert_feed_forward_length'));

  const general = metadata['general.name'];
  return {
    arch,
    source: header.source,
    modelName: typeof general === 'string' && general !== '' ? general : undefined,
    reader,
    keys,
    blockCount,
    nextn,
    nLayer: blockCount - nextn,
    nEmbd,
    nVocab,
    headCount,
    headCountKv,
    ffLengths,
    headDimK,
    headDimV,
    nRot,
    leadingDense: reader.uintOr('leading_dense_block_count', 0),
    window: reader.has('attention.sliding_window') ? reader.uint('attention.sliding_window') : undefined,
    swaPattern,
    tensors,
    dims,
  };
}
