import { readFileSync } from 'node:fs';

/** The lines of a log captured by capture/capture-logs.ts (its `#` header included). */
export function readLog(name: string): string[] {
  return readFileSync(new URL(`./logs/${name}.log`, import.meta.url), 'utf8').split('\n');
}

/** The options the capture passed to createContext, from the `# options:` header. */
export function capturedOptions(name: string): { contextSize: number; sequences: number; batchSize?: number } {
  const header = readLog(name).find((line) => line.startsWith('# options: '));
  if (header === undefined) throw new Error(`${name}.log has no # options header`);
  return JSON.parse(header.slice('# options: '.length)) as { contextSize: number; sequences: number; batchSize?: number };
}
