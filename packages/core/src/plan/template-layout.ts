import type { ResolvedModel } from '../model/resolve-model.js';
import type { ArchPlugin } from '../schema/arch.js';
import type { TemplateLayout } from './graph-template.js';

/** Per-layer weights the template builds nodes for (a plugin declaring any other is not covered). */
const TEMPLATE_TENSORS = new Set([
  'attn_norm',
  'attn_q',
  'attn_k',
  'attn_v',
  'attn_qkv',
  'attn_output',
  'attn_q_norm',
  'attn_k_norm',
  // a src of FA or of the KQ soft_max: a weight, nothing in the compute buffer
  'attn_sinks',
  'post_attention_norm',
  'ffn_norm',
  'ffn_gate',
  'ffn_up',
  'ffn_down',
  'post_ffw_norm',
  'ffn_gate_inp',
  'ffn_gate_exps',
  'ffn_up_exps',
  'ffn_down_exps',
  'ffn_gate_shexp',
  'ffn_up_shexp',
  'ffn_down_shexp',
]);
/**
 * Biases the template covers: Q/K/V (or fused QKV) biases are added in place over their projection (its only
 * consumer), so they take no bytes; the others are modelled.
 */
const TEMPLATE_BIASES = new Set(['attn_q', 'attn_k', 'attn_v', 'attn_qkv', 'attn_output', 'ffn_gate_inp', 'ffn_gate_exps', 'ffn_up_exps', 'ffn_down_exps']);
// RoPE frequency factors are weights RoPE reads: no bytes in the compute buffer.
const GLOBAL_TENSORS = new Set(['token_embd.weight', 'output_norm.weight', 'output.weight', 'rope_freqs.weight', 'rope_factors_long.weight', 'rope_factors_short.weight']);
const MOE_TENSORS = ['ffn_gate_inp', 'ffn_gate_exps', 'ffn_up_exps', 'ffn_down_exps'];
const QKV = 'blk.{i}.attn_qkv.weight';

/** The arch's graph projects Q, K and V with one fused attn_qkv (declared required, not as an option). */
export const requiresFusedQkv = (arch: ArchPlugin): boolean => arch.tensors.perLayer.some((t) => t.name === QKV && t.optional !== true);

/**
 * The layout of a model when the template covers its graph exactly, else null: a standard causal
 * KV cache or an iSWA / chunked pair of them (same head dims on both), RoPE on layer 0 (NoPE layers
 * may follow), the same heads on every layer, no MLA, ALiBi or shared KV, and every declared
 * per-layer weight one of TEMPLATE_TENSORS (Q/K norms per head or over the whole row). The FFN is
 * dense with one width, or routed experts with a routing the plugin's graph facts name, on every
 * layer or (with a file) on the layers that carry a router. Keyed on schema facts only, and on the
 * file's tensor names where given (`inFile`): the form of an alternative, the layers with experts.
 */
