import { ModelError } from './errors.js';

/** A GGUF metadata value as the header reader returns it (u64/i64 beyond 2^53 are bigints). */
export type MetadataScalar = number | bigint | string | boolean;
export type MetadataValue = MetadataScalar | readonly MetadataValue[];

/** GGUF metadata: key → value, keys with their arch prefix as in the file. */
export type Metadata = Readonly<Record<string, MetadataValue>>;

/** Reads keys of one arch's metadata with typed errors that name the key and the file. */
export class MetadataReader {
  constructor(
    readonly metadata: Metadata,
    readonly arch: string,
    readonly file: string | undefined,
  ) {}

  /** Full key with the arch prefix. */
  key(name: string): string {
    return `${this.arch}.${name}`;
  }

  has(name: string): boolean {
    return this.metadata[this.key(name)] !== undefined;
  }

  isArray(name: string): boolean {
    return Array.isArray(this.metadata[this.key(name)]);
  }

  private fail(code: 'MISSING_KEY' | 'BAD_VALUE' | 'BAD_ARRAY_LENGTH', name: string, problem: string, fix: string): never {
    throw new ModelError(code, this.key(name), this.file, problem, fix);
  }

  private toUint(name: string, value: MetadataValue | undefined): number {
    const number = typeof value === 'bigint' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 0) {
      this.fail('BAD_VALUE', name, `key ${this.key(name)} must be a non-negative integer, found ${JSON.stringify(String(value))}`, 'Re-convert the model or fix the key with a GGUF editor');
    }
    return number;
  }

  /** A required unsigned integer. */
  uint(name: string): number {
    const value = this.metadata[this.key(name)];
    if (value === undefined) {
      this.fail('MISSING_KEY', name, `required key ${this.key(name)} is missing`, `The runtime refuses to load without it; add ${this.key(name)} (see the model's config.json)`);
    }
    if (Array.isArray(value)) this.fail('BAD_VALUE', name, `key ${this.key(name)} must be a number, found an array`, 'Write a single number');
    return this.toUint(name, value);
  }

  /** An optional unsigned integer. */
  uintOr(name: string, fallback: number): number {
    return this.has(name) ? this.uint(name) : fallback;
  }

  /** An optional finite number (floats such as rms eps, softcap, max_alibi_bias). */
  numberOr(name: string, fallback: number): number {
    const value = this.metadata[this.key(name)];
    if (value === undefined) return fallback;
    const number = typeof value === 'bigint' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number)) {
      this.fail('BAD_VALUE', name, `key ${this.key(name)} must be a finite number, found ${JSON.stringify(String(value))}`, 'Fix the key value');
    }
    return number;
  }

  boolOr(name: string, fallback: boolean): boolean {
    const value = this.metadata[this.key(name)];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail('BAD_VALUE', name, `key ${this.key(name)} must be a bool, found ${JSON.stringify(String(value))}`, 'Write true or false');
    return value;
  }

  /**
   * `get_key_or_arr`: a scalar repeated for every layer, or a per-layer array that must have
   * exactly `length` entries (`key <k> has wrong array length; expected N, got M`).
   */
  uintPerLayer(name: string, length: number, fallback: readonly number[] | undefined): number[] {
    const value = this.metadata[this.key(name)];
    if (value === undefined) {
      if (fallback === undefined) {
        this.fail('MISSING_KEY', name, `required key ${this.key(name)} is missing`, `Add ${this.key(name)} as a number or a per-layer array of ${length}`);
      }
      return [...fallback];
    }
    if (Array.isArray(value)) {
      if (value.length !== length) {
        this.fail(
          'BAD_ARRAY_LENGTH',
          name,
          `key ${this.key(name)} has wrong array length; expected ${length}, got ${value.length}`,
          `Give one entry per block (${this.key('block_count')} = ${length})`,
        );
      }
      return value.map((entry: MetadataValue) => this.toUint(name, entry));
    }
    const scalar = this.toUint(name, value as MetadataValue);
    return Array.from({ length }, () => scalar);
  }

  /** A per-layer bool array (values may be stored as bools or integers). */
  boolArray(name: string): boolean[] {
    const value = this.metadata[this.key(name)];
    if (!Array.isArray(value)) this.fail('BAD_VALUE', name, `key ${this.key(name)} must be a per-layer array`, 'Write one bool per layer');
    return value.map((entry: MetadataValue) => entry === true || (typeof entry === 'number' && entry !== 0) || (typeof entry === 'bigint' && entry !== 0n));
  }
}
