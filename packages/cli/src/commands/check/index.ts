import { JOURNAL_PATH, RegistryLoadError, checkGenerated, generate, interruptedChange } from '@arch-registry/codegen';
import type { Command } from '../../command.js';
import { findRepoRoot } from '../../repo-root.js';

interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly problems: readonly string[];
}

export const checkCommand: Command = {
  name: 'check',
  summary:
    'Validates every plugin against the schema (each problem names the plugin, file and field), and checks that every generated file equals a fresh codegen run, so a stale table or a hand-edited generated file fails.',
  usage: 'arch-registry check [--json]',
  options: [{ names: ['--json'], description: 'print { ok, checks: [{ name, ok, problems }] }' }],
  examples: ['arch-registry check', 'arch-registry check --json'],
  async run(args, io) {
    const root = findRepoRoot();
    const checks: CheckResult[] = [];
    try {
      const files = await generate(root);
      checks.push({ name: 'plugins', ok: true, problems: [] });
      const stale = await checkGenerated(root, files);
      checks.push({
        name: 'generated files',
        ok: stale.length === 0,
        problems: stale.map((entry) => `${entry.path}: ${entry.problem === 'stale' ? 'differs from a fresh run (edited by hand, or plugins changed without codegen)' : entry.problem}`),
      });
    } catch (error) {
      if (!(error instanceof RegistryLoadError)) throw error;
      checks.push({ name: 'plugins', ok: false, problems: error.problems.map((problem) => problem.message) });
    }
    const pending = await interruptedChange(root);
    checks.push({ name: 'no interrupted change', ok: pending === null, problems: pending === null ? [] : [`"${pending}" was interrupted (${JOURNAL_PATH} is left): run arch-registry codegen to roll it back`] });
    const ok = checks.every((check) => check.ok);
    if (args.options.json === true) io.stdout(`${JSON.stringify({ ok, checks }, null, 2)}\n`);
    else {
      for (const check of checks) {
        io.stdout(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}\n`);
        for (const problem of check.problems) io.stdout(`     ${problem.replace(/\n/g, '\n     ')}\n`);
      }
      if (!ok) io.stdout('Fix the plugins named above, then run arch-registry codegen.\n');
    }
    return ok ? 0 : 1;
  },
};
