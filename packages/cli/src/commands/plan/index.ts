import { writeFile } from 'node:fs/promises';
import { BACKEND_NAMES, type AttentionRequest, type BackendName, type CacheType, type DeviceSpec, ModelError, isBackendName, loadModel } from '@arch-registry/core';
import { type Command, type OptionSpec, type ParsedArgs, UsageError } from '../../command.js';
import { errorJson } from '../../errors.js';
import { REQUEST_OPTIONS } from '../../request-options.js';
import { parseSize } from '../../size.js';
import { RefusedRequest, buildPlanReport } from './report.js';
import { renderChart } from './chart.js';
import { renderPlan } from './render.js';

const OPTIONS: readonly OptionSpec[] = [
  { names: ['--json'], description: 'print one JSON object (fields as in design.md)' },
  { names: ['-c', '--ctx-size'], value: 'tokens', default: '0', description: 'context size; 0 = the model’s training context' },
  ...REQUEST_OPTIONS,
  { names: ['-np', '--parallel'], value: 'n', default: '1', description: 'sequences (slots)' },
  { names: ['-b', '--batch-size'], value: 'n', default: '2048', description: 'logical batch size' },
  { names: ['-ub', '--ubatch-size'], value: 'n', default: '512', description: 'physical batch size' },
  { names: ['--swa-full'], description: 'give sliding-window layers the whole context' },
  { names: ['--kv-unified'], description: 'one KV stream shared by all sequences' },
  { names: ['-ngl', '--gpu-layers'], value: 'n', description: 'layers on the devices (default: all when --device is given)' },
  { names: ['--backend'], value: 'name', choices: BACKEND_NAMES, description: 'backend of the devices (default: cuda with --device, else cpu)' },
  { names: ['--device'], value: 'size', repeatable: true, description: 'memory of one GPU, in split order (repeat for each)' },
  { names: ['--budget'], value: 'size', description: 'memory the host may use' },
  { names: ['--chart'], value: 'out.svg', description: 'also write an SVG of memory against context length per cache type' },
];

function integer(args: ParsedArgs, key: string, flag: string): number {
  const text = args.options[key];
  const value = Number(text);
  if (typeof text !== 'string' || !Number.isInteger(value) || value < 0) throw new UsageError(`${flag} ${String(text)} must be a whole number ≥ 0`);
  return value;
}

export const planCommand: Command = {
  name: 'plan',
  summary:
    'Plans the memory of a GGUF model on the pinned runtime: the flash-attention / KV-cache decision and why, exact KV bytes, weights, compute and output buffers per device, and the largest context that fits each cache type.',
  usage: 'arch-registry plan <model.gguf|https-url> [-c tokens] [-ctk type] [-ctv type] [--device SIZE]... [--budget SIZE] [--json]',
  options: OPTIONS,
  examples: [
    'arch-registry plan model.gguf -c 32768 -ctk q8_0 -ctv q8_0',
    'arch-registry plan model.gguf --device 12GiB --device 24GiB',
    'arch-registry plan model.gguf --budget 24GiB --json',
    'arch-registry plan model.gguf --device 24GiB --chart memory.svg',
  ],
  async run(args, io) {
    const [source, ...extra] = args.positionals;
    if (source === undefined || extra.length > 0) throw new UsageError('plan takes exactly one model: a .gguf path or an https URL');
    const sizes = (args.options.device as readonly string[] | undefined) ?? [];
    const devices: DeviceSpec[] = sizes.map((size, index) => ({ name: `device ${index}`, bytes: parseSize(size, '--device') }));
    const budget = typeof args.options.budget === 'string' ? parseSize(args.options.budget, '--budget') : undefined;
    const backendOption = args.options.backend;
    const backend: BackendName = typeof backendOption === 'string' && isBackendName(backendOption) ? backendOption : devices.length > 0 ? 'cuda' : 'cpu';
    const request: Required<AttentionRequest> = {
      flashAttention: args.options['flash-attn'] as 'on' | 'off' | 'auto',
      cacheTypeK: args.options['cache-type-k'] as CacheType,
      cacheTypeV: args.options['cache-type-v'] as CacheType,
    };
    const json = args.options.json === true;
    try {
      const model = await loadModel(source);
      const planRequest = {
          nCtx: integer(args, 'ctx-size', '-c'),
          nSeq: Math.max(1, integer(args, 'parallel', '-np')),
          nBatch: integer(args, 'batch-size', '-b'),
          nUbatch: integer(args, 'ubatch-size', '-ub'),
          swaFull: args.options['swa-full'] === true,
          kvUnified: args.options['kv-unified'] === true,
          devices,
          ...(budget === undefined ? {} : { hostBudget: budget }),
          ...(typeof args.options['gpu-layers'] === 'string' ? { gpuLayers: integer(args, 'gpu-layers', '-ngl') } : {}),
      };
      const report = buildPlanReport({ model, backend, request, constrained: devices.length > 0 || budget !== undefined, planRequest });
      io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : renderPlan(report));
      const chart = args.options.chart;
      if (typeof chart === 'string') {
        const maxByType = Object.fromEntries((report.byCacheType ?? []).filter((entry) => entry.tokens !== undefined).map((entry) => [entry.cacheType, entry.tokens]));
        const total = devices.reduce((sum, device) => sum + device.bytes, budget ?? 0);
        await writeFile(chart, renderChart({ model, backend, request, planRequest: { ...planRequest, nCtx: 0 }, budget: devices.length > 0 || budget !== undefined ? total : undefined, maxByType }));
        if (!json) io.stdout(`chart     wrote ${chart}\n`);
      }
      return 0;
    } catch (error) {
      if (error instanceof RefusedRequest) {
        if (json) io.stdout(`${JSON.stringify({ error: { code: error.code, message: error.message } }, null, 2)}\n`);
        else io.stderr(`refused [${error.code}]: ${error.message}\n`);
        return 2;
      }
      if (!json || !(error instanceof ModelError)) throw error;
      io.stdout(`${JSON.stringify(errorJson(error), null, 2)}\n`);
      return 1;
    }
  },
};
