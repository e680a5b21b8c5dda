import type { Issue } from './validator.js';

/** A plugin that does not match the schema. Names the plugin, each field path and the expected form. */
export class PluginValidationError extends Error {
  override readonly name = 'PluginValidationError';
  readonly code = 'PLUGIN_INVALID';

  constructor(
    /** Plugin name, or the file when the name itself is unreadable. */
    readonly plugin: string,
    readonly issues: readonly Issue[],
    /** File the plugin was loaded from, when known. */
    readonly file?: string,
  ) {
    const where = file === undefined ? `plugin "${plugin}"` : `plugin "${plugin}" (${file})`;
    const lines = issues.map((issue) => `  - ${issue.path || '(root)'}: expected ${issue.expected}, found ${issue.found}`);
    super(`${where} is invalid:\n${lines.join('\n')}`);
  }
}