export function templateLayoutOf(model: ResolvedModel, vocab: number, ffnWidth: number, inFile?: (tensor: string) => boolean): TemplateLayout | null {
  const { arch, hparams: h } = model;
  const att = arch.attention;
  const graph = arch.graph;
  if ((model.memory !== 'kv' && model.memory !== 'iswa') || h.mla !== null || h.recurrent !== null || h.kvShareStart !== null) return null;
  if (model.memory === 'iswa' && (h.headDimKSwa !== h.headDimK || h.headDimVSwa !== h.headDimV)) return null;
  // Soft-capping scales and tanhs in place over a tensor with no other consumer: no bytes of its own.
  if (!att.causal.value || att.alibi.value !== null) return null;
  if (arch.tensors.global.some((t) => !GLOBAL_TENSORS.has(t.name))) return null;
  // An alternative form (a fused attn_qkv instead of Q, K, V) is not the graph the template builds:
  // a file that uses it is not covered, one that does not (or no file at all) has the main form.
  const alternatives = arch.tensors.perLayer.filter((t) => t.insteadOf !== undefined);
  if (inFile !== undefined && alternatives.some((t) => inFile(t.name.replace('{i}', '0')))) return null;
  const alternativeStems = new Set(alternatives.map((t) => t.name.replace(/\.(weight|bias)$/, '')));
  const perLayer = arch.tensors.perLayer.filter((t) => t.layers !== 'mtp' && !alternativeStems.has(t.name.replace(/\.(weight|bias)$/, '')));
  // A required attn_qkv is the projection the graph uses; optional separate Q/K/V beside it are unused.
  const fusedQkv = requiresFusedQkv(arch);
  if (!fusedQkv && perLayer.some((t) => t.name === QKV) && inFile?.('blk.0.attn_qkv.weight') === true) return null;
  const names = new Set<string>();
  const biases = new Set<string>();
  for (const t of perLayer) {
    const m = /^blk\.\{i\}\.(\w+)\.(weight|bias)$/.exec(t.name);
    const stem = m?.[1] ?? '';
    if (fusedQkv ? ['attn_q', 'attn_k', 'attn_v'].includes(stem) && t.optional === true : stem === 'attn_qkv') continue;
    if (m === null || (m[2] === 'weight' ? !TEMPLATE_TENSORS.has(stem) : !TEMPLATE_BIASES.has(stem))) return null;
    if (m[2] === 'bias') {
      biases.add(stem);
      continue;
    }
    names.add(stem);
  }
  const trunk = model.layers.filter((l) => !l.isMtp);
  const first = trunk[0];
  if (first === undefined || !(names.has('attn_q') || fusedQkv)) return null;
  // Fused Q/K views are RoPE'd straight into fresh tensors; a Q/K norm or a NoPE layer over them is not modelled.
  if (fusedQkv && (att.qkNorm.value || trunk.some((l) => !l.rope))) return null;
  // Q/K norms per head (a head-dim weight) or over the whole projection row.
  const qkNormShapes = perLayer.filter((t) => t.name === 'blk.{i}.attn_q_norm.weight' || t.name === 'blk.{i}.attn_k_norm.weight').map((t) => t.shape.join());
  const qkNorm = !att.qkNorm.value ? 'none' : qkNormShapes.every((shape) => shape === 'n_embd_head_k') ? 'head' : qkNormShapes.every((shape) => shape !== 'n_embd_head_k') ? 'full' : null;
  if (qkNorm === null) return null;
  // Routed experts with a routing the graph facts name: on every layer, or (with the file's tensor
  // names) on the layers that carry a router, the others dense (the graph's ffn_gate_inp check).
  const moe = h.expertCount > 0;
  const declOf = (stem: string) => perLayer.find((t) => t.name === `blk.{i}.${stem}.weight`);
  const layerRestricted = (stem: string) => (declOf(stem)?.layers ?? 'all') !== 'all';
  let moeLayers = trunk.map(() => false);
  if (moe) {
    if (graph?.moe === undefined || !MOE_TENSORS.every((stem) => names.has(stem))) return null;
    if (MOE_TENSORS.some(layerRestricted)) {
      if (inFile === undefined) return null;
      moeLayers = trunk.map((l) => inFile(`blk.${l.index}.ffn_gate_inp.weight`));
    } else moeLayers = trunk.map(() => true);
    const denseLayers = moeLayers.some((isMoe) => !isMoe);
    if (denseLayers && !(names.has('ffn_up') && names.has('ffn_down'))) return null;
  } else if (!names.has('ffn_up') || !names.has('ffn_down') || MOE_TENSORS.some((stem) => names.has(stem))) return null;
  // A shared expert: a gated FFN of the expert width (n_ff_exp) beside the routed ones.
  const shared = ['ffn_gate_shexp', 'ffn_up_shexp', 'ffn_down_shexp'].filter((stem) => names.has(stem)).length;
  if ((shared !== 0 && shared !== 3) || (shared === 3 && declOf('ffn_up_shexp')?.shape[1] !== 'n_ff_exp')) return null;
  const sameShape = (l: (typeof trunk)[number], il: number) => l.ownsKv && l.headCount === first.headCount && l.headCountKv === first.headCountKv && (moeLayers[il] === true || l.ffLength === ffnWidth);
  if (!trunk.every((l, il) => (l.kind === 'full' || l.kind === 'swa' || l.kind === 'chunked') && sameShape(l, il)) || !first.rope) return null;
  // NoPE layers: Q and K go unrotated, or Q is scaled by the temperature input (graph.nopeQueryScale).
  const nopeQueryScale = graph?.nopeQueryScale?.value ?? false;
  // The FFN's input norm is ffn_norm unless the graph facts name another.
  const ffnNorm = graph?.ffnNorm?.value ?? 'ffn_norm';
  const postAttentionIsFfnNorm = ffnNorm === 'post_attention_norm';
  const preNorm = names.has('attn_norm') && names.has(ffnNorm);
  const postNorm = !postAttentionIsFfnNorm && names.has('post_attention_norm') && names.has('post_ffw_norm');
  // Norms before the blocks, after them, or both (sandwich), each in pairs.
  if ((!preNorm && !postNorm) || names.has('attn_norm') !== names.has(ffnNorm)) return null;
  if (postAttentionIsFfnNorm ? names.has('post_ffw_norm') : names.has('post_attention_norm') !== names.has('post_ffw_norm')) return null;
  const expertBiases = ['ffn_gate_exps', 'ffn_up_exps', 'ffn_down_exps'].filter((stem) => biases.has(stem)).length;
  if (expertBiases !== 0 && expertBiases !== 3) return null;
  if (names.has('attn_q_norm') !== att.qkNorm.value || names.has('attn_k_norm') !== att.qkNorm.value) return null;
  return {
    layers: trunk.length,
    nEmbd: h.nEmbd,
    heads: first.headCount,
    headsKv: first.headCountKv,
    headDimK: first.headDimK,
    headDimV: first.headDimV,
    ffnWidth,
    gated: names.has('ffn_gate'),
    preNorm,
    postNorm,
    qkNorm,
    vocab,
    ropeLayers: trunk.map((l) => l.rope),
    swaLayers: trunk.map((l) => l.kind === 'swa' || l.kind === 'chunked'),
    nopeQueryScale,
    moeLayers,
    fusedQkv,
    fusedGateUp: !names.has('ffn_gate') && perLayer.some((t) => t.name === 'blk.{i}.ffn_up.weight' && t.shape[1] === '2*n_ff'),
    ffnResidualFirst: graph?.ffnResidualFirst?.value ?? false,
    attnOutBias: biases.has('attn_output'),
    moe:
      moe && graph?.moe !== undefined
        ? {
            experts: h.expertCount,
            used: h.expertUsedCount,
            width: h.expertFeedForwardLength,
            routerBias: biases.has('ffn_gate_inp'),
            expertBiases: expertBiases === 3,
            gating: graph.moe.value.gating,
            normalizeWeights: graph.moe.value.normalizeWeights,
            selectFromLogits: graph.moe.value.selectFromLogits ?? false,
            weightBeforeExperts: graph.moe.value.weightBeforeExperts ?? false,
            sharedWidth: shared === 3 ? h.expertFeedForwardLength : null,
          }
        : null,
    hiddenStateOutput: graph?.hiddenStateOutput?.value ?? 'none',
  };
}
