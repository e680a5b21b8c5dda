import { type Command, UsageError } from '../../command.js';
import { findRepoRoot } from '../../repo-root.js';
import { addArch } from './add-arch.js';
import { renderAddResult } from './messages.js';

export const addCommand: Command = {
  name: 'add',
  summary:
    'Scaffolds a new architecture plugin: reads a GGUF header (local or https) and/or starts from an existing plugin, pre-fills every fact the metadata and tensor infos give, leaves the rest as TODO(fact) fields that fail validation, renders the plugin, its docs page and a changeset from templates/, and registers it by re-running codegen. All or nothing: a failure leaves the repository as it was.',
  usage: 'arch-registry add <arch> [--from <model.gguf|https-url>] [--like <existing arch>] [--dry-run]',
  options: [
    { names: ['--from'], value: 'gguf', description: 'a GGUF file or https URL whose header (metadata and tensor infos) gives the facts; only the header is read' },
    { names: ['--like'], value: 'arch', description: 'an existing plugin to start from; --from overrides what its header says' },
    { names: ['--dry-run'], description: 'show what would be created and registered, write nothing' },
  ],
  examples: [
    'arch-registry add exaone4 --from EXAONE-4.0-32B-Q4_K_M.gguf',
    'arch-registry add my-arch --from https://huggingface.co/org/repo/resolve/main/model.gguf --like llama',
    'arch-registry add my-arch --like qwen3 --dry-run',
  ],
  async run(args, io) {
    const [name, ...extra] = args.positionals;
    if (extra.length > 0) throw new UsageError(`add takes one architecture name, got ${args.positionals.length}: ${args.positionals.join(' ')}`);
    const from = typeof args.options.from === 'string' ? args.options.from : undefined;
    const like = typeof args.options.like === 'string' ? args.options.like : undefined;
    const result = await addArch({
      root: findRepoRoot(),
      name,
      ...(from === undefined ? {} : { from }),
      ...(like === undefined ? {} : { like }),
      dryRun: args.options['dry-run'] === true,
      progress: (line) => io.stderr(`${line}\n`),
    });
    io.stdout(renderAddResult(result));
    return 0;
  },
};
