import { type AttentionRequest, BACKEND_NAMES, type BackendName, type CacheType, ModelError, isBackendName, loadModel } from '@arch-registry/core';
import { type Command, UsageError } from '../../command.js';
import { errorJson } from '../../errors.js';
import { REQUEST_OPTIONS } from '../../request-options.js';
import { buildReport } from './report.js';
import { renderInspect } from './render.js';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'Reads a GGUF header (local path or https URL) and shows its arch, hparams, per-layer table and what flash attention and the KV cache types become on each backend.',
  usage: 'arch-registry inspect <model.gguf|https-url> [--json] [--backend name] [-fa on|off|auto] [-ctk type] [-ctv type]',
  options: [
    { names: ['--json'], description: 'print one JSON object instead of tables' },
    { names: ['--backend'], value: 'name', choices: BACKEND_NAMES, description: 'only this backend (default: all)' },
    ...REQUEST_OPTIONS,
  ],
  examples: [
    'arch-registry inspect model.gguf',
    'arch-registry inspect model.gguf -ctk q8_0 -ctv q8_0 --backend cuda',
    'arch-registry inspect https://example.org/model.gguf --json',
  ],
  async run(args, io) {
    const [source, ...extra] = args.positionals;
    if (source === undefined || extra.length > 0) throw new UsageError('inspect takes exactly one model: a .gguf path or an https URL');
    const backend = args.options.backend;
    const backends: readonly BackendName[] = typeof backend === 'string' && isBackendName(backend) ? [backend] : BACKEND_NAMES;
    const request: Required<AttentionRequest> = {
      flashAttention: args.options['flash-attn'] as 'on' | 'off' | 'auto',
      cacheTypeK: args.options['cache-type-k'] as CacheType,
      cacheTypeV: args.options['cache-type-v'] as CacheType,
    };
    try {
      const report = buildReport(await loadModel(source), request, backends);
      io.stdout(args.options.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderInspect(report));
      return 0;
    } catch (error) {
      if (args.options.json !== true || !(error instanceof ModelError)) throw error;
      io.stdout(`${JSON.stringify(errorJson(error), null, 2)}\n`);
      return 1;
    }
  },
};
