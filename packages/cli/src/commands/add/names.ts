import { ARCH_NAME_PATTERN } from '@arch-registry/core/schema';
import { UsageError } from '../../command.js';

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The closest name within a third of the word's length (at least 2 edits), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; score: number } | undefined;
  for (const name of candidates) {
    const score = distance(word, name);
    if (score <= Math.max(2, Math.floor(word.length / 3)) && (best === undefined || score < best.score)) best = { name, score };
  }
  return best?.name;
}

/**
 * Checks a new arch name: the GGUF `general.architecture` string verbatim (lowercase, digits, words
 * joined by `-` or `_`, which archs mix: `gpt-oss`, `ernie4_5-moe`, `nemotron_h`). Never re-cased.
 */
export function checkArchName(name: string | undefined): string {
  if (name === undefined || name === '') throw new UsageError('add needs the architecture name: arch-registry add <arch> [--from model.gguf] [--like <arch>]');
  if (ARCH_NAME_PATTERN.test(name)) return name;
  const lower = name.toLowerCase();
  const hint = lower !== name && ARCH_NAME_PATTERN.test(lower) ? ` GGUF names are lowercase: did you mean "${lower}"?` : '';
  throw new UsageError(
    `"${name}" is not a GGUF architecture name: write general.architecture verbatim, lowercase letters and digits in words joined by "-" or "_" (gpt-oss, ernie4_5-moe, nemotron_h).${hint}`,
  );
}

/** `--like <arch>` must name a plugin of the registry. */
export function checkLike(like: string, known: readonly string[]): string {
  if (known.includes(like)) return like;
  const near = closest(like, known);
  throw new UsageError(`--like ${like}: the registry has no such plugin.${near === undefined ? '' : ` Did you mean "${near}"?`} Plugins: ${known.join(', ')}`);
}
