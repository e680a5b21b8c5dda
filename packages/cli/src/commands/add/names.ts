import { suggest } from '@arch-registry/core';
import { ARCH_NAME_PATTERN } from '@arch-registry/core/schema';
import { UsageError } from '../../command.js';

/** The closest name within a third of the word's length (at least 2 edits), if any. */
export const closest = suggest;

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
