/*
 * `arch-registry add`: refusals, --dry-run, what a header pre-fills, TODO(fact) fields and their
 * validation message, remote reads with progress, and all-or-nothing writes checked with git status.
 * Headers are synthesized from existing plugins under new names, at the scale of real models.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type ArchName, type ContractValue, type TensorDecl, archTable, readGgufHeader, upstream } from '@arch-registry/core';
import { GENERATED_TS_DIR, JOURNAL_PATH, checkGenerated, generate, interruptedChange, loadRegistry, rollBackInterrupted, writeGenerated } from '@arch-registry/codegen';
import { synthesize } from '@arch-registry/gguf-synth';
import { main } from 'arch-registry';
import { Project, ts } from 'ts-morph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddRolledBack, addArch } from '../../packages/cli/src/commands/add/add-arch.js';
import { buildDraft } from '../../packages/cli/src/commands/add/derive-facts.js';
import { Todo } from '../../packages/cli/src/commands/add/draft.js';
import { readHeaderModel } from '../../packages/cli/src/commands/add/header-model.js';
import { readSourceHeader } from '../../packages/cli/src/commands/add/read-source.js';
import { writeFixture } from '../fixtures/define-fixture.js';
import { deepseekV3, exaone4_32b, gemma3_27b, gptOss_20b, llama31_8b, qwen3_8b } from '../fixtures/models/index.js';
import { captureIo } from '../helpers/capture-io.js';

const root = path.resolve(import.meta.dirname, '../..');
let dir = '';
const file = (name: string) => path.join(dir, `${name}.gguf`);

/** EXAONE 4.0 32B's layer_types as convert_hf_to_gguf.py writes them: 3 sliding, 1 full. */
const LLLG = Array.from({ length: 64 }, (_, il) => il % 4 < 3);

/** Layer-wise scaling in OpenELM's manner (not a released model): heads, KV heads and FFN width grow with depth. */
const OPENELM_LIKE = {
  context_length: 2048,
  embedding_length: 1280,
  block_count: 4,
  feed_forward_length: [768, 1536, 3072, 5120],
  'attention.head_count': [12, 12, 16, 20],
  'attention.head_count_kv': [3, 3, 4, 5],
  'attention.key_length': 64,
  'attention.value_length': 64,
  'attention.layer_norm_rms_epsilon': { f32: 1e-6 },
} as const satisfies Readonly<Record<string, ContractValue>>;

/** Every Nemotron layer kind in deci.cpp's branches: attention, none (n_head 0), linear (n_head_kv 0), no FFN (n_ff 0). */
const DECI_LIKE = {
  context_length: 4096,
  embedding_length: 1024,
  block_count: 6,
  feed_forward_length: [3072, 3072, 2048, 0, 1024, 3072],
  'attention.head_count': [8, 0, 8, 8, 8, 16],
  'attention.head_count_kv': [1, 0, 0, 1, 2, 2],
  'attention.key_length': 128,
  'attention.value_length': 128,
  'rope.dimension_count': 128,
  'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
} as const satisfies Readonly<Record<string, ContractValue>>;

