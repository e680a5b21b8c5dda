import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PINNED_SOURCE } from '@arch-registry/core/schema';
import Handlebars from 'handlebars';
import { type Draft, type DraftDecl, Todo, findTodos, tagOf } from './draft.js';
import { type CiteNames, printBlock, printEntries, printInline, quote } from './print-ts.js';

/** The three files `add` writes, relative to the repository root. */
export interface RenderedFiles {
  readonly plugin: { readonly path: string; readonly text: string };
  readonly docs: { readonly path: string; readonly text: string };
  readonly changeset: { readonly path: string; readonly text: string };
}

export const pluginPath = (name: string) => `registry/archs/${name}/index.ts`;
export const docsPath = (name: string) => `docs/archs/${name}.md`;
export const changesetPath = (name: string) => `.changeset/${name}.md`;

async function template(root: string, file: string): Promise<string> {
  return readFile(path.join(root, 'templates', file), 'utf8');
}

function declText(decl: DraftDecl, names: CiteNames): { text: string; comment: readonly string[] } {
  const fields: Record<string, unknown> = { name: decl.name, shape: decl.shape };
  if (decl.layers !== undefined) fields.layers = decl.layers;
  if (decl.optional !== undefined) fields.optional = decl.optional;
  if (decl.insteadOf !== undefined) fields.insteadOf = decl.insteadOf;
  if (decl.init !== undefined) fields.init = decl.init;
  if (decl.when !== undefined) fields.when = decl.when;
  return { text: printInline(fields, names), comment: (decl.comment ?? []).flatMap((line) => wrap(line, 104)) };
}

/** Lines of a comment block, wrapped at about 110 columns. */
function wrap(text: string, width = 110): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Contract hparams in the plugins' order: the required three, then the rest as the header lists them. */
function contractEntries(hparams: Readonly<Record<string, unknown>>, names: CiteNames): { key: string; value: string }[] {
  const first = ['context_length', 'embedding_length', 'block_count'];
  const ordered = [...first.filter((key) => key in hparams), ...Object.keys(hparams).filter((key) => !first.includes(key))];
  return printEntries(Object.fromEntries(ordered.map((key) => [key, hparams[key]])), names);
}

/** The plugin's view model: every value already printed as TypeScript, so the template holds no logic. */
export function pluginView(draft: Draft, generatedBy: string) {
  const { plugin, tensors } = draft;
  const names: CiteNames = { hparams: hparamsCiteOf(draft), tensors: tensors.cite };
  const bare: CiteNames = { hparams: { file: '', fn: '' }, tensors: { file: '', fn: '' } };
  const block = (value: object, indent = 2) => printBlock(value, names, indent);
  const layers = tagOf(plugin.layers) === 'all-full' || plugin.layers instanceof Todo ? printInline(plugin.layers, names) : block(plugin.layers);
  const contract = plugin.contract instanceof Todo ? undefined : plugin.contract;
  return {
    imports: 'cite, defineArch, fact, upstream',
    preamble: wrap(generatedBy),
    hparamsCite: printInline(names.hparams, bare),
    tensorsCite: printInline(names.tensors, bare),
    hasTodo: findTodos({ plugin, tensors }).length > 0,
    name: quote(plugin.name instanceof Todo ? '' : plugin.name),
    summary: printInline(plugin.summary, names),
    status: printInline(plugin.status, names),
    kind: printInline(plugin.kind, names),
    memory: printInline(plugin.memory, names),
    layersComment: (draft.comments.layers ?? []).flatMap((line) => wrap(line, 108)),
    layers,
    requiredKeys: printInline(plugin.requiredKeys, names),
    mtp: printInline(plugin.mtp, names),
    kvSharing: printInline(plugin.kvSharing, names),
    attention: block(plugin.attention),
    rope: block(plugin.rope),
    runtime: block(plugin.runtime),
    recurrentState: plugin.recurrentState === undefined ? '' : printInline(plugin.recurrentState, names),
    globalTodo: tensors.global instanceof Todo ? printInline(tensors.global, names) : '',
    global: tensors.global instanceof Todo ? [] : tensors.global.map((decl) => declText(decl, names)),
    perLayerComment: draft.comments.perLayer ?? [],
    perLayerTodo: tensors.perLayer instanceof Todo ? printInline(tensors.perLayer, names) : '',
    perLayer: tensors.perLayer instanceof Todo ? [] : tensors.perLayer.map((decl) => declText(decl, names)),
    contractComment: draft.comments.contract ?? [],
    contractTodo: plugin.contract instanceof Todo ? printInline(plugin.contract, names) : '',
    contract:
      contract === undefined
        ? { hparams: [], vocabSize: '0', why: "''" }
        : {
            hparams: contract.hparams instanceof Todo ? [] : contractEntries(contract.hparams as Readonly<Record<string, unknown>>, names),
            vocabSize: printInline(contract.vocabSize, names),
            why: printInline(contract.why, names),
          },
  };
}

