import { PER_LAYER_DIM_NAMES } from '../schema/tensors.js';

/**
 * Why a dimension expression cannot be evaluated. `PER_LAYER_DIM_IN_GLOBAL`: a per-layer name such
 * as `n_head(il)` where there is no layer (a global tensor).
 */
export class DimExprError extends Error {
  override readonly name = 'DimExprError';
  constructor(
    message: string,
    readonly code: 'BAD_DIM_EXPR' | 'PER_LAYER_DIM_IN_GLOBAL' = 'BAD_DIM_EXPR',
  ) {
    super(message);
  }
}

/** Whether `name` is a per-layer name (`n_head(il)`), known or not. */
export function isPerLayerName(name: string): boolean {
  return name.endsWith('(il)');
}

type Token = { kind: 'num'; value: number } | { kind: 'id'; value: string } | { kind: 'op'; value: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  // `n_head(il)` is one identifier: the layer index is the only argument a name takes.
  const pattern = /\s*(?:(\d+)|([a-z_][a-z0-9_.]*(?:\(il\))?)|([-+*/()]))/gy;
  let match: RegExpExecArray | null;
  let index = 0;
  while (index < expr.length && (match = pattern.exec(expr)) !== null) {
    if (match[1] !== undefined) tokens.push({ kind: 'num', value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ kind: 'id', value: match[2] });
    else if (match[3] !== undefined) tokens.push({ kind: 'op', value: match[3] });
    index = pattern.lastIndex;
  }
  if (expr.slice(index).trim() !== '') throw new DimExprError(`cannot read "${expr.slice(index).trim()}" in dimension "${expr}"`);
  return tokens;
}

/** The identifiers of an expression, in order (numbers and operators left out). */
export function dimNames(expr: number | string): string[] {
  return typeof expr === 'number' ? [] : tokenize(expr).flatMap((token) => (token.kind === 'id' ? [token.value] : []));
}

/**
 * Evaluates `n_head*n_embd_head_k`, `kv_lora_rank + n_rot`, `n_ff/2`, `n_head(il)*n_embd_head_k`:
 * integers only, the usual precedence, division must be exact. `lookup` resolves identifiers and
 * returns undefined when unknown; a known per-layer name it cannot resolve means there is no layer
 * (a global tensor), which throws `PER_LAYER_DIM_IN_GLOBAL`.
 */
export function evalDim(expr: number | string, lookup: (name: string) => number | undefined): number {
  if (typeof expr === 'number') return expr;
  const tokens = tokenize(expr);
  let position = 0;
  const peek = () => tokens[position];
  const fail = (why: string): never => {
    throw new DimExprError(`${why} in dimension "${expr}"`);
  };
  const primary = (): number => {
    const token = tokens[position++];
    if (token === undefined) return fail('unexpected end');
    if (token.kind === 'num') return token.value;
    if (token.kind === 'id') return lookup(token.value) ?? unresolved(token.value);
    if (token.value === '(') {
      const value = sum();
      if (tokens[position++]?.value !== ')') fail('missing ")"');
      return value;
    }
    return fail(`unexpected "${token.value}"`);
  };
  const unresolved = (name: string): never => {
    if (!isPerLayerName(name)) return fail(`unknown name "${name}"`);
    if (!(PER_LAYER_DIM_NAMES as readonly string[]).includes(name)) return fail(`unknown per-layer name "${name}" (known: ${PER_LAYER_DIM_NAMES.join(', ')})`);
    throw new DimExprError(`"${name}" is a per-layer size and there is no layer here in dimension "${expr}": only tensors.perLayer may use it; a global tensor takes the layer-0 name "${name.slice(0, -4)}"`, 'PER_LAYER_DIM_IN_GLOBAL');
  };
  const product = (): number => {
    let value = primary();
    for (let token = peek(); token?.kind === 'op' && (token.value === '*' || token.value === '/'); token = peek()) {
      position++;
      const right = primary();
      if (token.value === '*') value *= right;
      else {
        if (right === 0 || value % right !== 0) fail(`${value} is not divisible by ${right}`);
        value /= right;
      }
    }
    return value;
  };
  const sum = (): number => {
    let value = product();
    for (let token = peek(); token?.kind === 'op' && (token.value === '+' || token.value === '-'); token = peek()) {
      position++;
      value = token.value === '+' ? value + product() : value - product();
    }
    return value;
  };
  const value = sum();
  if (position !== tokens.length) fail('trailing input');
  return value;
}
