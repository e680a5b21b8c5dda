/**
 * Where a fact comes from: a file and function in the pinned llama.cpp source
 * (node-llama-cpp 3.21.1 bundles llama.cpp v0.4.0; `git clone
 * node_modules/node-llama-cpp/llama/gitRelease.bundle` to read it).
 */
export interface Cite {
  /** Path inside the llama.cpp tree, e.g. `src/models/exaone4.cpp`. */
  readonly file: string;
  /** Function (or table) that states the fact, e.g. `llama_model_exaone4::load_arch_hparams`. */
  readonly fn: string;
  /** Optional one-line gloss when the function alone does not make the fact obvious. */
  readonly note?: string;
}

/** A value together with the upstream place that makes it true. */
export interface Fact<T> {
  readonly value: T;
  readonly cite: Cite;
}

/** The source every citation points into. */
export const PINNED_SOURCE = {
  runtime: 'node-llama-cpp@3.21.1',
  llamaCpp: 'v0.4.0',
  commit: '80fb11ac73e66d89eae2c6a91d8a77428fa733ed',
} as const;

/** Builds a citation; keeps plugin files short. */
export function cite(file: string, fn: string, note?: string): Cite {
  return note === undefined ? { file, fn } : { file, fn, note };
}

/** Builds a fact from a value and its citation. */
export function fact<const T>(value: T, source: Cite): Fact<T> {
  return { value, cite: source };
}
