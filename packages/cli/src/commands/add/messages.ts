import type { AddResult } from './add-arch.js';

const list = (title: string, lines: readonly string[]): string[] => (lines.length === 0 ? [] : ['', title, ...lines.map((line) => `  ${line}`)]);

/** What `add` prints: the files, where the facts came from, what to check, and the next two commands. */
export function renderAddResult(result: AddResult): string {
  const { name, draft } = result;
  const verb = result.dryRun ? 'would create' : 'created';
  const update = result.dryRun ? 'would update' : 'updated';
  const lines: string[] = [`add ${name}: from ${draft.sources.length === 0 ? 'the name alone' : draft.sources.join(' and ')}`, ''];
  for (const file of result.created) lines.push(`${verb.padEnd(12)} ${file}`);
  for (const change of result.generated) lines.push(`${(change.problem === 'extra' ? (result.dryRun ? 'would remove' : 'removed') : update).padEnd(12)} ${change.path}`);
  if (result.registered && result.generated.length === 0) lines.push(`${''.padEnd(12)} (codegen: the generated files need no change)`);

  lines.push(...list('read from the sources:', draft.derived.map((item) => `${item.path}: ${item.why}`)));
  lines.push(...list(`assumed, check against ${draft.tensors.cite.file} before you commit (also listed in docs/archs/${name}.md):`, draft.review.map((item) => `${item.path}: ${item.why}`)));
  lines.push(...list('warnings:', result.warnings));
  if (result.todos.length > 0) {
    lines.push(
      ...list(
        `${result.todos.length} TODO(fact) field(s): the plugin fails validation until each holds the value and its citation, so codegen has not registered it yet:`,
        result.todos.map((todo) => `${todo.path}: ${todo.what} (${todo.file})`),
      ),
    );
  }

  const commit = `git add registry/archs/${name} docs .changeset packages/core/src/generated && git commit -m "Add the ${name} architecture"`;
  const next = result.registered ? [`npm run test:contract -- --arch ${name}`, commit] : [`edit registry/archs/${name}/index.ts, then npx arch-registry codegen`, `npm run test:contract -- --arch ${name}`, commit];
  lines.push(...list(result.dryRun ? 'dry run: nothing was written. Without --dry-run, next:' : 'next:', next));
  return `${lines.join('\n')}\n`;
}
