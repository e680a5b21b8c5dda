import type { CacheType, PlanRequest, PlannedModel } from '@arch-registry/core';
import { getBackend, plan, resolveAttention, type BackendName, type AttentionRequest } from '@arch-registry/core';
import { formatBytes, formatCount } from '../../size.js';

const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = { left: 80, right: 150, top: 40, bottom: 60 };
const COLORS: Readonly<Record<string, string>> = { f16: '#d62728', q8_0: '#1f77b4', q4_0: '#2ca02c' };

export interface ChartInput {
  readonly model: PlannedModel;
  readonly backend: BackendName;
  readonly request: Required<AttentionRequest>;
  readonly planRequest: PlanRequest;
  /** Memory available in all (devices plus host budget), when known. */
  readonly budget: number | undefined;
  /** Largest fitting context per cache type, when known. */
  readonly maxByType: Readonly<Partial<Record<CacheType, number>>>;
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Memory against context length for f16, q8_0 and q4_0 caches: weights as the base (grey band),
 * one line per cache type (weights + KV + compute + output), the budget as a dashed line and the
 * largest fitting context of each type marked with a dot. Plain SVG, no browser needed.
 */
export function renderChart(input: ChartInput): string {
  const { model } = input;
  const maxCtx = model.hparams.nCtxTrain;
  const steps = 48;
  const xs = Array.from({ length: steps + 1 }, (_, i) => Math.max(256, Math.round((maxCtx * i) / steps / 256) * 256));
  const series = (['f16', 'q8_0', 'q4_0'] as const).flatMap((type) => {
    const dispatched = resolveAttention({ model, backend: getBackend(input.backend), request: { ...input.request, cacheTypeK: type, cacheTypeV: type } });
    if (!dispatched.ok) return [];
    return [{ type, points: xs.map((nCtx) => ({ nCtx, bytes: plan(model, dispatched.decision, { ...input.planRequest, nCtx }).totalBytes })) }];
  });
  const weights = plan(model, { flashAttention: true, cacheTypeK: 'f16', cacheTypeV: 'f16', vTransposed: false }, { ...input.planRequest, nCtx: 256 }).weights.bytes;
  const top = Math.max(input.budget ?? 0, ...series.flatMap((s) => s.points.map((p) => p.bytes))) * 1.05;
  const x = (nCtx: number) => MARGIN.left + ((WIDTH - MARGIN.left - MARGIN.right) * nCtx) / maxCtx;
  const y = (bytes: number) => HEIGHT - MARGIN.bottom - ((HEIGHT - MARGIN.top - MARGIN.bottom) * bytes) / top;
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  parts.push(`<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escape(`${model.arch.name}: memory against context length (${input.backend})`)}</text>`);
  // Axes and grid.
  for (let i = 0; i <= 5; i++) {
    const bytes = (top * i) / 5;
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(bytes)}" y2="${y(bytes)}" stroke="#ddd"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y(bytes) + 4}" text-anchor="end" font-size="11">${escape(formatBytes(bytes))}</text>`);
  }
  for (let i = 0; i <= 4; i++) {
    const nCtx = (maxCtx * i) / 4;
    parts.push(`<text x="${x(nCtx)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" font-size="11">${formatCount(Math.round(nCtx))}</text>`);
  }
  parts.push(`<text x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}" y="${HEIGHT - 18}" text-anchor="middle" font-size="12">context length (tokens)</text>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${HEIGHT - MARGIN.bottom}" stroke="black"/>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${HEIGHT - MARGIN.bottom}" y2="${HEIGHT - MARGIN.bottom}" stroke="black"/>`);
  // Weights: the base every context pays.
  parts.push(`<rect x="${MARGIN.left}" y="${y(weights)}" width="${WIDTH - MARGIN.left - MARGIN.right}" height="${y(0) - y(weights)}" fill="#eee"/>`);
  parts.push(`<text x="${MARGIN.left + 6}" y="${y(weights) + 14}" font-size="11" fill="#555">${escape(`weights ${formatBytes(weights)}`)}</text>`);
  if (input.budget !== undefined) {
    parts.push(`<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(input.budget)}" y2="${y(input.budget)}" stroke="black" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${WIDTH - MARGIN.right + 6}" y="${y(input.budget) + 4}" font-size="11">${escape(`budget ${formatBytes(input.budget)}`)}</text>`);
  }
  series.forEach((s, index) => {
    const color = COLORS[s.type] ?? 'black';
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${s.points.map((p) => `${x(p.nCtx).toFixed(1)},${y(p.bytes).toFixed(1)}`).join(' ')}"/>`);
    const max = input.maxByType[s.type];
    const legendY = MARGIN.top + 10 + index * 34;
    parts.push(`<line x1="${WIDTH - MARGIN.right + 6}" x2="${WIDTH - MARGIN.right + 26}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${WIDTH - MARGIN.right + 30}" y="${legendY + 4}" font-size="12">${s.type} cache</text>`);
    if (max !== undefined && max > 0) {
      const bytes = plan(model, { flashAttention: true, cacheTypeK: s.type, cacheTypeV: s.type, vTransposed: false }, { ...input.planRequest, nCtx: max }).totalBytes;
      parts.push(`<circle cx="${x(max)}" cy="${y(bytes)}" r="5" fill="${color}"/>`);
      parts.push(`<text x="${WIDTH - MARGIN.right + 30}" y="${legendY + 18}" font-size="11" fill="#333">max ${formatCount(max)}</text>`);
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif">\n${parts.join('\n')}\n</svg>\n`;
}
