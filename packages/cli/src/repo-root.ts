import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './command.js';

/** The checkout the command works on: the nearest folder above `from` that holds registry/archs. */
export function findRepoRoot(from = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'registry', 'archs')) && existsSync(path.join(dir, 'templates'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  throw new UsageError(`no arch-registry checkout above ${from}: run this inside the repository (the folder with registry/archs and templates/)`);
}
