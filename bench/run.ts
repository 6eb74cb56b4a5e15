import { log, type BenchModule } from './lib';

// `npm run bench -- <name> [--size N]`; with no name, runs every bench in turn.
const benches: Record<string, () => Promise<BenchModule>> = {};

async function register(): Promise<void> {
  const { readdir } = await import('node:fs/promises');
  const here = new URL('.', import.meta.url);
  for (const file of await readdir(here)) {
    const match = /^([a-z-]+)\.bench\.ts$/.exec(file);
    if (match) benches[match[1]] = () => import(new URL(file, here).href) as Promise<BenchModule>;
  }
}

function usage(): never {
  log(`usage: npm run bench -- <${Object.keys(benches).sort().join('|')}> [--size N]`);
  process.exit(2);
}

async function main(): Promise<void> {
  await register();
  const args = process.argv.slice(2);
  const sizeIndex = args.indexOf('--size');
  let size: number | undefined;
  if (sizeIndex >= 0) {
    size = Number(args[sizeIndex + 1]);
    if (!Number.isInteger(size) || size <= 0) usage();
    args.splice(sizeIndex, 2);
  }
  const names = args.length > 0 ? args : Object.keys(benches).sort();
  if (names.some((name) => !benches[name])) usage();
  let allMet = true;
  for (const name of names) {
    const bench = await benches[name]();
    const report = await bench.run({ size: size ?? bench.defaultSize });
    allMet &&= report.met;
    log(JSON.stringify(report));
  }
  process.exitCode = allMet ? 0 : 1;
}

void main();
