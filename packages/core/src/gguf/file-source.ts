import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { capError, type ByteSource } from './byte-source.js';
import { GgufError } from './errors.js';
import { DEFAULT_GGUF_LIMITS } from './limits.js';

export interface FileSourceOptions {
  /** Never read at or past this offset (default: limits.maxHeaderBytes). */
  readonly maxBytes?: number;
}

/** A local file opened for reading; `close` releases the handle. */
export interface FileByteSource extends ByteSource {
  readonly size: number;
  close(): Promise<void>;
}

function unreadable(path: string, problem: string, fix: string, cause?: unknown): GgufError {
  return new GgufError('GGUF_UNREADABLE', path, problem, fix, { offset: 0, cause });
}

function describeOpenError(path: string, error: unknown): GgufError {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return unreadable(path, 'no such file', 'Check the path, or pass an https URL', error);
    case 'EACCES':
    case 'EPERM':
      return unreadable(path, 'permission denied', 'Make the file readable by this user', error);
    case 'EISDIR':
      return unreadable(path, 'it is a directory', 'Pass the .gguf file inside it', error);
    default:
      return unreadable(path, `the file cannot be opened (${String(code ?? (error as Error)?.message ?? error)})`, 'Check the path and the disk', error);
  }
}

/**
 * Opens a local file for header reading. Only regular files are accepted (a FIFO or a device
 * could block or never end); it is opened non-blocking so that opening a FIFO cannot hang.
 */
export async function openFileSource(path: string, options: FileSourceOptions = {}): Promise<FileByteSource> {
  const maxBytes = options.maxBytes ?? DEFAULT_GGUF_LIMITS.maxHeaderBytes;
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw describeOpenError(path, error);
  }
  let size: number;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw unreadable(path, 'it is not a regular file', stat.isDirectory() ? 'Pass the .gguf file inside it' : 'Pass the path of a .gguf file');
    }
    size = stat.size;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error instanceof GgufError ? error : describeOpenError(path, error);
  }

  let closed = false;
  return {
    name: path,
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
        throw new RangeError(`bad read(${offset}, ${length})`);
      }
      if (offset + length > maxBytes) throw capError(path, offset, length, maxBytes);
      if (closed) throw unreadable(path, 'the file was closed while reading', 'Read the header again');
      const want = Math.max(0, Math.min(length, size - offset));
      const out = new Uint8Array(want);
      let done = 0;
      try {
        while (done < want) {
          const { bytesRead } = await handle.read(out, done, want - done, offset + done);
          if (bytesRead === 0) break; // the file shrank under us: return what is there
          done += bytesRead;
        }
      } catch (error) {
        throw unreadable(path, `reading ${want} bytes at offset ${offset} failed (${String((error as { code?: unknown }).code ?? error)})`, 'Check the disk', error);
      }
      return done === want ? out : out.subarray(0, done);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await handle.close().catch(() => undefined);
    },
  };
}
