import { DimExprError, type LayerSelector, type SelectorLayer, archTable, evalDim, layerDims, layerSelected } from '@arch-registry/core';
import { LAYER_SELECTORS } from '@arch-registry/core/schema';
import { planSynthesis } from '@arch-registry/gguf-synth';
import { describe, expect, it } from 'vitest';

/** Layer 0's plain names and one layer's per-layer names, as a synthesizer lookup would hold them. */
const plain: Record<string, number> = { n_embd: 128, n_head: 4, n_head_kv: 2, n_embd_head_k: 32, n_ff: 256 };
const layer3: Record<string, number> = { 'n_head(il)': 8, 'n_head_kv(il)': 2, 'n_ff(il)': 0, 'n_embd_k_gqa(il)': 64, 'n_embd_v_gqa(il)': 64 };
const inLayer = (name: string) => layer3[name] ?? plain[name];
const global = (name: string) => plain[name];

describe('dimension expressions with per-layer names', () => {
  it.each([
    // openelm's fused QKV: (8 + 2*2) heads of 32.
    { expr: '(n_head(il) + 2*n_head_kv(il))*n_embd_head_k', want: (8 + 2 * 2) * 32 },
    { expr: 'n_head(il)*n_embd_head_k + n_embd_k_gqa(il) + n_embd_v_gqa(il)', want: 8 * 32 + 64 + 64 },
    { expr: 'n_ff(il)', want: 0 },
    // Plain names keep layer 0's values beside per-layer ones.
    { expr: 'n_head*n_embd_head_k', want: 4 * 32 },
    { expr: 'n_head(il) - n_head', want: 8 - 4 },
  ])('$expr = $want on a layer', ({ expr, want }) => {
    expect(evalDim(expr, inLayer)).toBe(want);
  });

  it.each([
    { expr: 'n_head(il)*n_embd_head_k', code: 'PER_LAYER_DIM_IN_GLOBAL', message: 'only tensors.perLayer may use it' },
    { expr: 'n_embd + n_ff(il)', code: 'PER_LAYER_DIM_IN_GLOBAL', message: 'layer-0 name "n_ff"' },
    { expr: 'n_embd_head_k(il)', code: 'BAD_DIM_EXPR', message: 'unknown per-layer name "n_embd_head_k(il)"' },
    { expr: 'n_layers', code: 'BAD_DIM_EXPR', message: 'unknown name "n_layers"' },
  ])('$expr without a layer: $code', ({ expr, code, message }) => {
    const thrown = (() => {
      try {
        evalDim(expr, global);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(DimExprError);
    expect((thrown as DimExprError).code).toBe(code);
    expect((thrown as DimExprError).message).toContain(message);
  });

  it('layerDims: n_embd_k_gqa(il) = n_embd_head_k(il) * n_head_kv(il) (llama_hparams::n_embd_k_gqa)', () => {
    expect(layerDims({ headCount: 6, headCountKv: 3, headDimK: 32, headDimV: 16, ffLength: 96 })).toEqual({
      'n_head(il)': 6,
      'n_head_kv(il)': 3,
      'n_ff(il)': 96,
      'n_embd_k_gqa(il)': 3 * 32,
      'n_embd_v_gqa(il)': 3 * 16,
    });
  });
});

const layer = (index: number, headCount: number, headCountKv: number, ffLength: number, extra: Partial<SelectorLayer> = {}): SelectorLayer => ({
  index,
  kind: headCount > 0 && headCountKv > 0 ? 'full' : 'none',
  headCount,
  headCountKv,
  ffLength,
  hasRecurrentState: false,
  isMtp: false,
  ...extra,
});

/** deci.cpp's load_arch_tensors branches, one layer each, and the layers llama.cpp gives each tensor group. */
const LAYERS: readonly { name: string; layer: SelectorLayer; selected: readonly LayerSelector[] }[] = [
  // n_head_kv > 0: attn_norm, Q/K/V, wo {n_embd_head_k*n_head, n_embd}; FFN where n_ff > 0.
  { name: 'attention with FFN', layer: layer(0, 4, 2, 256), selected: ['all', 'attention', 'trunk', 'after-dense-lead', 'kv-heads', 'ffn'] },
  // n_head 0: no attention tensors at all.
  { name: 'attention-free (n_head 0)', layer: layer(1, 0, 0, 256), selected: ['all', 'trunk', 'after-dense-lead', 'ffn'] },
  // n_head_kv 0 && n_head > 0: attn_norm and wo {n_embd, n_embd} only.
  { name: 'linear attention (n_head_kv 0)', layer: layer(2, 4, 0, 256), selected: ['all', 'attention', 'trunk', 'after-dense-lead', 'linear-attention', 'ffn'] },
  // n_ff 0: no ffn_norm, no FFN.
  { name: 'FFN-free (n_ff 0)', layer: layer(3, 8, 2, 0), selected: ['all', 'attention', 'trunk', 'after-dense-lead', 'kv-heads'] },
  // A hybrid's recurrent-only layer (head_count_kv 0) is neither attention nor linear attention.
  {
    name: 'recurrent-only layer with query heads',
    layer: layer(4, 4, 0, 256, { kind: 'recurrent', hasRecurrentState: true }),
    selected: ['all', 'recurrent', 'trunk', 'after-dense-lead', 'ffn'],
  },
  { name: 'dense lead layer', layer: layer(0, 4, 4, 512), selected: ['all', 'attention', 'trunk', 'dense-lead', 'kv-heads', 'ffn'] },
  { name: 'MTP layer', layer: layer(5, 4, 4, 0, { isMtp: true }), selected: ['all', 'attention', 'mtp', 'after-dense-lead', 'kv-heads'] },
];

describe('layer selectors', () => {
  it.each(LAYERS)('$name', ({ name, layer: spec, selected }) => {
    // The dense lead row has leading_dense_block_count 1; the others none.
    const denseLead = name === 'dense lead layer' ? 1 : 0;
    const keys = (key: string) => (key === 'leading_dense_block_count' ? denseLead : undefined);
    expect(LAYER_SELECTORS.filter((selector) => layerSelected(selector, spec, keys))).toEqual(LAYER_SELECTORS.filter((selector) => selected.includes(selector)));
  });
});

/** Per-layer tensor suffixes and shapes synthesized for a contract model. */
function perLayerTensors(arch: 'deci' | 'openelm'): string[][] {
  const { tensors, model } = planSynthesis(archTable[arch], 'header-only');
  return model.layers.map((spec) =>
    tensors.filter((tensor) => tensor.name.startsWith(`blk.${spec.index}.`)).map((tensor) => `${tensor.name.slice(`blk.${spec.index}.`.length)} ${tensor.dims.join('x')}`),
  );
}

describe('the synthesizer sizes each layer with its own counts', () => {
  it('openelm: attn_qkv {n_embd, (n_head(i) + 2*n_head_kv(i))*n_embd_head_k}, wo {n_head(i)*n_embd_head_k, n_embd}, FFN n_ff(i)', () => {
    // Contract model: n_embd 128, head dim 32, heads 4/6/8 over 2/3/4 KV heads, n_ff 128/256/384.
    const want = [
      [4, 2, 128],
      [6, 3, 256],
      [8, 4, 384],
    ].map(([heads = 0, kv = 0, ff = 0]) => [
      'attn_norm.weight 128',
      `attn_qkv.weight 128x${(heads + 2 * kv) * 32}`,
      'attn_q_norm.weight 32',
      'attn_k_norm.weight 32',
      `attn_output.weight ${heads * 32}x128`,
      'ffn_norm.weight 128',
      `ffn_gate.weight 128x${ff}`,
      `ffn_down.weight ${ff}x128`,
      `ffn_up.weight 128x${ff}`,
    ]);
    expect(perLayerTensors('openelm')).toEqual(want);
  });

  it("deci: each of load_arch_tensors' branches carries its own tensors", () => {
    // Contract model: n_embd 128, head dim 32; heads [4, 0, 4, 8, 2], KV heads [2, 0, 0, 2, 1], n_ff [256, 256, 256, 0, 128].
    const ffn = (ff: number) => ['ffn_norm.weight 128', `ffn_gate.weight 128x${ff}`, `ffn_down.weight ${ff}x128`, `ffn_up.weight 128x${ff}`];
    const attention = (heads: number, kv: number) => [
      'attn_norm.weight 128',
      `attn_q.weight 128x${heads * 32}`,
      `attn_k.weight 128x${kv * 32}`,
      `attn_v.weight 128x${kv * 32}`,
      `attn_output.weight ${heads * 32}x128`,
    ];
    expect(perLayerTensors('deci')).toEqual([
      [...attention(4, 2), ...ffn(256)],
      ffn(256),
      ['attn_norm.weight 128', 'attn_output.weight 128x128', ...ffn(256)],
      attention(8, 2),
      [...attention(2, 1), ...ffn(128)],
    ]);
  });
});

describe('tensor alternatives (insteadOf): the synthesizer writes one form', () => {
  it("deci with use attn_qkv: a fused {n_embd, n_head(i)*n_embd_head_k + n_embd_k_gqa(i) + n_embd_v_gqa(i)} and no Q/K/V (create_tensor_qkv)", () => {
    const { tensors } = planSynthesis(archTable.deci, 'header-only', { use: ['blk.{i}.attn_qkv.weight'] });
    const attention = tensors.filter((tensor) => /^blk\.\d+\.attn_(qkv|q|k|v)\./.test(tensor.name)).map((tensor) => `${tensor.name} ${tensor.dims.join('x')}`);
    // KV-head layers 0, 3, 4: heads 4/8/2 over 2/2/1 KV heads of 32.
    expect(attention).toEqual([`blk.0.attn_qkv.weight 128x${4 * 32 + 2 * 2 * 32}`, `blk.3.attn_qkv.weight 128x${8 * 32 + 2 * 2 * 32}`, `blk.4.attn_qkv.weight 128x${2 * 32 + 2 * 1 * 32}`]);
  });

  it('a name that is not an optional tensor of the plugin is refused, naming the ones that are', () => {
    expect(() => planSynthesis(archTable.deci, 'header-only', { use: ['blk.{i}.attn_q.weight'] })).toThrow(/deci does not declare as an optional tensor; name one of: .*blk\.\{i\}\.attn_qkv\.weight/);
  });
});
