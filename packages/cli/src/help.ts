import type { Command } from './command.js';

export function renderOverview(commands: Readonly<Record<string, { readonly summary: string }>>): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
  return `Usage: arch-registry <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun arch-registry <command> --help for a command's options and examples.\n`;
}

export function renderHelp(command: Command): string {
  const specs = command.options.map((spec) => {
    const names = `${spec.names.join(', ')}${spec.value === undefined ? '' : ` <${spec.value}>`}`;
    const extra = [spec.choices ? `one of ${spec.choices.join('|')}` : '', spec.default ? `default ${spec.default}` : ''].filter(Boolean).join('; ');
    return { names, text: extra === '' ? spec.description : `${spec.description} (${extra})` };
  });
  const width = Math.max(0, ...specs.map((spec) => spec.names.length));
  return [
    `Usage: ${command.usage}`,
    '',
    command.summary,
    '',
    'Options:',
    ...specs.map((spec) => `  ${spec.names.padEnd(width)}  ${spec.text}`),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
  ].join('\n');
}
