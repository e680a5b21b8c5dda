import type { ArchPlugin, Cite, LayerSelector, TensorDecl } from '@arch-registry/core/schema';

/**
 * A fact `add` could not derive. It is rendered as `todo('…')`, whose value is the string
 * `TODO(fact): <file>: <what>`: the schema rejects it wherever it sits, so validation fails naming the
 * field path, and the first words of the value say which upstream file to read.
 */
export class Todo {
  constructor(
    /** The pinned llama.cpp file that states the fact, e.g. `src/models/exaone4.cpp`. */
    readonly file: string,
    /** What to look up there. */
    readonly what: string,
  ) {}

  /** The marker the plugin's `todo()` helper returns; starts with the file so truncated messages keep it. */
  get text(): string {
    return `${TODO_PREFIX} ${this.file}: ${this.what}`;
  }
}

export const TODO_PREFIX = 'TODO(fact):';

/** `T` where any part may still be a Todo. */
export type Draftable<T> = T extends string | number | boolean | null | undefined
  ? T | Todo
  : T extends readonly (infer U)[]
    ? readonly Draftable<U>[] | Todo
    : T extends object
      ? { readonly [K in keyof T]: Draftable<T[K]> } | Todo
      : T | Todo;

/** One derived tensor declaration, with what the header allowed it to be. */
export interface DraftDecl {
  readonly name: string;
  readonly shape: readonly (string | number | Todo)[];
  readonly layers?: LayerSelector | Todo;
  readonly optional?: boolean;
  /** The tensors this optional one stands in for (TensorDecl.insteadOf). */
  readonly insteadOf?: readonly string[];
  readonly init?: 'random' | 'ones' | 'zeros';
  /** Kept from a --like plugin: the loader branch the tensor belongs to. */
  readonly when?: TensorDecl['when'];
  /** Per dimension: every expression that gave the header's number (the chosen one first). */
  readonly matches?: readonly (readonly string[])[];
  /** Comment lines printed above the declaration. */
  readonly comment?: readonly string[];
}

/** A fact taken on an assumption: the plugin validates, but a person must check it. */
export interface ReviewItem {
  readonly path: string;
  readonly why: string;
}

/** The plugin's fields except `tensors`, any part of which may be a Todo. */
export type DraftPlugin = { readonly [K in keyof ArchPlugin as K extends 'tensors' ? never : K]: Draftable<ArchPlugin[K]> };

/** The tensor layout with what the header allowed each width to be. */
export interface DraftTensors {
  readonly global: readonly DraftDecl[] | Todo;
  readonly perLayer: readonly DraftDecl[] | Todo;
  readonly cite: Cite;
}

/** Everything `add` knows about the new plugin before it is rendered. */
export interface Draft {
  readonly plugin: DraftPlugin;
  readonly tensors: DraftTensors;
  /** Comment lines above a section of the plugin: `layers`, `perLayer`, `contract`. */
  readonly comments: Readonly<Record<string, readonly string[]>>;
  /** Facts read from the header, for the report: path → the evidence. */
  readonly derived: readonly ReviewItem[];
  readonly review: readonly ReviewItem[];
  /** Where the facts came from, in words (`the header of model.gguf`, `--like exaone4`). */
  readonly sources: readonly string[];
  /** Problems found while scaling the contract model down (ambiguous widths...). */
  readonly warnings: readonly string[];
}

/** The tag of a tagged union that may still be a Todo (`layers`, `layers.activation`). */
export function tagOf(value: unknown): string | undefined {
  if (value instanceof Todo || typeof value !== 'object' || value === null) return undefined;
  const tag = (value as { type?: unknown }).type;
  return typeof tag === 'string' ? tag : undefined;
}

/** Every Todo in a value, with its field path (`layers.period`, `tensors.perLayer[3].shape[1]`). */
export function findTodos(value: unknown, path = ''): { path: string; todo: Todo }[] {
  if (value instanceof Todo) return [{ path, todo: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => findTodos(item, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, entry]) => findTodos(entry, path === '' ? key : `${path}.${key}`));
  }
  return [];
}
