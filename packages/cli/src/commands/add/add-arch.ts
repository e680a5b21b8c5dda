import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ArchPlugin, type HttpSourceOptions, PluginValidationError } from '@arch-registry/core';
import { type GeneratedFile, JOURNAL_PATH, JournaledChange, type Staleness, checkGenerated, generate, loadRegistry, rollBackInterrupted, writeGenerated } from '@arch-registry/codegen';
import { UsageError } from '../../command.js';
import { type Draft, TODO_PREFIX, findTodos } from './draft.js';
import { buildDraft } from './derive-facts.js';
import { readHeaderModel } from './header-model.js';
import { checkArchName, checkLike } from './names.js';
import { readSourceHeader } from './read-source.js';
import { type RenderedFiles, changesetPath, docsPath, pluginPath, renderFiles } from './render.js';
import { Stage } from './stage.js';
import { verifyContract } from './verify.js';

export interface AddOptions {
  /** The repository: the folder with registry/archs and templates/. */
  readonly root: string;
  readonly name: string | undefined;
  /** A local GGUF path or an https URL; only its header is read. */
  readonly from?: string;
  /** An existing plugin to start from. */
  readonly like?: string;
  /** Do everything but write into the repository. */
  readonly dryRun?: boolean;
  /** Progress lines (remote reads). */
  readonly progress?: (line: string) => void;
  /** Options of https reads (a private CA, a timeout); `HF_TOKEN` is sent to huggingface.co by default. */
  readonly http?: Omit<HttpSourceOptions, 'maxBytes'>;
  /**
   * Called after each step of the commit, for tests: a throw here must leave the repository as it
   * was. `moved`: the new files are in place; `generated`: codegen's files are written too.
   */
  readonly afterStep?: (step: 'moved' | 'generated') => void | Promise<void>;
}

/** A TODO(fact) field left in the plugin. */
export interface TodoField {
  readonly path: string;
  readonly file: string;
  readonly what: string;
}

export interface AddResult {
  readonly name: string;
  readonly dryRun: boolean;
  /** New files, relative to the root. */
  readonly created: readonly string[];
  /** Generated files codegen changed (or would change). */
  readonly generated: readonly Staleness[];
  /** False when TODO(fact) fields keep the plugin from validating, so codegen could not run yet. */
  readonly registered: boolean;
  readonly todos: readonly TodoField[];
  readonly draft: Draft;
  /** Problems found in the contract model or while scaling it down. */
  readonly warnings: readonly string[];
  readonly files: RenderedFiles;
}

/** The add failed after touching the repository and every change was undone. */
export class AddRolledBack extends Error {
  override readonly name = 'AddRolledBack';
  readonly code = 'ADD_ROLLED_BACK';
}

function refuseExisting(root: string, name: string, registry: readonly { file: string; plugin: ArchPlugin }[]): void {
  const folder = `registry/archs/${name}/`;
  if (existsSync(path.join(root, folder))) {
    throw new UsageError(`${folder} already exists: the registry has a plugin for "${name}". add never overwrites; edit ${folder}index.ts instead, or remove the folder first.`);
  }
  const declared = registry.find((entry) => entry.plugin.name === name);
  if (declared !== undefined) throw new UsageError(`${declared.file} already declares an arch named "${name}"; names must be unique.`);
  for (const file of [docsPath(name), changesetPath(name)]) {
    if (existsSync(path.join(root, file))) throw new UsageError(`${file} already exists; add never overwrites: remove it or pick another name.`);
  }
}

/** Imports the staged plugin: validation runs inside defineArch. TODO(fact) issues are expected; others are bugs. */
async function importStaged(file: string, draft: Draft): Promise<ArchPlugin | undefined> {
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: ArchPlugin };
    if (module.default === undefined) throw new Error(`${file} has no default export`);
    return module.default;
  } catch (error) {
    const todos = [...findTodos(draft.plugin), ...findTodos(draft.tensors, 'tensors')].map((todo) => todo.path);
    const issues = error instanceof PluginValidationError ? error.issues : undefined;
    const fromTodo = (issue: { path: string; found: string }) => issue.found.startsWith(`"${TODO_PREFIX}`) || todos.some((at) => issue.path === at || issue.path.startsWith(`${at}.`) || issue.path.startsWith(`${at}[`));
    if (issues !== undefined && todos.length > 0 && issues.every(fromTodo)) return undefined;
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`add rendered a plugin that does not load; nothing was written. This is a bug in arch-registry add:\n${detail}`);
  }
}

/** Moves a staged file or folder into the repository, making its parent folders. */
async function moveInto(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  await rename(from, to);
}

