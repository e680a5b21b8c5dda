import { ARCH_NAMES, BACKEND_NAMES, archTable, getBackend, hparamsMetadata, resolveAttention, resolveModel, type ArchPlugin, type BackendName } from '@arch-registry/core';
import type { Command } from '../../command.js';
import { renderTable } from '../../table.js';

interface ArchRow {
  readonly arch: string;
  readonly status: string;
  readonly memory: string;
  /** Per backend: FA with an f16 cache under auto, and whether q8_0/q8_0 is accepted. */
  readonly backends: Readonly<Record<BackendName, { flashAttention: boolean; q8_0: boolean }>>;
}

function describe(plugin: ArchPlugin): ArchRow {
  const model = resolveModel(hparamsMetadata(plugin.name, plugin.contract.hparams), { [plugin.name]: plugin });
  const backends = Object.fromEntries(
    BACKEND_NAMES.map((name) => {
      const backend = getBackend(name);
      const f16 = resolveAttention({ model, backend, request: {} });
      const q8 = resolveAttention({ model, backend, request: { cacheTypeK: 'q8_0', cacheTypeV: 'q8_0' } });
      return [name, { flashAttention: f16.ok && f16.decision.flashAttention, q8_0: q8.ok }];
    }),
  ) as ArchRow['backends'];
  const status = plugin.status.supported ? 'supported (contract model declared, run by test/contract)' : `unsupported: ${plugin.status.reason}`;
  return { arch: plugin.name, status, memory: plugin.memory.value, backends };
}

export const listCommand: Command = {
  name: 'list',
  summary:
    'Lists the registry’s architectures: support status, memory kind, and per backend whether flash attention stays on (f16 cache, auto) and whether a q8_0/q8_0 cache is accepted, as the dispatcher decides for each arch’s contract model.',
  usage: 'arch-registry list [--json]',
  options: [{ names: ['--json'], description: 'print an array of { arch, status, memory, backends }' }],
  examples: ['arch-registry list', 'arch-registry list --json'],
  async run(args, io) {
    const rows = ARCH_NAMES.map((name) => describe(archTable[name]));
    if (args.options.json === true) {
      io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    const mark = (value: boolean) => (value ? 'yes' : 'no');
    io.stdout('Per backend: flash attention under auto with an f16 cache / q8_0 K and V accepted, for each arch’s contract model.\n');
    io.stdout('Head dims decide much of this (cuda has no kernel for the contract models’ 32): run `arch-registry inspect <model>` for a real model.\n\n');
    io.stdout(
      `${renderTable(
        ['arch', 'memory', ...BACKEND_NAMES.map((name) => `${name} FA/q8_0`), 'status'],
        rows.map((row) => [row.arch, row.memory, ...BACKEND_NAMES.map((name) => `${mark(row.backends[name].flashAttention)}/${mark(row.backends[name].q8_0)}`), row.status]),
      )}\n`,
    );
    return 0;
  },
};
