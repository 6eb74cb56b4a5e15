import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { percentile, prng } from './lib';

/**
 * What the window asks of a cache a first sync has just built: pages of the entry list under
 * the filters the store bench uses (a first page, then the next by its cursor) and full-text
 * searches, each timed as a contract call answered by the core. The filters' values (areas,
 * authors, tags, dates, words) come from a sample of the server's own rows.
 */
export type Call = <T>(channel: string, request?: unknown) => Promise<T>;

export interface QuerySample {
  areaIds: string[];
  authorIds: string[];
  tags: string[];
  /** occurred_at of the sampled entries (ISO). */
  times: string[];
  /** Words of the sampled bodies, most frequent first. */
  words: string[];
}

export async function sampleForQueries(databaseUrl: string, tenantId: string): Promise<QuerySample> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ area_id: string; author_id: string; equipment_tag: string | null; occurred_at: Date; body: string }>(
      'SELECT area_id, author_id, equipment_tag, occurred_at, body FROM log_entries TABLESAMPLE SYSTEM (1) REPEATABLE (7) WHERE tenant_id = $1 LIMIT 2000',
      [tenantId],
    );
    if (rows.length === 0) throw new Error('the sample of entries is empty');
    const counts = new Map<string, number>();
    for (const row of rows) for (const word of row.body.toLowerCase().match(/[a-z]{4,}/g) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);
    const distinct = (values: (string | null)[]) => [...new Set(values.filter((value): value is string => value !== null))];
    return {
      areaIds: distinct(rows.map((row) => row.area_id)),
      authorIds: distinct(rows.map((row) => row.author_id)),
      tags: distinct(rows.map((row) => row.equipment_tag)),
      times: rows.map((row) => row.occurred_at.toISOString()),
      words: [...counts].sort((a, b) => b[1] - a[1]).map(([word]) => word),
    };
  } finally {
    await db.end();
  }
}

export interface CacheQueryTimes {
  pages: number[];
  searches: number[];
  /** Entries the searches' pages held, in all: a search that finds nothing is no test of the index. */
  searchHits: number;
  byKind: Map<string, number[]>;
}

export async function probeCacheQueries(call: Call, sample: QuerySample, rounds: number): Promise<CacheQueryTimes> {
  const random = prng(99);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const dayMs = 24 * 3600_000;
  const common = sample.words.slice(0, 20);
  const rarer = sample.words.slice(20, 400);
  const filters: Record<string, () => Record<string, unknown>> = {
    'area+severity': () => ({ areaIds: [pick(sample.areaIds)], severities: ['high', 'critical'] }),
    'week+category': () => {
      const from = Date.parse(pick(sample.times));
      return { occurredFrom: new Date(from).toISOString(), occurredBefore: new Date(from + 7 * dayMs).toISOString(), categories: [pick(['operations', 'safety', 'maintenance', 'quality'])] };
    },
    author: () => ({ authorIds: [pick(sample.authorIds)] }),
    'area+late': () => ({ late: true, areaIds: [pick(sample.areaIds)] }),
    severity: () => ({ severities: ['medium'] }),
    'status+shift': () => ({ statuses: ['open'], shiftNames: ['Night'] }),
  };
  const searches: Record<string, () => Record<string, unknown>> = {
    word: () => ({ text: pick(rarer) }),
    'common+rarer word': () => ({ text: `${pick(common)} ${pick(rarer)}` }),
    'equipment tag': () => ({ text: pick(sample.tags) }),
    prefix: () => ({ text: pick(rarer).slice(0, 4) }),
    'word+area': () => ({ text: pick(common), areaIds: [pick(sample.areaIds)] }),
  };
  const times: CacheQueryTimes = { pages: [], searches: [], searchHits: 0, byKind: new Map() };
  const timed = async (kind: string, into: number[], request: unknown) => {
    const started = performance.now();
    const page = await call<{ items: unknown[]; next: string | null }>('shiftLogs.entries', request);
    const ms = performance.now() - started;
    into.push(ms);
    times.byKind.set(kind, [...(times.byKind.get(kind) ?? []), ms]);
    return page;
  };
  for (let i = 0; i < rounds; i++) {
    const kind = pick(Object.keys(filters));
    const filter = filters[kind]();
    const first = await timed(`page ${kind}`, times.pages, { filter, page: { limit: 50 } });
    if (first.next) await timed(`page ${kind}`, times.pages, { filter, page: { limit: 50, after: first.next } });
    const searchKind = pick(Object.keys(searches));
    const found = await timed(`search ${searchKind}`, times.searches, { filter: searches[searchKind](), page: { limit: 50 } });
    times.searchHits += found.items.length;
  }
  return times;
}

export function describeQueryTimes(times: CacheQueryTimes): string[] {
  const p = (list: number[], q: number) => percentile(list, q).toFixed(2);
  return [
    ...[...times.byKind].sort(([a], [b]) => a.localeCompare(b)).map(([kind, list]) => `    ${kind.padEnd(28)} p50 ${p(list, 50)} ms, p95 ${p(list, 95)} ms (${list.length})`),
    `  entry page (filtered, keyset): p50 ${p(times.pages, 50)} ms, p95 ${p(times.pages, 95)} ms over ${times.pages.length} calls`,
    `  full-text search: p50 ${p(times.searches, 50)} ms, p95 ${p(times.searches, 95)} ms over ${times.searches.length} calls (${(times.searchHits / Math.max(1, times.searches.length)).toFixed(1)} entries a page)`,
  ];
}
