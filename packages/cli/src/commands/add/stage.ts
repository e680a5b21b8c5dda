import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A file to write, relative to the repository root. */
export interface StagedFile {
  readonly path: string;
  readonly text: string;
}

/**
 * A scratch copy of what `add` changes, under `<root>/tmp/` (git-ignored): a view of the registry
 * (a copy of every existing plugin, links to the backends, templates and packages, plus the new
 * plugin) that codegen can run on, and the other new files. Nothing under the repository proper
 * changes until the caller moves the files in.
 */
export class Stage {
  private constructor(
    readonly root: string,
    /** The scratch folder. */
    readonly dir: string,
    /** A root codegen can run on: registry/ and templates/ as the repository has them, plus the new plugin. */
    readonly view: string,
    private readonly createdTmp: boolean,
  ) {}

  static async open(root: string, name: string): Promise<Stage> {
    const tmp = path.join(root, 'tmp');
    const createdTmp = !existsSync(tmp);
    await mkdir(tmp, { recursive: true });
    const dir = await mkdtemp(path.join(tmp, `arch-registry-add-${name}-`));
    const view = path.join(dir, 'view');
    const stage = new Stage(root, dir, view, createdTmp);
    try {
      await mkdir(path.join(view, 'registry', 'archs'), { recursive: true });
      // Copies, not links: the registry loader takes only real folders as plugins.
      for (const entry of await readdir(path.join(root, 'registry', 'archs'), { withFileTypes: true })) {
        if (entry.isDirectory()) await cp(path.join(root, 'registry', 'archs', entry.name), path.join(view, 'registry', 'archs', entry.name), { recursive: true });
      }
      await symlink(path.join(root, 'registry', 'backends'), path.join(view, 'registry', 'backends'), 'dir');
      await symlink(path.join(root, 'templates'), path.join(view, 'templates'), 'dir');
      // The CLI reference (docs/cli.md) is generated from the commands under packages/cli.
      if (existsSync(path.join(root, 'packages'))) await symlink(path.join(root, 'packages'), path.join(view, 'packages'), 'dir');
    } catch (error) {
      await stage.discard();
      throw error;
    }
    return stage;
  }

  /** Where a repository path lives in the scratch folder: the registry in the view, the rest beside it. */
  scratchPath(relative: string): string {
    return relative.startsWith('registry/') ? path.join(this.view, relative) : path.join(this.dir, 'files', relative);
  }

  async write(file: StagedFile): Promise<string> {
    const target = this.scratchPath(file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.text);
    return target;
  }

  /** Removes the scratch folder (and `<root>/tmp` when this stage made it and it is empty). */
  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    if (this.createdTmp) await rmdir(path.join(this.root, 'tmp')).catch(() => undefined);
  }
}
