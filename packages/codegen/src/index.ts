export { loadRegistry, RegistryLoadError, type LoadedRegistry, type Loaded } from './load-registry.js';
export { emitTypeScript, GENERATED_TS_DIR, type GeneratedFile } from './emit-typescript.js';
export { emitText } from './emit-text.js';
export { generate, checkGenerated, writeGenerated, type Staleness } from './run-codegen.js';
export { renderLiteral } from './literal.js';
export { JOURNAL_PATH, JournaledChange, interruptedChange, rollBackInterrupted } from './journal.js';
