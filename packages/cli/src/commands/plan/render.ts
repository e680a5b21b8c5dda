import { formatBytes, formatCount } from '../../size.js';
import { renderTable } from '../../table.js';
import type { PlanReport } from './report.js';

function binding(constraint: string): string {
  return constraint === 'train-context' ? "the model's training context" : constraint;
}

/** Human output of `plan`: the model's layout, the decision and its reasons, memory per device, a verdict. */
export function renderPlan(report: PlanReport): string {
  const { model, decision, context, memory } = report;
  const windowed = `(window ${formatCount(model.window ?? 0)}, ${formatCount(context.swaCells ?? 0)} cells each)`;
  let swa: string;
  if (model.attentionLayers === model.layers && model.recurrentLayers === 0) {
    swa = model.swaLayers > 0 ? `${model.swaLayers} of ${model.layers} layers are sliding-window ${windowed}, ${model.layers - model.swaLayers} keep the whole context` : `${model.layers} layers, all keep the whole context`;
  } else {
    // Hybrid, recurrent or with empty layers: say what the attention layers keep and which layers hold state.
    const attention =
      model.attentionLayers === 0
        ? 'no attention layer'
        : model.swaLayers > 0
          ? `${model.swaLayers} of ${model.attentionLayers} attention layers are sliding-window ${windowed}, ${model.attentionLayers - model.swaLayers} keep the whole context`
          : `${model.attentionLayers} attention layers keep the whole context`;
    swa = `${model.layers} layers: ${attention}${model.recurrentLayers > 0 ? `; ${model.recurrentLayers} keep recurrent state (one row per sequence)` : ''}`;
  }
  const lines = [
    `model     ${model.source} (${model.arch})`,
    `layers    ${swa}`,
    `decision  ${report.backend}: flash attention ${decision.flashAttention ? 'on' : 'off'}, K ${decision.cacheTypeK}, V ${decision.cacheTypeV}`,
    ...decision.reasons.map((reason) => `          ${reason.code}: ${reason.message}`),
    `context   n_ctx ${formatCount(context.nCtx)}: ${context.streams} stream(s) of ${formatCount(context.cellsPerStream)} cells, n_ubatch ${context.nUbatch}`,
    '',
    'KV cache:',
    renderTable(
      ['cache', 'layers', 'cells', 'K', 'V'],
      memory.kvCache.caches.map((cache) => [cache.role, String(cache.layers), formatCount(cache.cells), formatBytes(cache.kBytes), formatBytes(cache.vBytes)]),
    ),
    '',
    'Memory:',
    renderTable(
      ['where', 'capacity', 'weights', 'KV', ...(memory.recurrentState.bytes > 0 ? ['state'] : []), 'compute', 'output', 'total'],
      memory.devices.map((use) => [
        use.name,
        use.capacity === undefined ? '-' : formatBytes(use.capacity),
        formatBytes(use.weights),
        formatBytes(use.kv),
        ...(memory.recurrentState.bytes > 0 ? [formatBytes(use.state)] : []),
        formatBytes(use.compute),
        formatBytes(use.output),
        formatBytes(use.total),
      ]),
    ),
    `          compute buffers: ${{ 'closed-form': 'closed form checked against the runtime', replayed: 'ggml-alloc replayed over the reserve graph', estimate: 'estimated' }[memory.compute.accuracy]}`,
  ];
  if (report.byCacheType !== undefined) {
    lines.push('', 'Largest context that fits, by cache type (K = V):');
    for (const entry of report.byCacheType) {
      lines.push(
        entry.refused !== undefined
          ? `  ${entry.cacheType}: refused (${entry.refused})`
          : `  ${entry.cacheType}: ${formatCount(entry.tokens ?? 0)} tokens fit (FA ${entry.flashAttention ? 'on' : 'off'}; limited by ${binding(entry.bindingConstraint ?? '')})`,
      );
    }
  }
  const over = memory.devices.filter((use) => use.capacity !== undefined && use.total > use.capacity);
  const verdict =
    over.length > 0
      ? `does not fit: ${over.map((use) => `${use.name} needs ${formatBytes(use.total)} of ${formatBytes(use.capacity ?? 0)}`).join('; ')}${report.maxContext ? `; at most ${formatCount(report.maxContext.tokens)} tokens fit` : ''}`
      : `fits: ${formatBytes(memory.totalBytes)} in all${report.maxContext ? `; up to ${formatCount(report.maxContext.tokens)} tokens fit (limited by ${binding(report.maxContext.bindingConstraint)})` : ''}`;
  lines.push('', `verdict   ${verdict}`, '');
  return lines.join('\n');
}
