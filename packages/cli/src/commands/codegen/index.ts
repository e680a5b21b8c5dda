import { JOURNAL_PATH, checkGenerated, generate, interruptedChange, rollBackInterrupted, writeGenerated } from '@arch-registry/codegen';
import type { Command } from '../../command.js';
import { findRepoRoot } from '../../repo-root.js';

export const codegenCommand: Command = {
  name: 'codegen',
  summary: 'Regenerates every generated file (typed tables, dispatch code, Go tables, registry.json, docs) from the plugins; with --check writes nothing and fails naming each stale, missing or extra file.',
  usage: 'arch-registry codegen [--check] [--json]',
  options: [
    { names: ['--check'], description: 'compare with a fresh run instead of writing; exit 1 when anything differs' },
    { names: ['--json'], description: 'print { changed: [{ path, problem }] }' },
  ],
  examples: ['arch-registry codegen', 'arch-registry codegen --check'],
  async run(args, io) {
    const root = findRepoRoot();
    const check = args.options.check === true;
    if (check) {
      const pending = await interruptedChange(root);
      if (pending !== null) {
        io.stderr(`"${pending}" was interrupted (${JOURNAL_PATH} is left): run arch-registry codegen to roll it back\n`);
        return 1;
      }
    } else {
      const recovered = await rollBackInterrupted(root);
      if (recovered !== null) io.stdout(`${recovered}\n`);
    }
    const files = await generate(root);
    const changes = check ? await checkGenerated(root, files) : await writeGenerated(root, files);
    if (args.options.json === true) io.stdout(`${JSON.stringify({ checked: check, files: files.length, changed: changes }, null, 2)}\n`);
    else {
      for (const change of changes) io.stdout(`${check ? change.problem : change.problem === 'extra' ? 'removed' : 'wrote'} ${change.path}\n`);
      io.stdout(changes.length === 0 ? `${files.length} generated files are up to date\n` : `${changes.length} file(s) ${check ? 'differ from a fresh run: run arch-registry codegen and commit' : 'changed'}\n`);
    }
    return check && changes.length > 0 ? 1 : 0;
  },
};
