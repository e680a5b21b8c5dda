import { byCodePoint } from './order.js';
/** A property key: bare when it is an identifier, quoted otherwise. */
export function renderKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : renderLiteral(key);
}

/**
 * Renders plain data as a TypeScript literal: keys sorted, single-quoted strings, one property
 * per line, so output is deterministic and diffs stay small. The formatter fixes indentation.
 */
export function renderLiteral(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map(renderLiteral);
    return items.some((item) => item.includes('\n')) ? `[\n${items.join(',\n')},\n]` : `[${items.join(', ')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => byCodePoint(a, b))
      .map(([key, entry]) => `${renderKey(key)}: ${renderLiteral(entry)}`);
    return entries.length === 0 ? '{}' : `{\n${entries.join(',\n')},\n}`;
  }
  throw new TypeError(`cannot render ${typeof value} as a literal; plugins hold plain data only`);
}

/** JSON with sorted keys, for the language-neutral table. */
export function sortedJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => byCodePoint(a, b))
        .map(([key, entry]) => [key, sortedJson(entry)]),
    );
  }
  return value;
}