/** A real-scale header-only GGUF of `base`'s layout under another arch name. */
async function headerAs(base: ArchName, name: string, hparams: Readonly<Record<string, ContractValue>>, vocabSize: number): Promise<string> {
  await synthesize({ ...archTable[base], name }, 'header-only', file(name), { base: 'none', hparams, vocabSize });
  return file(name);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-add-'));
  await headerAs('exaone4', 'exaone9', { ...exaone4_32b.hparams, 'attention.sliding_window_pattern': LLLG }, exaone4_32b.vocabSize);
  await headerAs('gemma3', 'gemma9', { ...gemma3_27b.hparams, 'attention.sliding_window_pattern': 6 }, gemma3_27b.vocabSize);
  await headerAs('gemma3', 'gemma8', gemma3_27b.hparams, gemma3_27b.vocabSize);
  await headerAs('deepseek2', 'deepseek9', deepseekV3.hparams, deepseekV3.vocabSize);
  await headerAs('gpt-oss', 'gptoss9', gptOss_20b.hparams, gptOss_20b.vocabSize);
  const kvEveryOther = Array.from({ length: 32 }, (_, il) => (il % 2 === 0 ? 8 : 0));
  await headerAs('llama', 'llama9', { ...llama31_8b.hparams, 'attention.head_count_kv': kvEveryOther }, llama31_8b.vocabSize);
  await headerAs('openelm', 'openelm9', OPENELM_LIKE, 32000);
  await headerAs('deci', 'deci9', DECI_LIKE, 32000);
  await headerAs('granitehybrid', 'granite9', archTable.granitehybrid.contract.hparams, archTable.granitehybrid.contract.vocabSize);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function draftOf(name: string) {
  const header = await readGgufHeader(file(name));
  return buildDraft({ name, header: readHeaderModel(header, name) });
}

function perLayerDecl(draft: Awaited<ReturnType<typeof draftOf>>, name: string) {
  const decls = draft.tensors.perLayer;
  return Array.isArray(decls) ? decls.find((decl) => decl.name === name) : undefined;
}

async function run(...argv: string[]) {
  const io = captureIo();
  const status = await main(['add', ...argv], io);
  return { status, out: io.out(), err: io.err() };
}

describe('add refuses what it must not scaffold, and writes nothing', () => {
  // prettier-ignore
  it.each([
    // argv                                   stderr
    [['Exaone4'],                             /"Exaone4" is not a GGUF architecture name.*did you mean "exaone4"\?/],
    [['4bit'],                                /"4bit" is not a GGUF architecture name/],
    [['gpt--oss'],                            /"gpt--oss" is not a GGUF architecture name/],
    [['gpt oss'],                             /"gpt oss" is not a GGUF architecture name/],
    [['ernie4_5-moe_'],                       /not a GGUF architecture name/],
    [[],                                      /add needs the architecture name/],
    [['one', 'two'],                          /one architecture name/],
    [['llama'],                               /registry\/archs\/llama\/ already exists.*never overwrites/],
    [['exaone4', '--like', 'llama'],          /registry\/archs\/exaone4\/ already exists/],
    [['newarch', '--like', 'lama'],           /--like lama: the registry has no such plugin\. Did you mean "llama"\?/],
    [['newarch', '--like', 'nothing-like-it'], /--like nothing-like-it: the registry has no such plugin\. Plugins: .*llama/],
  ])('add %j exits 2', async (argv, message) => {
    const result = await run(...argv);
    expect(result.err).toMatch(message);
    expect(result.status).toBe(2);
    expect(existsSync(path.join(root, 'registry', 'archs', 'newarch'))).toBe(false);
  });

  it('a header whose general.architecture is another arch is refused, naming both', async () => {
    const result = await run('exaone8', '--from', file('exaone9'));
    expect(result.status).toBe(2);
    expect(result.err).toMatch(/general\.architecture is "exaone9", not "exaone8".*arch-registry add exaone9/);
  });

  it('names mixing "-" and "_" are kept verbatim', async () => {
    const result = await run('my_arch-v2', '--dry-run');
    expect(result.status).toBe(0);
    expect(result.out).toContain('would create registry/archs/my_arch-v2/index.ts');
  });
});

describe('add --dry-run', () => {
  it('prints what it would create and the next commands, and writes nothing', async () => {
    const tmpBefore = existsSync(path.join(root, 'tmp')) ? await readdir(path.join(root, 'tmp')) : [];
    const result = await run('exaone9', '--from', file('exaone9'), '--dry-run');
    expect(result.status, result.err).toBe(0);
    for (const created of ['registry/archs/exaone9/index.ts', 'docs/archs/exaone9.md', '.changeset/exaone9.md']) {
      expect(result.out).toContain(`would create ${created}`);
      expect(existsSync(path.join(root, created))).toBe(false);
    }
    expect(result.out).toContain('layers.period: exaone9.attention.sliding_window_pattern repeats every 4 layers (dense last)');
    expect(result.out).toContain('dry run: nothing was written');
    expect(result.out).toContain('npm run test:contract -- --arch exaone9');
    expect(existsSync(path.join(root, 'tmp')) ? await readdir(path.join(root, 'tmp')) : []).toEqual(tmpBefore);
  });
});

describe('--from pre-fills every fact the header gives', () => {
  it('SWA window and per-layer pattern, head counts and dims (EXAONE 4.0 32B layout)', async () => {
    const draft = await draftOf('exaone9');
    expect(draft.plugin).toMatchObject({
      memory: { value: 'iswa' },
      layers: { type: 'swa', swaType: 'standard', period: 4, denseFirst: false, patternKey: 'scalar-or-array', window: { required: false }, activation: { type: 'window-positive' } },
      attention: { qkNorm: { value: true }, perLayerHeads: { value: false }, mla: { value: null }, sinks: { value: false } },
      contract: {
        hparams: {
          block_count: 64,
          embedding_length: 64,
          feed_forward_length: 128,
          'attention.head_count': 2,
          'attention.head_count_kv': 1,
          'attention.key_length': 32,
          'attention.value_length': 32,
          'attention.sliding_window': 128,
          'attention.sliding_window_pattern': LLLG,
          'attention.layer_norm_rms_epsilon': { f32: 1e-5 },
          'rope.freq_base': { f32: 1_000_000 },
        },
        vocabSize: 320,
      },
    });
    expect(perLayerDecl(draft, 'blk.{i}.attn_q.weight')?.shape).toEqual(['n_embd', 'n_head*n_embd_head_k']);
    expect(perLayerDecl(draft, 'blk.{i}.attn_k.weight')?.shape).toEqual(['n_embd', 'n_embd_k_gqa']);
    expect(perLayerDecl(draft, 'blk.{i}.attn_v.weight')?.shape).toEqual(['n_embd', 'n_embd_v_gqa']);
    expect(perLayerDecl(draft, 'blk.{i}.attn_q_norm.weight')).toMatchObject({ shape: ['n_embd_head_k'], init: 'ones' });
    expect(perLayerDecl(draft, 'blk.{i}.ffn_down.weight')?.shape).toEqual(['n_ff', 'n_embd']);
    expect(draft.review.map((item) => item.path)).toContain('layers.activation');
  });

  it('a scalar sliding_window_pattern is the period (gemma3 layout)', async () => {
    const draft = await draftOf('gemma9');
    expect(draft.plugin).toMatchObject({
      layers: { type: 'swa', period: 6, denseFirst: false, patternKey: 'scalar' },
      contract: { hparams: { block_count: 62, 'attention.sliding_window': 128, 'attention.sliding_window_pattern': 6, 'attention.head_count': 2, 'attention.head_count_kv': 1 } },
    });
  });

  it('MLA widths, dense-lead and MoE layers (DeepSeek-V3 layout)', async () => {
    const draft = await draftOf('deepseek9');
    expect(draft.plugin).toMatchObject({
      memory: { value: 'kv' },
      layers: { type: 'all-full' },
      attention: { mla: { value: { activeWhenKeys: ['attention.key_length_mla', 'attention.value_length_mla'], kvLoraRankKey: 'attention.kv_lora_rank' } } },
      requiredKeys: { value: ['attention.layer_norm_rms_epsilon', 'expert_count', 'expert_used_count', 'attention.kv_lora_rank'] },
      contract: {
        hparams: {
          block_count: 3,
          leading_dense_block_count: 1,
          'attention.head_count': 4,
          'attention.head_count_kv': 1,
          'attention.kv_lora_rank': 64,
          'attention.q_lora_rank': 32,
          'rope.dimension_count': 32,
          'attention.key_length': 96,
          'attention.value_length': 64,
          'attention.key_length_mla': 48,
          'attention.value_length_mla': 32,
          expert_count: 4,
          expert_used_count: 2,
        },
      },
    });
    expect(perLayerDecl(draft, 'blk.{i}.attn_kv_a_mqa.weight')?.shape).toEqual(['n_embd', 'attention.kv_lora_rank + n_rot']);
    expect(perLayerDecl(draft, 'blk.{i}.attn_k_b.weight')?.shape).toEqual(['attention.key_length_mla - n_rot', 'attention.kv_lora_rank', 'n_head']);
    expect(perLayerDecl(draft, 'blk.{i}.attn_q_b.weight')?.shape).toEqual(['attention.q_lora_rank', 'n_head*attention.key_length_mla']);
    expect(perLayerDecl(draft, 'blk.{i}.ffn_gate.weight')?.layers).toBe('dense-lead');
    expect(perLayerDecl(draft, 'blk.{i}.ffn_gate_inp.weight')?.layers).toBe('after-dense-lead');
    expect(perLayerDecl(draft, 'blk.{i}.ffn_down_shexp.weight')?.shape).toEqual(['n_ff_exp*expert_shared_count', 'n_embd']);
    expect(draft.warnings).toEqual([]);
  });

  it('per-layer head counts with zero-KV layers and no recurrent keys: zero-width KV slots, not recurrent layers (deci-like)', async () => {
    const draft = await draftOf('llama9');
    expect(draft.plugin).toMatchObject({
      memory: { value: 'kv' },
      layers: { type: 'all-full' },
      attention: { perLayerHeads: { value: true } },
      contract: { hparams: { block_count: 32, 'attention.head_count': 2, 'attention.head_count_kv': Array.from({ length: 32 }, (_, il) => (il % 2 === 0 ? 1 : 0)) } },
    });
    expect(draft.review.map((item) => item.path)).toContain('layers');
  });

  it('zero-KV layers with SSM keys make a hybrid rule; the state size follows the ssm.* keys (granitehybrid layout)', async () => {
    const draft = await draftOf('granite9');
    expect(draft.plugin).toMatchObject({
      memory: { value: 'hybrid' },
      layers: { type: 'hybrid', recurrent: { type: 'head-count-kv-zero' } },
      recurrentState: { value: 'mamba' },
      contract: { hparams: { block_count: 6, 'attention.head_count_kv': [1, 0, 0, 1, 0, 0] } },
    });
    expect(perLayerDecl(draft, 'blk.{i}.attn_q.weight')?.layers).toBe('attention');
    expect(perLayerDecl(draft, 'blk.{i}.ssm_in.weight')?.layers).toBe('recurrent');
  });

  it('widths that change by layer get per-layer names (openelm layout: attn_qkv, attn_output and FFN sized by n_head(i), n_head_kv(i), n_ff(i))', async () => {
    const draft = await draftOf('openelm9');
    // openelm.cpp: attn_qkv {n_embd, (n_head(i) + 2*n_head_kv(i))*n_embd_head_k}; the draft's sum is the same product.
    expect(perLayerDecl(draft, 'blk.{i}.attn_qkv.weight')?.shape).toEqual(['n_embd', 'n_head(il)*n_embd_head_k + 2*n_embd_k_gqa(il)']);
    expect(perLayerDecl(draft, 'blk.{i}.attn_output.weight')?.shape).toEqual(['n_head(il)*n_embd_head_v', 'n_embd']);
    expect(perLayerDecl(draft, 'blk.{i}.ffn_up.weight')?.shape).toEqual(['n_embd', 'n_ff(il)']);
    expect(perLayerDecl(draft, 'blk.{i}.ffn_down.weight')?.shape).toEqual(['n_ff(il)', 'n_embd']);
    // Widths equal on every layer keep their plain names.
    expect(perLayerDecl(draft, 'blk.{i}.attn_q_norm.weight')?.shape).toEqual(['n_embd_head_k']);
    // One declaration per tensor, on every layer.
    expect((draft.tensors.perLayer as readonly { name: string; layers?: unknown }[]).filter((decl) => decl.name === 'blk.{i}.ffn_up.weight')).toEqual([
      expect.objectContaining({ name: 'blk.{i}.ffn_up.weight', shape: ['n_embd', 'n_ff(il)'] }),
    ]);
    expect(perLayerDecl(draft, 'blk.{i}.ffn_up.weight')?.layers).toBeUndefined();
  });

  it("deci's layer kinds get their selectors: Q/K/V on kv-heads layers, FFN where n_ff(i) > 0, K/V widths per layer", async () => {
    const draft = await draftOf('deci9');
    // Layers 0, 3, 4, 5 have KV heads (1, 1, 2, 2): Q/K/V there, K/V as wide as each layer's KV heads.
    expect(perLayerDecl(draft, 'blk.{i}.attn_k.weight')).toMatchObject({ shape: ['n_embd', 'n_embd_k_gqa(il)'], layers: 'kv-heads' });
    expect(perLayerDecl(draft, 'blk.{i}.attn_v.weight')).toMatchObject({ shape: ['n_embd', 'n_embd_v_gqa(il)'], layers: 'kv-heads' });
    expect(perLayerDecl(draft, 'blk.{i}.attn_q.weight')).toMatchObject({ shape: ['n_embd', 'n_head(il)*n_embd_head_k'], layers: 'kv-heads' });
    // attn_norm on every layer with heads (the linear-attention layer 2 included), not on layer 1.
    expect(perLayerDecl(draft, 'blk.{i}.attn_norm.weight')?.layers).toBe('attention');
    // Layer 3 has no FFN.
    expect(perLayerDecl(draft, 'blk.{i}.ffn_norm.weight')).toMatchObject({ shape: ['n_embd'], layers: 'ffn' });
    expect(perLayerDecl(draft, 'blk.{i}.ffn_gate.weight')).toMatchObject({ shape: ['n_embd', 'n_ff(il)'], layers: 'ffn' });
  });

  it("--like deci keeps the fused attn_qkv as the alternative to the header's Q/K/V (insteadOf), on the same kv-heads layers", async () => {
    const header = await readGgufHeader(file('deci9'));
    const draft = buildDraft({ name: 'deci9', header: readHeaderModel(header, 'deci9'), like: archTable.deci });
    expect(perLayerDecl(draft, 'blk.{i}.attn_qkv.weight')).toMatchObject({ optional: true, layers: 'kv-heads', insteadOf: (archTable.deci.tensors.perLayer as readonly TensorDecl[]).find((decl) => decl.insteadOf !== undefined)?.insteadOf });
    expect(perLayerDecl(draft, 'blk.{i}.attn_q.weight')).toMatchObject({ layers: 'kv-heads' });
  });

  it('attention sinks from the tensor names; a window without a pattern leaves the period TODO (gpt-oss layout)', async () => {
    const draft = await draftOf('gptoss9');
    expect(draft.plugin).toMatchObject({ attention: { sinks: { value: true } }, layers: { type: 'swa', period: expect.any(Todo), patternKey: expect.any(Todo) } });
    expect(perLayerDecl(draft, 'blk.{i}.attn_sinks.weight')?.shape).toEqual(['n_head']);
    expect(perLayerDecl(draft, 'blk.{i}.ffn_down_exps.weight')?.shape).toEqual(['n_ff_exp', 'n_embd', 'n_expert']);
  });
});

/** Type errors of a rendered plugin placed at `file` (inside a checkout, so its imports resolve). */
function typeErrors(file: string, text: string): string {
  const project = new Project({
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      noEmit: true,
    },
    skipAddingFilesFromTsConfig: true,
  });
  const source = project.createSourceFile(file, text, { overwrite: true });
  return source
    .getPreEmitDiagnostics()
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.getMessageText() as string | ts.DiagnosticMessageChain, '\n'))
    .join('\n');
}

