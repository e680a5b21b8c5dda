/**
 * A small structural validator that reports every problem with its field path.
 * Hand-rolled so plugin errors read like the plugin (`layers.window.default`), not like a schema library.
 */
export interface Issue {
  /** Dotted field path, e.g. `attention.softcap.cite.fn`. */
  readonly path: string;
  /** What was expected there, in words a contributor can act on. */
  readonly expected: string;
  /** A short rendering of what was found. */
  readonly found: string;
}

export type Check = (value: unknown, path: string, issues: Issue[]) => void;

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  // A TODO(fact) left by `arch-registry add` says what to look up: never cut it.
  if (typeof value === 'string') return JSON.stringify(value.length > 40 && !value.startsWith('TODO(fact)') ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

export const isString =
  (pattern?: RegExp, hint = 'a non-empty string'): Check =>
  (value, path, issues) => {
    if (typeof value !== 'string' || value.length === 0 || (pattern !== undefined && !pattern.test(value))) {
      issues.push({ path, expected: hint, found: describe(value) });
    }
  };

export const isBoolean: Check = (value, path, issues) => {
  if (typeof value !== 'boolean') issues.push({ path, expected: 'true or false', found: describe(value) });
};

export const isInteger =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (value, path, issues) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      issues.push({ path, expected: `an integer from ${min} to ${max}`, found: describe(value) });
    }
  };

export const isNumber: Check = (value, path, issues) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    issues.push({ path, expected: 'a finite number', found: describe(value) });
  }
};

export const oneOf =
  (choices: readonly (string | number | boolean | null)[]): Check =>
  (value, path, issues) => {
    if (!choices.includes(value as string)) {
      issues.push({ path, expected: `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, found: describe(value) });
    }
  };

export const optional =
  (inner: Check): Check =>
  (value, path, issues) => {
    if (value !== undefined) inner(value, path, issues);
  };

export const nullable =
  (inner: Check): Check =>
  (value, path, issues) => {
    if (value !== null) inner(value, path, issues);
  };

export const arrayOf =
  (item: Check, minLength = 0): Check =>
  (value, path, issues) => {
    if (!Array.isArray(value) || value.length < minLength) {
      issues.push({ path, expected: `an array of at least ${minLength}`, found: describe(value) });
      return;
    }
    value.forEach((entry, index) => item(entry, join(path, index), issues));
  };

/** An object with exactly these keys: unknown keys are reported so typos never pass silently. */
export const object =
  (shape: Readonly<Record<string, Check>>): Check =>
  (value, path, issues) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      issues.push({ path, expected: 'an object', found: describe(value) });
      return;
    }
    const record = value as Record<string, unknown>;
    for (const [key, check] of Object.entries(shape)) check(record[key], join(path, key), issues);
    for (const key of Object.keys(record)) {
      if (!(key in shape)) {
        issues.push({ path: join(path, key), expected: `no such field (known: ${Object.keys(shape).join(', ')})`, found: describe(record[key]) });
      }
    }
  };

/** A tagged union on `type`: picks the shape by tag, reports an unknown tag with the known ones. */
export const tagged =
  (shapes: Readonly<Record<string, Readonly<Record<string, Check>>>>): Check =>
  (value, path, issues) => {
    const tag = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    const shape = typeof tag === 'string' ? shapes[tag] : undefined;
    if (shape === undefined) {
      issues.push({ path: join(path, 'type'), expected: `one of ${Object.keys(shapes).map((t) => JSON.stringify(t)).join(', ')}`, found: describe(tag) });
      return;
    }
    object({ type: oneOf([tag as string]), ...shape })(value, path, issues);
  };

export const citeCheck: Check = object({
  file: isString(/^(src|ggml|common|include|tools)\/[\w./-]+\.(cpp|c|h|cu|cuh|m|metal|comp)$/, 'a path in the llama.cpp tree such as "src/models/llama.cpp"'),
  fn: isString(undefined, 'the function or table that states the fact'),
  note: optional(isString()),
});

/** A `{ value, cite }` pair. */
export const factOf = (inner: Check): Check => object({ value: inner, cite: citeCheck });
