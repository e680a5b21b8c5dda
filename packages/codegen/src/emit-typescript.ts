import { IndentationText, Project, QuoteKind, VariableDeclarationKind, type SourceFile } from 'ts-morph';
import { tsHeader } from './header.js';
import { renderKey, renderLiteral } from './literal.js';
import type { LoadedRegistry } from './load-registry.js';

export interface GeneratedFile {
  /** Path relative to the repository root. */
  readonly path: string;
  readonly text: string;
}

export const GENERATED_TS_DIR = 'packages/core/src/generated';

function newFile(project: Project, name: string): SourceFile {
  return project.createSourceFile(name, '', { overwrite: true });
}

/** Formats, then puts the generated-file header on the first line. */
function finish(file: SourceFile, header: string): string {
  file.formatText({ indentSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true });
  return `${header}\n${file.getFullText()}`;
}

function unionOf(names: readonly string[]): string {
  return names.map((name) => renderLiteral(name)).join(' | ');
}

function emitTable(project: Project, opts: { file: string; source: string; plugins: readonly { name: string }[]; schemaType: string; schemaModule: string; namesConst: string; typeName: string; tableName: string; what: string }): string {
  const names = opts.plugins.map((plugin) => plugin.name);
  const file = newFile(project, opts.file);
  file.addImportDeclaration({ isTypeOnly: true, namedImports: [opts.schemaType], moduleSpecifier: opts.schemaModule });
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`Every ${opts.what} in the registry, sorted.`],
    declarations: [{ name: opts.namesConst, initializer: `${renderLiteral(names)} as const` }],
  });
  file.addTypeAlias({ isExported: true, name: opts.typeName, type: unionOf(names), docs: [`The name of any ${opts.what} the registry has a plugin for.`] });
  const entries = opts.plugins.map((plugin) => `${renderKey(plugin.name)}: ${renderLiteral(plugin)}`).join(',\n');
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: [`The ${opts.what} facts, one entry per plugin.`],
    declarations: [{ name: opts.tableName, initializer: `{\n${entries}\n} as const satisfies Record<${opts.typeName}, ${opts.schemaType}>` }],
  });
  return finish(file, tsHeader(opts.source));
}

function emitDispatch(project: Project, registry: LoadedRegistry): string {
  const file = newFile(project, 'dispatch.ts');
  file.addImportDeclaration({ isTypeOnly: true, namedImports: ['ArchPlugin', 'BackendPlugin'], moduleSpecifier: '../schema/index.js' });
  file.addImportDeclaration({ namedImports: ['archTable', 'type ArchName'], moduleSpecifier: './archs.js' });
  file.addImportDeclaration({ namedImports: ['backendTable', 'type BackendName'], moduleSpecifier: './backends.js' });
  const guard = (fn: string, type: string, names: readonly string[]) =>
    file.addFunction({
      isExported: true,
      name: fn,
      docs: [`True when \`name\` is one of the registry's \`${type}\` values.`],
      parameters: [{ name: 'name', type: 'string' }],
      returnType: `name is ${type}`,
      statements: [`switch (name) {`, ...names.map((name) => `case ${renderLiteral(name)}:`), `return true;`, `default:`, `return false;`, `}`].join('\n'),
    });
  guard('isArchName', 'ArchName', registry.archs.map((entry) => entry.plugin.name));
  guard('isBackendName', 'BackendName', registry.backends.map((entry) => entry.plugin.name));
  file.addFunction({
    isExported: true,
    name: 'lookupArch',
    docs: ['The plugin for a GGUF `general.architecture`, or undefined.'],
    parameters: [{ name: 'name', type: 'string' }],
    returnType: 'ArchPlugin | undefined',
    statements: 'return isArchName(name) ? archTable[name] : undefined;',
  });
  file.addFunction({
    isExported: true,
    name: 'lookupBackend',
    docs: ['The backend plugin by name, or undefined.'],
    parameters: [{ name: 'name', type: 'string' }],
    returnType: 'BackendPlugin | undefined',
    statements: 'return isBackendName(name) ? backendTable[name] : undefined;',
  });
  return finish(file, tsHeader('registry/archs/*/index.ts and registry/backends/*.ts'));
}

/** The TypeScript outputs: `ArchName`/`BackendName` unions, capability tables and dispatch code. */
export function emitTypeScript(registry: LoadedRegistry): GeneratedFile[] {
  const project = new Project({ useInMemoryFileSystem: true, manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single } });
  const archs = emitTable(project, {
    file: 'archs.ts',
    source: 'registry/archs/*/index.ts',
    plugins: registry.archs.map((entry) => entry.plugin),
    schemaType: 'ArchPlugin',
    schemaModule: '../schema/arch.js',
    namesConst: 'ARCH_NAMES',
    typeName: 'ArchName',
    tableName: 'archTable',
    what: 'architecture',
  });
  const backends = emitTable(project, {
    file: 'backends.ts',
    source: 'registry/backends/*.ts',
    plugins: registry.backends.map((entry) => entry.plugin),
    schemaType: 'BackendPlugin',
    schemaModule: '../schema/backend.js',
    namesConst: 'BACKEND_NAMES',
    typeName: 'BackendName',
    tableName: 'backendTable',
    what: 'backend',
  });
  return [
    { path: `${GENERATED_TS_DIR}/archs.ts`, text: archs },
    { path: `${GENERATED_TS_DIR}/backends.ts`, text: backends },
    { path: `${GENERATED_TS_DIR}/dispatch.ts`, text: emitDispatch(project, registry) },
  ];
}
