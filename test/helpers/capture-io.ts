import type { Io } from 'arch-registry';

/** An Io that records what a command prints. */
export function captureIo(): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    color: false,
    out: () => out,
    err: () => err,
  };
}
