import type { Metadata } from '../model/metadata.js';

/** One tensor's header entry; shape in ggml order (ne0 first). */
export interface TensorInfo {
  readonly name: string;
  readonly shape: readonly number[];
  /** ggml type id. */
  readonly type: number;
  /** Offset of the tensor's data, relative to the start of the data section. */
  readonly offset: bigint;
}

/** What a GGUF header holds, read without touching tensor data. */
export interface GgufHeader {
  /** The path, or the URL without credentials or query. */
  readonly source: string;
  /**
   * Key → value in file order, on an object without a prototype (a key named `__proto__` is
   * data). u64/i64 values are numbers when they are safe integers, bigints beyond 2^53.
   */
  readonly metadata: Metadata;
  readonly tensors: readonly TensorInfo[];
  /** GGUF format version: 2 or 3. */
  readonly version: number;
  /** `general.alignment`, or 32. */
  readonly alignment: number;
  /** Absolute file offset of the data section (tensor offsets are relative to it). */
  readonly dataOffset: number;
  /** File size in bytes, when the source told it. */
  readonly fileSize: number | undefined;
  /** Bytes fetched from the source, read-ahead included. */
  readonly bytesRead: number;
}
