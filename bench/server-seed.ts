/**
 * Demo seeding speed on a real PostgreSQL: `npx tsx bench/server-seed.ts [--size N]`
 * (default 1,000,000 entries). Uses DATABASE_URL's server when set (a fresh database is
 * created on it), else starts a throwaway cluster. Measures a 10,000-entry baseline in the same
 * run and reports how the per-entry cost scales, plus the goal (1M in under a minute).
 * Prints readable lines, then one JSON line (API.md bench format).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { defaultScryptParams } from '../server/auth/passwords';
import { systemClock } from '../server/clock';
import { migrate } from '../server/db/migrate';
import { openDatabase } from '../server/db/open';
import { seedDemo } from '../server/demo/seed-demo';
import { loadGrantSigner } from '../server/grant/signing-key';
import { startPostgresCluster } from '../tests/support/postgres';

const { values } = parseArgs({ options: { size: { type: 'string' } } });
const size = Number(values.size ?? 1_000_000);
const baselineSize = 10_000;

async function freshDatabase(adminUrl: string): Promise<string> {
  const name = `plantdesk_bench_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function timeSeed(adminUrl: string, entries: number): Promise<number> {
  const db = await openDatabase({ kind: 'postgres', connectionString: await freshDatabase(adminUrl) });
  try {
    await migrate(db);
    const started = performance.now();
    await seedDemo(db, { clock: systemClock, entries, scrypt: defaultScryptParams, secretBox: loadGrantSigner({}).secretBox });
    return (performance.now() - started) / 1000;
  } finally {
    await db.close();
  }
}

const cluster = process.env.DATABASE_URL ? null : await startPostgresCluster();
const adminUrl = process.env.DATABASE_URL ?? cluster!.url();
try {
  console.log(`server-seed: PostgreSQL at ${new URL(adminUrl).host}${cluster ? ' (throwaway cluster)' : ''}`);
  const baselineSeconds = await timeSeed(adminUrl, baselineSize);
  console.log(`baseline: ${baselineSize} entries seeded in ${baselineSeconds.toFixed(2)} s`);
  const seconds = await timeSeed(adminUrl, size);
  console.log(`measured: ${size} entries seeded in ${seconds.toFixed(2)} s (${Math.round(size / seconds)} entries/s)`);
  // Fixed costs (users, scrypt) dominate the baseline; subtract them to compare per-entry cost.
  const fixedSeconds = await timeSeed(adminUrl, 0);
  const perEntryRatio = (seconds - fixedSeconds) / size / Math.max((baselineSeconds - fixedSeconds) / baselineSize, 1e-9);
  console.log(`fixed cost ${fixedSeconds.toFixed(2)} s; per-entry cost at ${size} vs ${baselineSize}: x${perEntryRatio.toFixed(2)}`);
  const goals = {
    seconds_for_size: { value: Number(seconds.toFixed(2)), goal: size >= 1_000_000 ? 60 * (size / 1_000_000) : 60, met: seconds < 60 * Math.max(1, size / 1_000_000) },
    per_entry_cost_ratio: { value: Number(perEntryRatio.toFixed(2)), goal: 2, met: perEntryRatio <= 2 },
  };
  const result = {
    bench: 'server-seed',
    size,
    metrics: { seconds: Number(seconds.toFixed(2)), baseline_seconds: Number(baselineSeconds.toFixed(2)), fixed_seconds: Number(fixedSeconds.toFixed(2)), entries_per_second: Math.round(size / seconds) },
    goals,
    met: Object.values(goals).every((goal) => goal.met),
  };
  console.log(JSON.stringify(result));
} finally {
  cluster?.stop();
}
