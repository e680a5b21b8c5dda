/**
 * `npm run codegen` writes the generated files; `npm run codegen:check` (`--check`) writes nothing
 * and exits 1 naming each stale, missing or extra file.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JOURNAL_PATH, checkGenerated, generate, interruptedChange, rollBackInterrupted, writeGenerated } from '@arch-registry/codegen';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

try {
  if (check) {
    const pending = await interruptedChange(root);
    if (pending !== null) {
      console.error(`codegen:check failed: "${pending}" was interrupted (${JOURNAL_PATH} is left). Run \`npm run codegen\` to roll it back.`);
      process.exit(1);
    }
  } else {
    const recovered = await rollBackInterrupted(root);
    if (recovered !== null) console.log(recovered);
  }
  const files = await generate(root);
  if (check) {
    const problems = await checkGenerated(root, files);
    for (const problem of problems) console.error(`${problem.problem}: ${problem.path}`);
    if (problems.length > 0) {
      console.error(`codegen:check failed: ${problems.length} generated file(s) differ from a fresh run. Run \`npm run codegen\` and commit the result.`);
      process.exit(1);
    }
    console.log(`codegen:check ok: ${files.length} generated files are up to date`);
  } else {
    const changes = await writeGenerated(root, files);
    for (const change of changes) console.log(`${change.problem === 'extra' ? 'removed' : 'wrote'} ${change.path}`);
    console.log(changes.length === 0 ? `codegen: ${files.length} files already up to date` : `codegen: ${changes.length} file(s) changed`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
