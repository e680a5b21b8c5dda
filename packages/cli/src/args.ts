import { type OptionSpec, type ParsedArgs, UsageError } from './command.js';

/** The key an option is stored under: its long name without dashes (`--ctx-size` → `ctx-size`). */
export function optionKey(spec: OptionSpec): string {
  const long = spec.names.find((name) => name.startsWith('--')) ?? spec.names[0] ?? '';
  return long.replace(/^-+/, '');
}

/**
 * Parses argv against option specs. Accepts `--name value`, `--name=value` and llama.cpp's
 * multi-letter short flags (`-fa on`, `-ctk q8_0`). Unknown flags and bad choices are usage errors.
 */
export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map<string, OptionSpec>();
  for (const spec of specs) for (const name of spec.names) byName.set(name, spec);
  const positionals: string[] = [];
  const options: Record<string, string | boolean | readonly string[] | undefined> = {};
  for (const spec of specs) options[optionKey(spec)] = spec.value === undefined ? false : spec.repeatable === true ? [] : spec.default;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const [name = '', inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const spec = byName.get(name);
    if (spec === undefined) {
      const known = specs.flatMap((s) => s.names).join(', ');
      throw new UsageError(`unknown option ${name}; known options: ${known}`);
    }
    if (spec.value === undefined) {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      options[optionKey(spec)] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`${name} needs a value (${spec.value})`);
    if (spec.choices !== undefined && !spec.choices.includes(value)) {
      throw new UsageError(`${name} ${value} is not one of ${spec.choices.join(', ')}`);
    }
    const key = optionKey(spec);
    const previous = options[key];
    options[key] = spec.repeatable === true ? [...(Array.isArray(previous) ? previous : []), value] : value;
  }
  return { positionals, options };
}
