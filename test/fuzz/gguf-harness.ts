/*
 * Runs one fuzz case through readGgufHeader and checks the contract: the outcome is a header or a
 * GgufError (never INTERNAL, never another exception), within 1 s, with an offset inside the input
 * and a message without "undefined"/"NaN". A failing input is written to test/fuzz/corpus/.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { bufferSource, GgufError, type GgufHeader, readGgufHeader, type ReadGgufOptions } from '@arch-registry/core';

export const CORPUS_DIR = path.join(import.meta.dirname, 'corpus');
/** Longest a single case may take. */
export const CASE_LIMIT_MS = 1000;

export interface FuzzStats {
  cases: number;
  ok: number;
  codes: Map<string, number>;
  slowestMs: number;
  slowestCase: string;
  baselineHeap: number;
  peakHeap: number;
  failures: string[];
}

export function newStats(): FuzzStats {
  const heap = getHeapStatistics().used_heap_size;
  return { cases: 0, ok: 0, codes: new Map(), slowestMs: 0, slowestCase: '', baselineHeap: heap, peakHeap: heap, failures: [] };
}

/** At most this many new inputs are saved per run, so that one bug does not flood the corpus. */
const MAX_SAVED_PER_RUN = 25;
let saved = 0;

/** Saves an input that broke the contract, named by its hash, and returns the file name. */
export function saveToCorpus(bytes: Uint8Array): string {
  if (saved >= MAX_SAVED_PER_RUN) return '(not saved: enough this run)';
  saved++;
  mkdirSync(CORPUS_DIR, { recursive: true });
  const name = `${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.bin`;
  writeFileSync(path.join(CORPUS_DIR, name), bytes);
  return name;
}

export function corpusFiles(): Array<{ name: string; bytes: Uint8Array }> {
  let names: string[];
  try {
    names = readdirSync(CORPUS_DIR).filter((name) => name.endsWith('.bin'));
  } catch {
    return [];
  }
  return names.sort().map((name) => ({ name, bytes: new Uint8Array(readFileSync(path.join(CORPUS_DIR, name))) }));
}

export type Outcome = { ok: true; header: GgufHeader } | { ok: false; code: string; offset: number };

/** A comparable summary of an outcome (for differential checks between read-ahead sizes). */
export function summary(outcome: Outcome): string {
  if (!outcome.ok) return `${outcome.code}@${outcome.offset}`;
  const { header } = outcome;
  return `ok:${Object.keys(header.metadata).length}:${header.tensors.length}:${header.dataOffset}`;
}

/**
 * Reads `bytes` and checks the contract. Violations are recorded in `stats.failures` (and the
 * input saved to the corpus) rather than thrown, so that a property can report them all.
 */
export async function fuzzCase(stats: FuzzStats, label: string, bytes: Uint8Array, options?: ReadGgufOptions): Promise<Outcome> {
  const started = performance.now();
  let outcome: Outcome;
  let problem: string | undefined;
  try {
    const header = await readGgufHeader(bufferSource(bytes, 'fuzz.gguf'), options);
    outcome = { ok: true, header };
    if (header.bytesRead > bytes.length) problem = `read ${header.bytesRead} bytes of a ${bytes.length}-byte input`;
  } catch (error) {
    if (!(error instanceof GgufError)) {
      problem = `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
      outcome = { ok: false, code: 'UNTYPED', offset: -1 };
    } else {
      outcome = { ok: false, code: error.code, offset: error.offset };
      if (error.code === 'INTERNAL') problem = `INTERNAL: ${error.message}`;
      else if (!Number.isSafeInteger(error.offset) || error.offset < 0 || error.offset > bytes.length) problem = `offset ${error.offset} outside the ${bytes.length}-byte input`;
      else if (/undefined|NaN/.test(error.message)) problem = `message mentions undefined/NaN: ${error.message}`;
    }
  }
  const ms = performance.now() - started;
  stats.cases++;
  if (outcome.ok) stats.ok++;
  else stats.codes.set(outcome.code, (stats.codes.get(outcome.code) ?? 0) + 1);
  if (ms > stats.slowestMs) {
    stats.slowestMs = ms;
    stats.slowestCase = `${label} (${bytes.length} bytes)`;
  }
  const heap = getHeapStatistics().used_heap_size;
  if (heap > stats.peakHeap) stats.peakHeap = heap;
  if (ms > CASE_LIMIT_MS) problem ??= `took ${ms.toFixed(0)} ms`;
  if (problem !== undefined) stats.failures.push(`${label}: ${problem} (saved as corpus/${saveToCorpus(bytes)})`);
  return outcome;
}

export function report(stats: FuzzStats): string {
  const mib = (n: number) => (n / 2 ** 20).toFixed(1);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const codes = [...stats.codes.entries()].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`).join(', ');
  return [
    `${stats.cases} cases: ${stats.ok} headers read, ${stats.cases - stats.ok} typed errors (${codes})`,
    `slowest case ${stats.slowestMs.toFixed(1)} ms: ${stats.slowestCase}`,
    `heap after each case: baseline ${mib(stats.baselineHeap)} MiB, peak ${mib(stats.peakHeap)} MiB (growth ${mib(stats.peakHeap - stats.baselineHeap)} MiB); worker peak RSS ${mib(maxRss)} MiB`,
  ].join('\n');
}