describe('--like starts from an existing plugin; --from overrides what its header says', () => {
  it('exaone4 facts the header cannot give (SWA only at 64 layers, scalar pattern key, default window) survive; citations point at the new arch', async () => {
    const header = await readGgufHeader(file('exaone9'));
    const draft = buildDraft({ name: 'exaone9', header: readHeaderModel(header, 'exaone9'), like: archTable.exaone4 });
    expect(draft.plugin).toMatchObject({
      layers: {
        type: 'swa',
        period: 4,
        patternKey: 'scalar',
        window: { required: false, default: 4096 },
        activation: { type: 'n-layer-equals', nLayer: 64 },
        cite: { file: 'src/models/exaone9.cpp', fn: 'llama_model_exaone9::load_arch_hparams' },
      },
      rope: { type: { value: 'neox' }, nopeLayers: { value: { type: 'full-attention-layers' }, cite: { file: 'src/models/exaone9.cpp', fn: 'llama_model_exaone9::graph' } } },
      mtp: { value: 'kept-in-kv' },
    });
    // The plugin's own reading of a width wins where it gives the header's number.
    expect(perLayerDecl(draft, 'blk.{i}.attn_output.weight')?.shape).toEqual(['n_embd', 'n_embd']);
    expect(draft.sources).toEqual(['--like exaone4', `the header of ${file('exaone9')}`]);
    expect(draft.review.map((item) => item.path)).toContain('(every fact)');
  });

  it('--like gemma3n keeps its K/V-sharing tail, cited in the new arch\'s loader; other starts say none and ask for a check', async () => {
    const { draft } = await addArch({ root, name: 'gemma9n', like: 'gemma3n', dryRun: true });
    expect(draft.plugin.kvSharing).toEqual({
      value: { type: 'tail', start: { type: 'fixed', layer: 20 } },
      cite: { ...archTable.gemma3n.kvSharing.cite, file: 'src/models/gemma9n.cpp', fn: 'llama_model_gemma9n::load_arch_hparams' },
    });
    const { draft: plain, files } = await addArch({ root, name: 'exaone9', from: file('exaone9'), dryRun: true });
    expect(plain.plugin.kvSharing).toEqual({ value: { type: 'none' }, cite: upstream.noKvSharing });
    expect(files.plugin.text).toContain("kvSharing: fact({ type: 'none' }, upstream.noKvSharing),");
    expect(plain.review.map((item) => item.path)).toContain('kvSharing');
  });

  it('without --from, every fact is the --like plugin\'s, retargeted, and nothing is TODO', async () => {
    const { draft, todos } = await addArch({ root, name: 'llama9', like: 'llama', dryRun: true });
    expect(todos).toEqual([]);
    expect(draft.plugin).toMatchObject({ layers: { type: 'all-full', cite: { file: 'src/models/llama9.cpp' } }, contract: archTable.llama.contract });
    expect(draft.tensors.perLayer).toEqual(archTable.llama.tensors.perLayer);
  });
});

