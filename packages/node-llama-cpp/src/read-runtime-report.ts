import * as P from './log-patterns.js';
import type { BufferReport, CacheRole, ContextReport, FlashAttentionType, RefusalCode, RuntimeReport } from './runtime-report-types.js';

const CONTEXT_FIELDS = {
  n_seq_max: 'nSeqMax',
  n_ctx: 'nCtx',
  n_ctx_seq: 'nCtxSeq',
  n_ctx_per_seq: 'nCtxSeq',
  n_batch: 'nBatch',
  n_ubatch: 'nUbatch',
} as const;

/** The words of a `creating … KV cache` line → the role of the size line that follows. */
const ROLES: Readonly<Record<string, CacheRole>> = { 'non-SWA': 'non-swa', SWA: 'swa', main: 'main', indexer: 'indexer', DSA: 'dsa' };

/** Error texts the dispatcher predicts, under its reason codes. */
const REFUSALS: ReadonlyArray<readonly [RegExp, RefusalCode]> = [
  [/quantized V cache requires flash_attn|V cache quantization requires flash_attn|quantized V cache was requested, but this requires Flash Attention/, 'QUANTIZED_V_NEEDS_FA'],
  [/does not support different K \(\w+\) and V \(\w+\) cache types/, 'KV_TYPES_MUST_MATCH'],
  [/^K cache type \w+ with block size/, 'K_BLOCK_SIZE'],
  [/^V cache type \w+ with block size/, 'V_BLOCK_SIZE'],
];

/** Group `n` of a match that the pattern always captures. */
function num(match: RegExpExecArray, n: number): number {
  return Number(match[n]);
}

function str(match: RegExpExecArray, n: number): string {
  return match[n] ?? '';
}

/**
 * Reads the runtime's log lines of one context creation into numbers. Lines
 * may carry a logger prefix; unrelated lines are ignored. Feed one context at
 * a time: context values of a second context would overwrite the first.
 */
export function readRuntimeReport(lines: readonly string[]): RuntimeReport {
  const report: RuntimeReport = { caches: [], refusals: [], errors: [] };
  let requested: FlashAttentionType | undefined;
  let probed: boolean | undefined;
  let forcedForQuantizedV = false;
  let announced: { label: string; cells?: number } | undefined;
  let vPaddedTo: number | undefined;
  let kvBuffers: BufferReport[] = [];
  let rsBuffers: BufferReport[] = [];
  const context = (): ContextReport => (report.context ??= {});

  for (const raw of lines) {
    const line = raw.trimEnd();
    let m: RegExpExecArray | null;
    if ((m = P.CONTEXT_NUMBER.exec(line))) {
      const name = str(m, 1);
      if (name === 'causal_attn') context().causalAttn = str(m, 2) !== '0';
      else context()[CONTEXT_FIELDS[name as keyof typeof CONTEXT_FIELDS]] = num(m, 2);
    } else if ((m = P.CONTEXT_FLASH_ATTN.exec(line))) {
      const value = str(m, 1);
      requested = value === '1' ? 'enabled' : value === '0' ? 'disabled' : (value as FlashAttentionType);
    } else if ((m = P.CONTEXT_KV_UNIFIED.exec(line))) {
      context().kvUnified = str(m, 1) === 'true';
    } else if ((m = P.FA_PROBE.exec(line))) {
      probed = str(m, 1) === 'enabled';
    } else if (P.FA_FORCED_FOR_QUANTIZED_V.test(line)) {
      forcedForQuantizedV = true;
    } else if ((m = P.CACHE_ANNOUNCE.exec(line))) {
      announced = m[2] === undefined ? { label: str(m, 1) } : { label: str(m, 1), cells: num(m, 2) };
    } else if ((m = P.KV_BUFFER.exec(line))) {
      kvBuffers.push({ device: str(m, 1), mib: num(m, 2) });
    } else if ((m = P.V_PADDING.exec(line))) {
      vPaddedTo = num(m, 1);
    } else if ((m = P.KV_SIZE.exec(line))) {
      const seqs = num(m, 4);
      report.caches.push({
        role: announced === undefined ? 'kv' : (ROLES[announced.label] ?? 'other'),
        ...(announced === undefined ? {} : { roleLabel: announced.label }),
        ...(announced?.cells === undefined ? {} : { announcedCells: announced.cells }),
        cells: num(m, 2),
        layers: num(m, 3),
        seqs,
        streams: m[5] === undefined ? 1 : num(m, 5),
        kType: str(m, 6),
        vType: str(m, 8),
        kMiB: num(m, 7),
        vMiB: num(m, 9),
        totalMiB: num(m, 1),
        ...(vPaddedTo === undefined ? {} : { vPaddedTo }),
        buffers: kvBuffers,
      });
      announced = undefined;
      vPaddedTo = undefined;
      kvBuffers = [];
    } else if ((m = P.RS_BUFFER.exec(line))) {
      rsBuffers.push({ device: str(m, 1), mib: num(m, 2) });
    } else if ((m = P.RS_SIZE.exec(line))) {
      report.recurrent = {
        cells: num(m, 2),
        layers: num(m, 3),
        seqs: num(m, 4),
        ...(m[5] === undefined ? {} : { rsSeq: num(m, 5) }),
        rType: str(m, 6),
        sType: str(m, 8),
        rMiB: num(m, 7),
        sMiB: num(m, 9),
        ...(m[11] === undefined ? {} : { pMiB: num(m, 11) }),
        totalMiB: num(m, 1),
        buffers: rsBuffers,
      };
      rsBuffers = [];
    } else if ((m = P.INIT_ERROR.exec(line))) {
      const message = str(m, 1);
      // node-llama-cpp's memory simulation creates the same context first, repeating each refusal.
      if (report.errors.includes(message)) continue;
      report.errors.push(message);
      const refusal = REFUSALS.find(([pattern]) => pattern.test(message.replace(/^failed to initialize the context: /, '')));
      if (refusal !== undefined) report.refusals.push({ code: refusal[1], message });
    }
  }

  // The probe runs only under auto, so a probe line without the context line still means auto.
  const type = requested ?? (probed === undefined ? undefined : 'auto');
  if (type !== undefined) {
    report.flashAttention = { requested: type, resolved: type === 'auto' ? probed : type === 'enabled', forcedForQuantizedV };
  }
  return report;
}
