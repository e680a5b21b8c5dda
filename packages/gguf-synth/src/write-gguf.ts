import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { encodeGgufHeader, type EncodedHeader, type GgufSpec, type TensorData } from './encode-header.js';
import { GgufWriteError } from './errors.js';

export type WriteMode = 'header-only' | 'full';

export interface WriteGgufOptions extends GgufSpec {
  /**
   * 'header-only': write the header, then ftruncate to the full size so the data
   * section is a sparse hole (a 60 GB model costs a few MB of disk).
   * 'full': also write every tensor's data at its aligned offset.
   */
  mode: WriteMode;
}

// fs.write rejects single writes above 2^31-1 bytes, so large tensors go in slices.
const WRITE_CHUNK = 64 * 1024 * 1024;

async function writeAll(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const len = Math.min(WRITE_CHUNK, bytes.length - done);
    const { bytesWritten } = await fh.write(bytes, done, len, position + done);
    done += bytesWritten;
  }
}

function materialize(data: TensorData): Uint8Array {
  return typeof data === 'function' ? data() : data;
}

/** Fail before creating any file when full-mode data is absent or eagerly mis-sized. */
function checkEagerData(opts: WriteGgufOptions, header: EncodedHeader): void {
  header.tensors.forEach((layout, i) => {
    const data = opts.tensors[i]?.data;
    if (data === undefined) {
      throw new GgufWriteError(
        'MISSING_DATA',
        `tensor ${layout.name} has no data in 'full' mode; pass data (${layout.byteLength} bytes) or use 'header-only'`,
      );
    }
    if (typeof data !== 'function') checkSize(layout.name, data, layout.byteLength);
  });
}

function checkSize(name: string, data: Uint8Array, expected: number): void {
  if (data.length !== expected) {
    throw new GgufWriteError(
      'DATA_SIZE',
      `tensor ${name} data is ${data.length} bytes but its type and dims need exactly ${expected}; ` +
        `check dims order (ne0 first) and type`,
    );
  }
}

/**
 * Writes a GGUF v3 file atomically (temp file + rename), streaming tensor data
 * one tensor at a time. Gaps between tensors and the trailing padding are left
 * as holes, which read back as the zero padding the format requires.
 */
export async function writeGguf(path: string, opts: WriteGgufOptions): Promise<EncodedHeader> {
  const header = encodeGgufHeader(opts);
  if (opts.mode === 'full') checkEagerData(opts, header);

  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  const fh = await open(tmp, 'wx');
  try {
    await writeAll(fh, header.bytes, 0);
    if (opts.mode === 'full') {
      for (const [i, layout] of header.tensors.entries()) {
        const spec = opts.tensors[i];
        if (spec?.data === undefined) continue; // unreachable: checked above
        const data = materialize(spec.data);
        checkSize(layout.name, data, layout.byteLength);
        await writeAll(fh, data, header.dataStart + layout.offset);
      }
    }
    await fh.truncate(header.fileSize);
    await fh.close();
    await rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  return header;
}
