/**
 * `npm run test:contract [-- --arch exaone4[,gemma3]]`: the contract suite alone, optionally for
 * some archs (the ARCH environment variable does the same). Other arguments go to vitest.
 */
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const env = { ...process.env };
const rest: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i] ?? '';
  if (arg === '--arch') env.ARCH = args[++i] ?? '';
  else if (arg.startsWith('--arch=')) env.ARCH = arg.slice('--arch='.length);
  else rest.push(arg);
}
const result = spawnSync('npx', ['vitest', 'run', '--project', 'contract', ...rest], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
