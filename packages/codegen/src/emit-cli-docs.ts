import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import type { GeneratedFile } from './emit-typescript.js';
import { markdownHeader } from './header.js';

/** What the docs need of a CLI command (packages/cli's `Command`, without `run`). */
interface CommandDoc {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: readonly { names: readonly string[]; value?: string; description: string; choices?: readonly string[]; default?: string }[];
  readonly examples: readonly string[];
}

/**
 * docs/cli.md from the command definitions themselves, so the reference cannot drift from `--help`.
 * Skipped when the tree has no CLI package (codegen run on a bare registry copy).
 */
export async function emitCliDocs(root: string): Promise<GeneratedFile[]> {
  const cli = path.join(root, 'packages', 'cli', 'src', 'cli.ts');
  if (!existsSync(cli)) return [];
  const module = (await import(pathToFileURL(cli).href)) as { COMMANDS: Readonly<Record<string, { load: () => Promise<CommandDoc> }>> };
  const names = Object.keys(module.COMMANDS).sort();
  const commands = await Promise.all(names.map((name) => module.COMMANDS[name]?.load() ?? Promise.reject(new Error(name))));
  const template = Handlebars.compile(await readFile(path.join(root, 'templates', 'docs', 'cli.md.hbs'), 'utf8'), { noEscape: true, strict: true });
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const text = template({
    header: markdownHeader('packages/cli/src/commands/*'),
    commands: commands.map((command) => ({
      name: command.name,
      summary: command.summary,
      usage: command.usage,
      examples: command.examples,
      options: command.options.map((option) => ({
        names: cell(`${option.names.join(', ')}${option.value === undefined ? '' : ` <${option.value}>`}`),
        description: cell([option.description, option.choices ? `one of ${option.choices.join(', ')}` : '', option.default !== undefined ? `default ${option.default}` : ''].filter(Boolean).join('; ')),
      })),
    })),
  });
  return [{ path: 'docs/cli.md', text }];
}