/** The `load_arch_hparams` citation of the new arch: the tensors citation with the other function. */
function hparamsCiteOf(draft: Draft) {
  const { file, fn } = draft.tensors.cite;
  return { file, fn: fn.replace(/::load_arch_tensors$/, '::load_arch_hparams') };
}

/** Only the schema helpers the rendered body uses. */
function importsOf(body: string): string {
  const used = (name: string) => new RegExp(`\\b${name}[(.]`).test(body);
  return ['cite', 'defineArch', 'fact', 'upstream'].filter((name) => name === 'defineArch' || used(name)).join(', ');
}

function engine(): typeof Handlebars {
  return Handlebars.create();
}

/** Facts for the docs page's table, in words. */
function factRows(draft: Draft): { label: string; value: string }[] {
  const { plugin } = draft;
  const show = (value: unknown): string => (value instanceof Todo ? 'TODO(fact)' : typeof value === 'object' && value !== null && 'value' in value ? show((value as { value: unknown }).value) : value === null ? 'none' : typeof value === 'object' ? `\`${JSON.stringify(value)}\`` : String(value));
  const layers = plugin.layers as unknown as Record<string, unknown>;
  const tag = tagOf(plugin.layers);
  let rule = 'TODO(fact)';
  if (tag === 'swa') {
    const period = layers.period instanceof Todo ? 'TODO(fact)' : String(layers.period);
    rule = `sliding window, period ${period}${layers.denseFirst === true ? ' (dense first)' : ''}, activation ${tagOf(layers.activation) ?? 'TODO(fact)'}`;
  } else if (tag === 'hybrid') rule = `hybrid (${tagOf(layers.recurrent) ?? 'TODO(fact)'})`;
  else if (tag !== undefined) rule = tag;
  const attention = plugin.attention instanceof Todo ? undefined : plugin.attention;
  const rope = plugin.rope instanceof Todo ? undefined : plugin.rope;
  const runtime = plugin.runtime instanceof Todo ? undefined : plugin.runtime;
  return [
    { label: 'memory', value: show(plugin.memory) },
    { label: 'layers', value: rule },
    { label: 'MTP layers', value: show(plugin.mtp) },
    { label: 'KV sharing', value: show(plugin.kvSharing) },
    { label: 'MLA', value: show(attention?.mla) },
    { label: 'Q/K norm', value: show(attention?.qkNorm) },
    { label: 'attention sinks', value: show(attention?.sinks) },
    { label: 'softcap', value: show(attention?.softcap) },
    { label: 'RoPE', value: show(rope?.type) },
    { label: 'flash attention forced off', value: show(runtime?.flashAttentionForcedOff) },
  ].map((row) => ({ ...row, value: row.value.replace(/\|/g, '\\|') }));
}

/** Renders the plugin, its docs page and its changeset from `templates/`. */
export async function renderFiles(root: string, draft: Draft, generatedBy: string): Promise<RenderedFiles> {
  const hbs = engine();
  const name = draft.plugin.name instanceof Todo ? '' : draft.plugin.name;
  hbs.registerPartial('contract', await template(root, 'plugin/contract.ts.hbs'));
  const renderPlugin = hbs.compile(await template(root, 'plugin/index.ts.hbs'), { noEscape: true, strict: true });
  const view = pluginView(draft, generatedBy);
  const body = renderPlugin(view);
  const plugin = renderPlugin({ ...view, imports: importsOf(body.slice(body.indexOf('\n'))) });
  const summary = draft.plugin.summary instanceof Todo ? '' : draft.plugin.summary;
  const todos = [...findTodos(draft.plugin), ...findTodos(draft.tensors, 'tensors')].map(({ path: at, todo }) => ({ path: at, what: `${todo.what} (${todo.file})` }));
  const contract = draft.plugin.contract instanceof Todo ? undefined : draft.plugin.contract;
  const docs = hbs.compile(await template(root, 'docs/arch.md.hbs'), { noEscape: true, strict: true })({
    name,
    summary,
    pinned: `llama.cpp ${PINNED_SOURCE.llamaCpp} in ${PINNED_SOURCE.runtime}`,
    sourceFile: draft.tensors.cite.file,
    facts: factRows(draft),
    contractWhy: contract === undefined || contract.why instanceof Todo ? 'TODO(fact): no contract model yet.' : contract.why,
    sources: draft.sources.length === 0 ? 'nothing but the name' : draft.sources.join(' and '),
    derived: draft.derived,
    review: draft.review,
    todos,
  });
  const changeset = hbs.compile(await template(root, 'changeset/arch.md.hbs'), { noEscape: true, strict: true })({ name, summary });
  return {
    plugin: { path: pluginPath(name), text: plugin },
    docs: { path: docsPath(name), text: docs },
    changeset: { path: changesetPath(name), text: changeset },
  };
}

