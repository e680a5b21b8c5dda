/** Why a dimension expression cannot be evaluated. */
export class DimExprError extends Error {
  override readonly name = 'DimExprError';
  readonly code = 'BAD_DIM_EXPR';
}

type Token = { kind: 'num'; value: number } | { kind: 'id'; value: string } | { kind: 'op'; value: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+)|([a-z_][a-z0-9_.]*)|([-+*/()]))/gy;
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

/**
 * Evaluates `n_head*n_embd_head_k`, `kv_lora_rank + n_rot`, `n_ff/2`: integers only, the usual
 * precedence, division must be exact. `lookup` resolves identifiers and returns undefined when unknown.
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
    if (token.kind === 'id') return lookup(token.value) ?? fail(`unknown name "${token.value}"`);
    if (token.value === '(') {
      const value = sum();
      if (tokens[position++]?.value !== ')') fail('missing ")"');
      return value;
    }
    return fail(`unexpected "${token.value}"`);
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
