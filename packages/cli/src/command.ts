/** One option, with the llama.cpp spellings where they mean the same thing. */
export interface OptionSpec {
  /** Every spelling, e.g. `['-fa', '--flash-attn']`. */
  readonly names: readonly string[];
  /** Placeholder for the value, or undefined for a boolean flag. */
  readonly value?: string;
  readonly description: string;
  /** Allowed values, checked by the parser. */
  readonly choices?: readonly string[];
  readonly default?: string;
  /** May be given several times; the value is then an array in order (`--device 12GiB --device 24GiB`). */
  readonly repeatable?: boolean;
}

/** What a command receives: positionals and options keyed by their first long name without dashes. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
}

/** Where a command writes; injected so tests can capture output. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when colour may be used (a TTY and no NO_COLOR). */
  readonly color: boolean;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  readonly examples: readonly string[];
  /** Returns the exit status. */
  readonly run: (args: ParsedArgs, io: Io) => Promise<number>;
}

/** A usage error: wrong flags or values. Exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'USAGE';
}
