import { type Command, type Io, UsageError } from './command.js';
import { parseArgs } from './args.js';
import { renderError } from './errors.js';
import { renderHelp, renderOverview } from './help.js';

/** Registered commands; each module is imported only when its command runs. */
export const COMMANDS: Readonly<Record<string, { readonly summary: string; readonly load: () => Promise<Command> }>> = {
  plan: {
    summary: 'Plan memory per device: exact KV bytes, weights, compute, and the largest context that fits each cache type',
    load: async () => (await import('./commands/plan/index.js')).planCommand,
  },
  add: {
    summary: 'Scaffold a new architecture plugin (from a GGUF header and/or an existing arch), its docs page and changeset',
    load: async () => (await import('./commands/add/index.js')).addCommand,
  },
  list: { summary: 'List the registry’s architectures with their status and which backends allow flash attention', load: async () => (await import('./commands/list/index.js')).listCommand },
  check: { summary: 'Validate every plugin and check that generated files are fresh and not edited by hand', load: async () => (await import('./commands/check/index.js')).checkCommand },
  codegen: { summary: 'Regenerate the typed tables, Go tables, JSON and docs from the plugins', load: async () => (await import('./commands/codegen/index.js')).codegenCommand },
  inspect: { summary: 'Show a GGUF model\'s arch, hparams, per-layer table and the FA / KV-cache decision per backend', load: async () => (await import('./commands/inspect/index.js')).inspectCommand },
};

function defaultIo(): Io {
  const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
  return { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), color };
}

/** Runs the CLI; returns the exit status (0 ok, 1 failure, 2 usage error or refused request). */
export async function main(argv: readonly string[], io: Io = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(renderOverview(COMMANDS));
    return name === undefined ? 2 : 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (entry === undefined) {
    io.stderr(renderError(new UsageError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}`), io));
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(renderHelp(command));
    return 0;
  }
  try {
    return await command.run(parseArgs(rest, command.options), io);
  } catch (error) {
    io.stderr(renderError(error, io));
    return error instanceof UsageError ? 2 : 1;
  }
}
export type { Command, Io, OptionSpec, ParsedArgs } from './command.js';