/** Test hook: a pause between the steps of the commit, so a test can kill the process mid-way. */
async function pauseForTests(): Promise<void> {
  const pause = Number(process.env.ARCH_REGISTRY_ADD_PAUSE_MS ?? 0);
  if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
}

/**
 * `arch-registry add`: derives a plugin from a GGUF header and/or an existing plugin, renders it with
 * its docs page and changeset, checks it, runs codegen on a staged view of the registry, and only then
 * moves the files into the repository and writes the generated files. Any failure after the first
 * move undoes every change; a kill leaves a journal that the next add or codegen rolls back.
 */
export async function addArch(options: AddOptions): Promise<AddResult> {
  const { root } = options;
  const name = checkArchName(options.name);
  const recovered = options.dryRun === true ? null : await rollBackInterrupted(root);
  if (recovered !== null) options.progress?.(recovered);
  const registry = await loadRegistry(root);
  refuseExisting(root, name, registry.archs);
  const known = registry.archs.map((entry) => entry.plugin.name);
  const like = options.like === undefined ? undefined : registry.archs.find((entry) => entry.plugin.name === checkLike(options.like ?? '', known))?.plugin;

  let header;
  if (options.from !== undefined) {
    const read = await readSourceHeader(options.from, options.progress ?? (() => undefined), options.http);
    const arch = read.metadata['general.architecture'];
    if (arch !== name) {
      const shown = typeof arch === 'string' ? `"${arch}"` : 'missing';
      throw new UsageError(`${read.source}: general.architecture is ${shown}, not "${name}"; the plugin must be named after it verbatim${typeof arch === 'string' ? ` (arch-registry add ${arch} --from …)` : ''}.`);
    }
    header = readHeaderModel(read, name);
  }

  const draft = buildDraft({ name, ...(header === undefined ? {} : { header }), ...(like === undefined ? {} : { like }) });
  const todos = [...findTodos(draft.plugin), ...findTodos(draft.tensors, 'tensors')].map(({ path: at, todo }) => ({ path: at, file: todo.file, what: todo.what }));
  const generatedBy = `Scaffolded by \`arch-registry add ${name}${options.from === undefined ? '' : ` --from ${header?.source ?? options.from}`}${options.like === undefined ? '' : ` --like ${options.like}`}\`. Every fact cites the pinned llama.cpp source; check the ones docs/archs/${name}.md lists as assumed.`;
  const files = await renderFiles(root, draft, generatedBy);

  const stage = await Stage.open(root, name);
  try {
    const stagedPlugin = await stage.write(files.plugin);
    await stage.write(files.docs);
    await stage.write(files.changeset);
    const plugin = await importStaged(stagedPlugin, draft);
    const warnings = [...draft.warnings, ...(plugin === undefined ? [] : verifyContract(plugin))];
    const generated: GeneratedFile[] = plugin === undefined ? [] : await generate(stage.view);
    const changes = plugin === undefined ? [] : await checkGenerated(root, generated);
    const result: AddResult = {
      name,
      dryRun: options.dryRun === true,
      created: [files.plugin.path, files.docs.path, files.changeset.path],
      generated: changes,
      registered: plugin !== undefined,
      todos,
      draft,
      warnings,
      files,
    };
    if (options.dryRun === true) return result;

    const created = [path.dirname(pluginPath(name)), files.docs.path, files.changeset.path];
    for (const target of created) {
      if (existsSync(path.join(root, target))) throw new UsageError(`${target} appeared while add was running; nothing was changed`);
    }
    // The journal names what to undo if this process dies before the last write (see JournaledChange).
    const change = await JournaledChange.begin(root, {
      what: `arch-registry add ${name}`,
      created,
      overwritten: changes.map((entry) => entry.path),
      scratch: path.relative(root, stage.dir),
    });
    try {
      await pauseForTests();
      await moveInto(path.dirname(stagedPlugin), path.join(root, path.dirname(pluginPath(name))));
      await pauseForTests();
      await moveInto(stage.scratchPath(files.docs.path), path.join(root, files.docs.path));
      await pauseForTests();
      await moveInto(stage.scratchPath(files.changeset.path), path.join(root, files.changeset.path));
      await options.afterStep?.('moved');
      if (plugin !== undefined) {
        await writeGenerated(root, generated);
        await options.afterStep?.('generated');
      }
      await change.commit();
    } catch (error) {
      const failures = await change.rollBack();
      const why = error instanceof Error ? error.message : String(error);
      throw new AddRolledBack(
        failures.length === 0
          ? `add failed and was undone, the repository is as it was: ${why}`
          : `add failed (${why}) and could not undo everything: ${failures.join('; ')}; ${JOURNAL_PATH} is kept, so arch-registry codegen retries the rollback`,
      );
    }
    return result;
  } finally {
    await stage.discard();
  }
}
