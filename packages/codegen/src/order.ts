/** Code-point order: unlike localeCompare it does not depend on the ICU data Node ships with. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
