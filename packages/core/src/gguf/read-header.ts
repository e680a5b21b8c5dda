import { gguf } from '@huggingface/gguf';
import type { Metadata, MetadataValue } from '../model/metadata.js';

/** One tensor's header entry; shape in ggml order (ne0 first). */
export interface TensorInfo {
  readonly name: string;
  readonly shape: readonly number[];
  /** ggml type id. */
  readonly type: number;
  readonly offset: bigint;
}

export interface GgufHeader {
  readonly source: string;
  readonly metadata: Metadata;
  readonly tensors: readonly TensorInfo[];
}

/** Why a header could not be read. */
export class GgufReadError extends Error {
  override readonly name = 'GgufReadError';
  readonly code = 'GGUF_UNREADABLE';

  constructor(
    readonly source: string,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`cannot read the GGUF header of ${source}: ${detail}. Check that the path or https URL points at a .gguf file`, { cause });
  }
}

function isRemote(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/**
 * Reads the metadata and tensor infos of a local file or an https URL. Only the header is read;
 * @huggingface/gguf fetches byte ranges for URLs.
 */
export async function readGgufHeader(source: string): Promise<GgufHeader> {
  if (/^http:\/\//i.test(source)) {
    throw new GgufReadError(source, new Error('plain http is not accepted; use an https URL'));
  }
  try {
    const parsed = await gguf(source, { allowLocalFile: !isRemote(source) });
    const metadata: Record<string, MetadataValue> = {};
    for (const [key, value] of Object.entries(parsed.metadata)) metadata[key] = value as MetadataValue;
    const tensors = parsed.tensorInfos.map((info) => ({
      name: info.name,
      shape: info.shape.map((dim) => Number(dim)),
      type: info.dtype,
      offset: info.offset,
    }));
    return { source, metadata, tensors };
  } catch (error) {
    throw new GgufReadError(source, error);
  }
}
