import { type Cite, upstream } from '@arch-registry/core/schema';
import { Todo } from './draft.js';

/** Citations a plugin file names instead of spelling out: its own consts and `upstream.*`. */
export interface CiteNames {
  readonly hparams: Cite;
  readonly tensors: Cite;
}

const sameCite = (a: Cite, b: Cite) => a.file === b.file && a.fn === b.fn && a.note === b.note;

function isCite(value: object): value is Cite {
  const keys = Object.keys(value);
  return keys.includes('file') && keys.includes('fn') && keys.every((key) => key === 'file' || key === 'fn' || key === 'note');
}

function isFact(value: object): value is { value: unknown; cite: Cite } {
  const keys = Object.keys(value);
  return keys.length === 2 && keys.includes('value') && keys.includes('cite');
}

/** A string literal in the plugins' style: single quotes. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** Numbers as a person writes them: 1e-5 rather than 0.00001. */
export function formatNumber(value: number): string {
  const plain = String(value);
  if (Number.isInteger(value)) return plain;
  const exponent = value.toExponential().replace('e+', 'e');
  return exponent.length < plain.length ? exponent : plain;
}

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name));

/** A per-layer bool array that repeats dense-last or dense-first, as the Array.from that builds it. */
function patternArray(values: readonly boolean[]): string | undefined {
  if (values.length < 8) return undefined;
  for (let period = 2; period <= values.length / 2; period++) {
    if (values.every((value, il) => value === (il % period < period - 1))) return `Array.from({ length: ${values.length} }, (_, il) => il % ${period} < ${period - 1})`;
    if (values.every((value, il) => value === (il % period !== 0))) return `Array.from({ length: ${values.length} }, (_, il) => il % ${period} !== 0)`;
  }
  return undefined;
}

/** Prints plain plugin data as TypeScript on one line: `fact(…)`, `cite(…)`, named citations, `todo(…)`. */
export function printInline(value: unknown, names: CiteNames): string {
  if (value instanceof Todo) return `todo(${quote(`${value.file}: ${value.what}`)})`;
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'boolean')) {
      const built = patternArray(value as boolean[]);
      if (built !== undefined) return built;
    }
    return `[${value.map((item) => printInline(item, names)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    if (isFact(value)) return `fact(${printInline(value.value, names)}, ${printInline(value.cite, names)})`;
    if (isCite(value)) return printCite(value, names);
    const entries = Object.entries(value).filter(([, entry]) => entry !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([name, entry]) => `${key(name)}: ${printInline(entry, names)}`).join(', ')} }`;
  }
  throw new TypeError(`cannot print ${typeof value} in a plugin: plugins hold plain data`);
}

function printCite(value: Cite, names: CiteNames): string {
  if (sameCite(value, names.hparams)) return 'hparams';
  if (sameCite(value, names.tensors)) return 'tensors';
  for (const [name, known] of Object.entries(upstream)) if (sameCite(value, known)) return `upstream.${name}`;
  return `cite(${[value.file, value.fn, ...(value.note === undefined ? [] : [value.note])].map(quote).join(', ')})`;
}

/** An object's entries as `key: value` strings, for templates that lay them out one per line. */
export function printEntries(value: object, names: CiteNames): { key: string; value: string }[] {
  return Object.entries(value)
    .filter(([, entry]) => entry !== undefined)
    .map(([name, entry]) => ({ key: key(name), value: printInline(entry, names) }));
}

/** An object over several lines (indented by `indent` spaces), as multi-field rules are written. */
export function printBlock(value: object, names: CiteNames, indent: number): string {
  if (value instanceof Todo || isFact(value) || isCite(value)) return printInline(value, names);
  const pad = ' '.repeat(indent);
  const lines = printEntries(value, names).map((entry) => `${pad}  ${entry.key}: ${entry.value},`);
  return `{\n${lines.join('\n')}\n${pad}}`;
}
