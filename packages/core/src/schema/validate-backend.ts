import { CACHE_TYPES } from '../ggml/cache-types.js';
import type { BackendPlugin } from './backend.js';
import { PluginValidationError } from './errors.js';
import { type Check, type Issue, arrayOf, citeCheck, factOf, isBoolean, isInteger, isString, object, oneOf, optional, tagged } from './validator.js';

const headDim = isInteger(1, 1024);
const gqa = object({ min: isInteger(1), multipleOf: isInteger(1), noAlibi: isBoolean });
const pair = object({ k: headDim, v: headDim, gqa: optional(gqa) });
const cacheTypeList = arrayOf(oneOf(CACHE_TYPES));

const backendShape: Check = object({
  name: isString(/^[a-z][a-z0-9]*$/, 'a lowercase backend name such as "cuda"'),
  summary: isString(),
  offloads: isBoolean,
  flashAttention: object({
    headDims: factOf(
      tagged({
        any: {},
        pairs: { pairs: arrayOf(pair, 1) },
        'multiple-of': { k: headDim, v: headDim },
        'k-list': { k: arrayOf(headDim, 1) },
      }),
    ),
    cacheTypes: factOf(object({ k: cacheTypeList, v: cacheTypeList, kEqualsV: isBoolean, bf16BothOrNeither: isBoolean })),
    rejectsSinks: factOf(isBoolean),
    rejectsSoftcap: factOf(isBoolean),
  }),
  notes: arrayOf(object({ text: isString(), cite: citeCheck })),
});

/** Validates a backend plugin; throws `PluginValidationError` listing every problem. */
export function validateBackend(plugin: unknown, file?: string): asserts plugin is BackendPlugin {
  const issues: Issue[] = [];
  backendShape(plugin, '', issues);
  if (issues.length > 0) {
    const name = (plugin as { name?: unknown } | null)?.name;
    throw new PluginValidationError(typeof name === 'string' ? name : (file ?? '(unnamed)'), issues, file);
  }
}
