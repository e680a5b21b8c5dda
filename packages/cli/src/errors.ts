import { GgufReadError, ModelError, PluginValidationError } from '@arch-registry/core';
import type { Io } from './command.js';

/** One error, as a person reads it: what went wrong and what to do. */
export function renderError(error: unknown, io: Io): string {
  const label = io.color ? '\u001b[31merror\u001b[0m' : 'error';
  if (error instanceof ModelError || error instanceof GgufReadError || error instanceof PluginValidationError) {
    return `${label} [${error.code}]: ${error.message}\n`;
  }
  if (error instanceof Error) return `${label}: ${error.message}\n`;
  return `${label}: ${String(error)}\n`;
}

/** The `{ error: { code, message } }` shape `--json` prints on failure. */
export function errorJson(error: unknown): { error: { code: string; message: string; key?: string } } {
  if (error instanceof ModelError) return { error: { code: error.code, message: error.message, ...(error.key === undefined ? {} : { key: error.key }) } };
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return { error: { code: error.code, message: error.message } };
  return { error: { code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) } };
}
