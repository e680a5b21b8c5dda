import { UsageError } from './command.js';

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1e3, kb: 1e3, kib: 2 ** 10, m: 1e6, mb: 1e6, mib: 2 ** 20, g: 1e9, gb: 1e9, gib: 2 ** 30, t: 1e12, tb: 1e12, tib: 2 ** 40 };

/** `24GiB`, `12 GB`, `512MiB`, `8e9` → bytes. Decimal (GB) and binary (GiB) units, as written. */
export function parseSize(text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(match?.[2] ?? '').toLowerCase()];
  if (match === null || unit === undefined) throw new UsageError(`${flag} ${text} is not a size; write it like 24GiB, 12GB or 512MiB`);
  const bytes = Math.floor(Number(match[1]) * unit);
  if (!Number.isFinite(bytes) || bytes <= 0) throw new UsageError(`${flag} ${text} must be a positive size`);
  return bytes;
}

/** Bytes as a person reads them: GiB above 1 GiB, MiB below, two decimals. */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
}

/** 131072 → "131,072". */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
