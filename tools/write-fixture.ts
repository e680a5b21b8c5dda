/**
 * `npm run fixture -- <name> [out.gguf]`: writes one of test/fixtures/models as a header-only
 * (sparse) GGUF, so the CLI can be tried without downloading weights.
 */
import os from 'node:os';
import path from 'node:path';
import { writeFixture } from '../test/fixtures/define-fixture.js';
import { MODEL_FIXTURES } from '../test/fixtures/models/index.js';

const [name, out] = process.argv.slice(2);
const fixture = MODEL_FIXTURES.find((candidate) => candidate.name === name);
if (fixture === undefined) {
  console.error(`usage: npm run fixture -- <name> [out.gguf]\nnames: ${MODEL_FIXTURES.map((f) => f.name).join(', ')}`);
  process.exit(2);
}
const file = out ?? path.join(os.tmpdir(), `${fixture.name}.gguf`);
await writeFixture(fixture, file);
console.log(file);
