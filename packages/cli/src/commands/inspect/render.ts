import { renderTable } from '../../table.js';
import type { InspectReport } from './report.js';

function hparamsLine(report: InspectReport): string {
  const h = report.hparams;
  const uniform = (values: readonly number[]) => (values.every((v) => v === values[0]) ? String(values[0] ?? 0) : `[${values.join(', ')}]`);
  const parts = [
    `n_layer ${h.nLayer}${h.nextn > 0 ? ` (+${h.nextn} MTP)` : ''}`,
    `n_embd ${h.nEmbd}`,
    `n_ctx_train ${h.nCtxTrain}`,
    `heads ${uniform(h.headCount)}`,
    `kv heads ${uniform(h.headCountKv)}`,
    `head dim K/V ${h.headDimK}/${h.headDimV}`,
  ];
  if (h.swa !== null) parts.push(`window ${h.swa.window}`);
  if (h.mla !== null) parts.push(`MLA kv_lora_rank ${h.mla.kvLoraRank}`);
  return parts.join(', ');
}

/** `yes`, `no`, or for a layer that reads an earlier layer's cache, `no: reuses N`. */
function ownKvCell(layer: InspectReport['layers'][number]): string {
  if (layer.ownsKv) return 'yes';
  return layer.kvSource === null ? 'no' : `no: reuses ${layer.kvSource}`;
}

/** Human output of `inspect`. */
export function renderInspect(report: InspectReport): string {
  const counts = Object.entries(report.layerCounts)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');
  const layers = renderTable(
    ['layer', 'kind', 'heads', 'kv heads', 'head dim K', 'head dim V', 'window', 'own KV', 'RoPE'],
    report.layers.map((l) => [String(l.index), l.kind + (l.isMtp ? ' (MTP)' : ''), String(l.headCount), String(l.headCountKv), String(l.headDimK), String(l.headDimV), l.window === null ? '-' : String(l.window), ownKvCell(l), l.rope ? 'yes' : 'NoPE']),
  );
  const { flashAttention, cacheTypeK, cacheTypeV } = report.request;
  const decisions = report.decisions.flatMap((d) => {
    const head = d.ok ? `${d.backend}: FA ${d.flashAttention ? 'on' : 'off'}, K ${d.cacheTypeK}, V ${d.cacheTypeV}` : `${d.backend}: refused (${d.error?.code})`;
    return [head, ...d.reasons.map((r) => `    ${r.code}: ${r.message}`)];
  });
  return [
    `model    ${report.source}`,
    `arch     ${report.arch} (plugin found${report.plugin.supported ? '' : ', marked unsupported'}): ${report.plugin.summary}`,
    `memory   ${report.memory}`,
    `hparams  ${hparamsLine(report)}`,
    `layers   ${report.layers.length}: ${counts}`,
    '',
    layers,
    '',
    `decision for -fa ${flashAttention} -ctk ${cacheTypeK} -ctv ${cacheTypeV}:`,
    ...decisions.map((line) => `  ${line}`),
    '',
  ].join('\n');
}
