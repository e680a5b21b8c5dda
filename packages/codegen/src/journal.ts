import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomic } from './run-codegen.js';

/**
 * Where a change in progress records how to undo itself, relative to the repository root
 * (`tmp/` is git-ignored). Present only between the first and the last write of a change.
 */
export const JOURNAL_PATH = 'tmp/arch-registry.journal.json';

/** What a multi-file change must undo if it is interrupted. Paths are relative to the root. */
interface JournalRecord {
  readonly version: 1;
  /** The command that wrote it, for messages. */
  readonly what: string;
  /** Files and folders the change creates; none exists when it begins. */
  readonly created: readonly string[];
  /** Folders made to hold them, removed again when empty. */
  readonly createdDirs: readonly string[];
  /** Files the change rewrites or removes, with a copy of their content (null: absent before). */
  readonly overwritten: readonly { readonly path: string; readonly backup: string | null }[];
  /** The change's scratch folder, removed by a rollback. */
  readonly scratch: string;
}

export interface JournaledPlan {
  readonly what: string;
  readonly created: readonly string[];
  readonly overwritten: readonly string[];
  /** A folder under the root that the change owns; backups go there. */
  readonly scratch: string;
}

/**
 * A change to several files that a kill cannot leave half-done for good: `begin` copies every file
 * it will overwrite into the scratch folder and writes the journal (atomically) before anything
 * changes; `commit` removes the journal once the last write is done. A journal found later means a
 * kill hit in between: `rollBackInterrupted` puts every file back, and can itself be interrupted
 * and rerun.
 */
export class JournaledChange {
  private constructor(
    private readonly root: string,
    private readonly record: JournalRecord,
  ) {}

  static async begin(root: string, plan: JournaledPlan): Promise<JournaledChange> {
    if (existsSync(path.join(root, JOURNAL_PATH))) throw new Error(`${JOURNAL_PATH} exists: an earlier change was interrupted; run arch-registry codegen to roll it back first`);
    const createdDirs: string[] = [];
    for (const file of plan.created) {
      for (let dir = path.dirname(file); dir !== '.' && !existsSync(path.join(root, dir)); dir = path.dirname(dir)) {
        if (!createdDirs.includes(dir)) createdDirs.push(dir);
      }
    }
    const overwritten = [];
    for (const [index, file] of plan.overwritten.entries()) {
      const source = path.join(root, file);
      if (!existsSync(source)) {
        overwritten.push({ path: file, backup: null });
        continue;
      }
      const backup = path.join(plan.scratch, 'journal-backup', String(index));
      await mkdir(path.dirname(path.join(root, backup)), { recursive: true });
      await cp(source, path.join(root, backup));
      overwritten.push({ path: file, backup });
    }
    const record: JournalRecord = { version: 1, what: plan.what, created: plan.created, createdDirs, overwritten, scratch: plan.scratch };
    await writeAtomic(path.join(root, JOURNAL_PATH), `${JSON.stringify(record, null, 2)}\n`);
    return new JournaledChange(root, record);
  }

  /** The change is complete: from now on a kill leaves the new state. */
  async commit(): Promise<void> {
    await rm(path.join(this.root, JOURNAL_PATH), { force: true });
  }

  /** Undoes the change (after an error in this process); returns the steps that failed. */
  async rollBack(): Promise<string[]> {
    return rollBackRecord(this.root, this.record);
  }
}

async function rollBackRecord(root: string, record: JournalRecord): Promise<string[]> {
  const failures: string[] = [];
  const step = async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  for (const entry of record.overwritten) {
    const target = path.join(root, entry.path);
    const backup = entry.backup;
    if (backup === null) await step(`remove ${entry.path}`, () => rm(target, { force: true }));
    else await step(`restore ${entry.path}`, async () => writeAtomic(target, await readFile(path.join(root, backup), 'utf8')));
  }
  for (const created of record.created) await step(`remove ${created}`, () => rm(path.join(root, created), { recursive: true, force: true }));
  // Deepest first; a folder something else was put in since stays.
  for (const dir of [...record.createdDirs].sort((a, b) => b.length - a.length)) await rmdir(path.join(root, dir)).catch(() => undefined);
  if (failures.length > 0) return failures;
  await rm(path.join(root, record.scratch), { recursive: true, force: true });
  // Last: while the journal exists, a rerun finishes the rollback.
  await rm(path.join(root, JOURNAL_PATH), { force: true });
  await rmdir(path.join(root, 'tmp')).catch(() => undefined);
  return failures;
}

/** The interrupted change a journal describes, or null when there is none. */
export async function interruptedChange(root: string): Promise<string | null> {
  const text = await readFile(path.join(root, JOURNAL_PATH), 'utf8').catch(() => null);
  if (text === null) return null;
  return (JSON.parse(text) as JournalRecord).what;
}

/**
 * Rolls back a change a kill interrupted, if the journal says there is one; returns a line saying
 * what was undone, or null. Throws when a step cannot be undone (the journal stays for a rerun).
 */
export async function rollBackInterrupted(root: string): Promise<string | null> {
  const text = await readFile(path.join(root, JOURNAL_PATH), 'utf8').catch(() => null);
  if (text === null) return null;
  const record = JSON.parse(text) as JournalRecord;
  const failures = await rollBackRecord(root, record);
  if (failures.length > 0) throw new Error(`could not roll back the interrupted "${record.what}" (${JOURNAL_PATH} kept for a rerun): ${failures.join('; ')}`);
  return `rolled back an interrupted "${record.what}": ${record.created.length} new path(s) removed, ${record.overwritten.length} file(s) restored`;
}