describe('the rendered plugin', () => {
  it.each(['exaone9', 'gptoss9'])('%s type-checks against the schema, TODO(fact) helper included, and imports from @arch-registry/core/schema', async (name) => {
    const { files } = await addArch({ root, name, from: file(name), dryRun: true });
    expect(files.plugin.text).toMatch(/^import \{ cite, defineArch, fact, upstream \} from '@arch-registry\/core\/schema';/);
    expect(files.plugin.text).toContain('const todo = (where: string): never =>');
    expect(typeErrors(path.join(root, 'registry', 'archs', `${name}-typecheck`, 'index.ts'), files.plugin.text)).toBe('');
  });
});

describe('remote headers', () => {
  let server: https.Server | undefined;
  let cert = '';
  let url = '';
  beforeAll(async () => {
    const made = makeCert();
    if (made === undefined) return;
    cert = made.cert;
    await synthesize(archTable.llama, 'tiny', file('tiny-llama'));
    const bytes = readFileSync(file('tiny-llama'));
    server = https.createServer({ key: made.key, cert: made.cert }, (req, res) => {
      const match = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      const start = Number(match?.[1] ?? 0);
      const end = Math.min(Number(match?.[2] ?? bytes.length - 1), bytes.length - 1);
      res.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${bytes.length}`, 'Content-Length': end - start + 1, 'Content-Type': 'application/octet-stream' });
      res.end(bytes.subarray(start, end + 1));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/llama.gguf?token=secret`;
  });
  afterAll(() => {
    server?.close();
  });

  it('reads only the header of an https URL and reports progress without the query string', async (context) => {
    if (server === undefined) context.skip();
    const lines: string[] = [];
    const header = await readSourceHeader(url, (line) => lines.push(line), { ca: cert });
    expect(header.metadata['general.architecture']).toBe('llama');
    expect(lines[0]).toMatch(/^reading the header of https:\/\/127\.0\.0\.1:\d+\/llama\.gguf(\?…)?$/);
    expect(lines.some((line) => /MiB fetched of a [\d.]+ GiB file/.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/header read: \d+ tensors, \d+ keys/);
    expect(lines.join('\n')).not.toContain('secret');
  });
});

function makeCert(): { key: string; cert: string } | undefined {
  const certDir = mkdtempSync(path.join(os.tmpdir(), 'arch-registry-add-cert-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { cwd: certDir, stdio: 'ignore', timeout: 10_000 },
    );
    return { key: readFileSync(path.join(certDir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(certDir, 'cert.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    rmSync(certDir, { recursive: true, force: true });
  }
}

/**
 * A git repository holding the parts of the checkout `add` reads and writes, everything staged:
 * `git status --porcelain` is then the baseline a failed add must leave unchanged.
 */
describe('in a git copy of the repository', () => {
  let copy = '';
  const git = (...args: string[]) => execFileSync('git', args, { cwd: copy, encoding: 'utf8' });
  const status = () => git('status', '--porcelain', '--untracked-files=all');
  let baseline = '';

  beforeAll(async () => {
    copy = await mkdtemp(path.join(os.tmpdir(), 'arch-registry-add-git-'));
    const skipDist = (source: string) => !source.split(path.sep).includes('dist');
    // Plugins are TypeScript: their transform reads registry/tsconfig.json, which extends ../tsconfig.base.json.
    for (const part of ['registry', 'templates', 'docs', '.changeset', GENERATED_TS_DIR, '.gitignore', 'tsconfig.base.json', 'package.json', 'packages/core/tsconfig.json']) {
      if (existsSync(path.join(root, part))) await cp(path.join(root, part), path.join(copy, part), { recursive: true, filter: skipDist });
    }
    // Plugins import '@arch-registry/core/schema': resolve it through the real workspace.
    await symlink(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    // qwen3 leaves the copy's registry, so add can bring it back from a Qwen3-8B header.
    await rm(path.join(copy, 'registry', 'archs', 'qwen3'), { recursive: true });
    await writeGenerated(copy, await generate(copy));
    await writeFixture(qwen3_8b, file('qwen3'));
    git('init', '-q');
    git('add', '-A');
    baseline = status();
  });
  afterAll(async () => {
    await rm(copy, { recursive: true, force: true });
  });

  // prettier-ignore
  it.each([
    // the step after which the injected failure throws
    ['moved'],      // plugin folder, docs page and changeset are in place
    ['generated'],  // codegen's files are written too
  ] as const)('a failure after "%s" is undone: git status is unchanged and no scratch folder is left', async (step) => {
    const failing = addArch({
      root: copy,
      name: 'qwen3',
      from: file('qwen3'),
      afterStep: (at) => {
        if (at === step) throw new Error(`injected failure after ${step}`);
      },
    });
    await expect(failing).rejects.toThrow(AddRolledBack);
    await expect(failing).rejects.toThrow(`add failed and was undone, the repository is as it was: injected failure after ${step}`);
    expect(status()).toBe(baseline);
    expect(existsSync(path.join(copy, 'tmp'))).toBe(false);
  });

  /** What a polling test sees of an add in progress in the copy. */
  async function progress(generatedBefore: ReadonlyMap<string, string>) {
    let generatedChanged = false;
    for (const [file, text] of generatedBefore) {
      if ((await readFile(path.join(copy, file), 'utf8').catch(() => '')) !== text) generatedChanged = true;
    }
    const has = (relative: string) => existsSync(path.join(copy, relative));
    return { journal: has(JOURNAL_PATH), plugin: has('registry/archs/qwen3'), docs: has('docs/archs/qwen3.md'), changeset: has('.changeset/qwen3.md'), generatedChanged };
  }
  const cli = (...argv: string[]) => spawnSync(process.execPath, [path.join(root, 'packages/cli/bin/arch-registry.js'), ...argv], { cwd: copy, encoding: 'utf8' });

  // prettier-ignore
  it.each<[string, (at: Awaited<ReturnType<typeof progress>>) => boolean]>([
    ['the journal is written and nothing is moved yet', (at) => at.journal && !at.plugin],
    ['the plugin folder is moved in',                   (at) => at.plugin && !at.docs],
    ['the docs page is moved in too',                   (at) => at.docs && !at.changeset],
    ['codegen has rewritten some of its files',         (at) => at.generatedChanged],
  ])('a SIGKILL when %s leaves a journal, and rolling it back restores git status', async (point, reached) => {
    const generatedBefore = new Map<string, string>();
    for (const entry of await generate(copy)) generatedBefore.set(entry.path, await readFile(path.join(copy, entry.path), 'utf8'));
    const child = spawn(process.execPath, [path.join(root, 'packages/cli/bin/arch-registry.js'), 'add', 'qwen3', '--from', file('qwen3')], {
      cwd: copy,
      env: { ...process.env, ARCH_REGISTRY_ADD_PAUSE_MS: '1500', ARCH_REGISTRY_CODEGEN_PAUSE_MS: '1500' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 60_000;
    let hit = false;
    while (!hit && Date.now() < deadline && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      hit = reached(await progress(generatedBefore));
    }
    child.kill('SIGKILL');
    await exited;
    expect(hit, `the add never reached "${point}" before it ended`).toBe(true);
    // tmp/ is git-ignored: until the first move, git sees no change; the journal is there all the same.
    if (point !== 'the journal is written and nothing is moved yet') expect(status()).not.toBe(baseline);
    expect(await interruptedChange(copy)).toBe('arch-registry add qwen3');
    if (point === 'the plugin folder is moved in') {
      // The commands that read the checkout say so; codegen rolls it back.
      const check = cli('codegen', '--check');
      expect(check.status).toBe(1);
      expect(check.stderr).toContain('"arch-registry add qwen3" was interrupted (tmp/arch-registry.journal.json is left)');
      const run = cli('codegen');
      expect(run.status, run.stderr).toBe(0);
      // New paths: the plugin folder, its docs page and its changeset.
      expect(run.stdout).toMatch(/^rolled back an interrupted "arch-registry add qwen3": 3 new path\(s\) removed/);
    } else {
      expect(await rollBackInterrupted(copy)).toMatch(/^rolled back an interrupted "arch-registry add qwen3"/);
    }
    expect(status()).toBe(baseline);
    expect(existsSync(path.join(copy, 'tmp'))).toBe(false);
  }, 90_000);

  it('without a failure the same add creates the plugin, docs page and changeset and registers it (the check above can fail)', async () => {
    const result = await addArch({ root: copy, name: 'qwen3', from: file('qwen3') });
    expect(result.registered).toBe(true);
    expect(result.todos).toEqual([]);
    const changed = status();
    expect(changed).not.toBe(baseline);
    expect(changed).toContain('?? registry/archs/qwen3/index.ts');
    expect(changed).toContain('?? docs/archs/qwen3.md');
    expect(changed).toContain('?? .changeset/qwen3.md');
    expect(changed).toMatch(/^AM packages\/core\/src\/generated\/archs\.ts$/m);
    const registry = await loadRegistry(copy);
    expect(registry.archs.map((entry) => entry.plugin.name)).toContain('qwen3');
    // Registered as codegen registers: a fresh run over the whole copy changes nothing.
    expect(await checkGenerated(copy, await generate(copy))).toEqual([]);
    const plugin = path.join(copy, 'registry', 'archs', 'qwen3', 'index.ts');
    expect(typeErrors(plugin, await readFile(plugin, 'utf8'))).toBe('');
    expect(await readFile(path.join(copy, '.changeset', 'qwen3.md'), 'utf8')).toMatch(/^---\n"@arch-registry\/registry": minor\n---\n\nAdd the `qwen3` architecture plugin: /);
  });

  it('a second add of the same arch is refused naming the folder', async () => {
    await expect(addArch({ root: copy, name: 'qwen3', from: file('qwen3') })).rejects.toThrow('registry/archs/qwen3/ already exists');
  });

  it('TODO(fact) fields: the plugin is written but not registered, and validation names the field and src/models/<arch>.cpp', async () => {
    const result = await addArch({ root: copy, name: 'gemma8', from: file('gemma8') });
    expect(result.registered).toBe(false);
    expect(result.generated).toEqual([]);
    expect(result.todos.map((todo) => todo.path)).toEqual(expect.arrayContaining(['layers.period', 'layers.patternKey', 'rope.type.value']));
    const problem = await loadRegistry(copy).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(problem).toBeInstanceOf(Error);
    const message = (problem as Error).message;
    expect(message).toContain('plugin "gemma8" (registry/archs/gemma8/index.ts) is invalid');
    expect(message).toMatch(/layers\.period: expected an integer from 0 to 512, found "TODO\(fact\): src\/models\/gemma8\.cpp/);
    expect(message).toMatch(/rope\.type\.value: expected one of .*, found "TODO\(fact\): src\/llama-model\.cpp/);
    const text = await readFile(path.join(copy, 'registry', 'archs', 'gemma8', 'index.ts'), 'utf8');
    expect(text).toContain("period: todo('src/models/gemma8.cpp: the SWA period: the argument of set_swa_pattern in load_arch_hparams')");
  });
});
