import type { Database, Tx } from '../db/database';
import { json } from '../store/rows';

/**
 * Realistic shift-log data for demos and benchmarks, generated inside PostgreSQL with
 * set-based INSERT ... SELECT over generate_series (no row-by-row round trips). Shifts are Day
 * 07:00-19:00 and Night 19:00-07:00 in the site's time zone (DST nights come out 11 or 13
 * hours long); ~40 entries per shift log, ~3% late entries with a reason, ~2% amended
 * (corrections, addenda, voids), logs older than two days signed off, and a handover between
 * consecutive shifts of an area. Every row also goes to the change log, gapless, so sync can
 * pull the tenant from seq 0.
 *
 * The entries, the bulk of the work, are written in chunks on several connections at once (a
 * million take well under a minute on a real server); their change-log seqs are reserved up
 * front, so the sequence stays gapless whatever order the chunks commit in.
 */
export interface GeneratorInput {
  tenantId: string;
  entries: number;
  now: Date;
  timeZone: string;
  /** Areas that carry shift logs, with the equipment tags found under each. */
  areas: { id: string; tags: string[] }[];
  /** Users who write entries. */
  authorIds: string[];
  /** Users who sign off and review (admins). */
  signerIds: { id: string; name: string }[];
  /** Entry chunks written at once (connections used); PGlite runs them one after another. */
  parallelism?: number;
}

const ENTRIES_PER_LOG = 40;
const ENTRY_CHUNK = 100_000;

export const templates = {
  operations: [
    'Started %s after permit closed; running normal at %s%% load',
    'Switched duty from %s to standby unit for rotation; no alarms',
    'Routine round completed, %s readings within limits',
    'Reduced rate on %s at request of control room (%s%% load)',
    'Shift handover walk-down done; %s running, no open items',
  ],
  maintenance: [
    'Replaced mechanical seal on %s; leak-tested OK',
    'Greased bearings on %s, vibration back to normal',
    'Work order raised for noisy gearbox on %s',
    'Calibrated transmitter %s against reference, offset corrected',
    'Isolated %s for filter change; returned to service',
  ],
  safety: [
    'Hot-work permit issued near %s; fire watch posted',
    'Near miss: trip hazard by %s, area cordoned and reported',
    'Gas test before entry at %s: O2 20.9%%, LEL 0%%',
    'Safety shower near %s tested, flow OK',
  ],
  quality: [
    'Sample from %s out of spec (pH 8.9); retest requested',
    'Batch record for %s reviewed, signatures complete',
    'Retest on %s within spec, batch released',
  ],
  environmental: [
    'Minor spill (<5 L) at %s contained and cleaned up',
    'Stack opacity check near %s normal',
    'Drain valve by %s found open, closed and logged',
  ],
  other: ['Visitor escorted past %s', 'Housekeeping done around %s', 'Radio check from %s OK'],
} as const;

export type Category = keyof typeof templates;
export const categoryWeights: [Category, number][] = [
  ['operations', 0.45],
  ['maintenance', 0.2],
  ['safety', 0.1],
  ['quality', 0.1],
  ['environmental', 0.08],
  ['other', 0.07],
];
const severityWeights: [string, number][] = [
  ['info', 0.5],
  ['low', 0.25],
  ['medium', 0.15],
  ['high', 0.08],
  ['critical', 0.02],
];

/** A CASE over one random draw: weighted choice inside SQL. */
function weightedCase(draw: string, weights: [string, number][]): string {
  let cumulative = 0;
  const arms = weights.slice(0, -1).map(([value, weight]) => {
    cumulative += weight;
    return `WHEN ${draw} < ${cumulative.toFixed(4)} THEN '${value}'`;
  });
  return `CASE ${arms.join(' ')} ELSE '${weights[weights.length - 1][0]}' END`;
}

/**
 * A UUIDv7-shaped id whose 48-bit time prefix grows with n (from `baseMs`): a million inserts
 * append at the right edge of the primary-key index instead of scattering over it. The
 * random-looking tail mixes in the tenant, so two tenants never collide.
 */
function orderedId(baseMs: string, n: string, salt: string): string {
  const tail = `md5(${salt} || ':' || ${n})`;
  return `(lpad(to_hex(${baseMs}::bigint + ${n}), 12, '0') || '7' || substr(${tail}, 1, 3) || '8' || substr(${tail}, 4, 15))::uuid`;
}

/** About `percent` of rows, chosen by the random tail of their id (stable for a given id). */
function sampled(idColumn: string, percent: number): string {
  return `('x' || right(${idColumn}::text, 4))::bit(16)::int < ${Math.round((percent / 100) * 65536)}`;
}

/** Reserves `count` change-log seqs (tenant_seq row locked); returns the one before the first. */
async function reserveSeqs(tx: Tx, tenantId: string, count: number): Promise<number> {
  const [row] = await tx.query<{ base: number }>('UPDATE tenant_seq SET last_seq = last_seq + $2 WHERE tenant_id = $1 RETURNING last_seq - $2 AS base', [tenantId, count]);
  return Number(row.base);
}

interface ChangeSource {
  entity: string;
  table: string;
  id: string;
  row: string;
  scope: string;
  where?: string;
}

// Users are projected to their public fields: the change log must never carry a secret.
const userRow = `jsonb_build_object('id', t.id, 'email', t.email, 'display_name', t.display_name, 'status', t.status,
  'global_role', t.global_role, 'home_tenant_id', t.home_tenant_id, 'locked', t.locked_at IS NOT NULL,
  'created_at', t.created_at, 'updated_at', t.updated_at)`;
const byArea = (author: string) => `jsonb_build_object('area_id', t.area_id, 'author_id', t.${author})`;

const beforeEntries: ChangeSource[] = [
  { entity: 'user', table: 'users', id: 't.id::text', row: userRow, scope: "jsonb_build_object('user_id', t.id)", where: 't.home_tenant_id = $1' },
  { entity: 'membership', table: 'memberships', id: "t.tenant_id::text || ':' || t.user_id::text", row: 'to_jsonb(t)', scope: "jsonb_build_object('user_id', t.user_id)" },
  { entity: 'area', table: 'areas', id: 't.id::text', row: 'to_jsonb(t)', scope: "jsonb_build_object('area_id', t.id)" },
  { entity: 'equipment', table: 'equipment', id: 't.id::text', row: 'to_jsonb(t)', scope: "jsonb_build_object('area_id', t.area_id)" },
  { entity: 'shift_log', table: 'shift_logs', id: 't.id::text', row: 'to_jsonb(t)', scope: byArea('created_by') },
];
const afterEntries: ChangeSource[] = [
  // Voided entries change after their first version: their new state follows the amendments.
  { entity: 'entry_amendment', table: 'entry_amendments', id: 't.id::text', row: 'to_jsonb(t)', scope: byArea('author_id') },
  { entity: 'log_entry', table: 'log_entries', id: 't.id::text', row: 'to_jsonb(t)', scope: byArea('author_id'), where: "t.tenant_id = $1 AND t.state = 'voided'" },
  { entity: 'comment', table: 'comments', id: 't.id::text', row: 'to_jsonb(t)', scope: byArea('author_id') },
  { entity: 'signoff', table: 'signoffs', id: 't.id::text', row: 'to_jsonb(t)', scope: byArea('signer_id') },
  { entity: 'handover', table: 'handovers', id: 't.id::text', row: 'to_jsonb(t)', scope: byArea('created_by') },
];

async function appendChanges(tx: Tx, tenantId: string, sources: ChangeSource[], counts: Record<string, number>): Promise<void> {
  for (const source of sources) {
    const [{ last_seq: base }] = await tx.query<{ last_seq: number }>('SELECT last_seq FROM tenant_seq WHERE tenant_id = $1 FOR UPDATE', [tenantId]);
    // Identifiers and expressions come from the fixed tables above, never from input.
    const inserted = await tx.query<{ n: number }>(
      `WITH added AS (
         INSERT INTO change_log (tenant_id, seq, entity, entity_id, op, row, scope)
         SELECT $1::uuid, $2::bigint + row_number() OVER (), '${source.entity}', ${source.id}, 'upsert', ${source.row}, ${source.scope}
         FROM ${source.table} t WHERE ${source.where ?? 't.tenant_id = $1'}
         RETURNING 1
       ) SELECT count(*)::int AS n FROM added`,
      [tenantId, base],
    );
    counts[`change_log.${source.entity}`] = (counts[`change_log.${source.entity}`] ?? 0) + inserted[0].n;
    await tx.query('UPDATE tenant_seq SET last_seq = last_seq + $2 WHERE tenant_id = $1', [tenantId, inserted[0].n]);
  }
}

export async function generateShiftLogs(db: Database, input: GeneratorInput): Promise<Record<string, number>> {
  const tenantId = input.tenantId;
  const areaCount = input.areas.length;
  const logCount = Math.max(1, Math.ceil(input.entries / ENTRIES_PER_LOG));
  // Id time prefixes: logs and entries counted up from a point safely in the past.
  const logBaseMs = input.now.getTime() - 400 * 86_400_000;
  const entryBaseMs = input.now.getTime() - 200 * 86_400_000;
  const counts: Record<string, number> = { shift_logs: logCount, log_entries: input.entries };
  const authors = json(input.authorIds);

  // Phase 1: shift logs, the change log of everything before the entries, and the entries' seqs.
  // g -> area g % A, shift (g / A) % 2, day (g / 2A) before today (site time).
  const entrySeqBase = await db.transaction({ tenantId }, async (tx) => {
    await tx.query(
      `INSERT INTO shift_logs (tenant_id, id, area_id, shift_date, shift_name, crew, starts_at, ends_at, status, created_by, created_at, updated_at)
       SELECT $1::uuid, s.id, s.area_id, s.shift_date, s.shift_name, s.crew, s.starts_at, s.ends_at, s.status, s.created_by, s.starts_at, s.ends_at
       FROM (
         SELECT ${orderedId('$8', 'g', "$1::text || ':log'")} AS id,
                ($4::jsonb ->> (g % $5))::uuid AS area_id,
                d.shift_date,
                CASE WHEN (g / $5) % 2 = 0 THEN 'Day' ELSE 'Night' END AS shift_name,
                (ARRAY['A', 'B', 'C', 'D'])[1 + ((g / $5 + g / (2 * $5)) % 4)::int] AS crew,
                CASE WHEN (g / $5) % 2 = 0 THEN (d.shift_date + time '07:00') AT TIME ZONE $3
                     ELSE (d.shift_date + time '19:00') AT TIME ZONE $3 END AS starts_at,
                CASE WHEN (g / $5) % 2 = 0 THEN (d.shift_date + time '19:00') AT TIME ZONE $3
                     ELSE (d.shift_date + 1 + time '07:00') AT TIME ZONE $3 END AS ends_at,
                CASE WHEN g / (2 * $5) >= 2 THEN 'signed' WHEN g / (2 * $5) = 1 THEN 'reviewed'
                     WHEN (g / $5) % 2 = 0 THEN 'submitted' ELSE 'open' END AS status,
                ($6::jsonb ->> (g % jsonb_array_length($6::jsonb))::int)::uuid AS created_by
         FROM generate_series(0, $7 - 1) AS g
         CROSS JOIN LATERAL (SELECT (($2::timestamptz AT TIME ZONE $3)::date - 1 - (g / (2 * $5))::int) AS shift_date) d
       ) s`,
      [tenantId, input.now, input.timeZone, json(input.areas.map((area) => area.id)), areaCount, authors, logCount, logBaseMs],
    );
    await appendChanges(tx, tenantId, beforeEntries, counts);
    return reserveSeqs(tx, tenantId, input.entries);
  });

  // Phase 2: entries e -> shift log e / 40 (a log's entries are contiguous), time inside the
  // shift, ~3% recorded late with a reason; each with its change-log row at seq base + e + 1.
  const category = weightedCase('r.c', categoryWeights);
  const severity = weightedCase('r.s', severityWeights);
  const writeChunk = (from: number, to: number) =>
    db.transaction({ tenantId }, async (tx) => {
      await tx.query(
        `WITH added AS (
           INSERT INTO log_entries (tenant_id, id, shift_log_id, area_id, equipment_tag, category, severity, body, occurred_at, recorded_at, author_id, late, late_reason, added_after_signoff)
           SELECT $1::uuid, ${orderedId('$6', 'e', "$1::text || ':entry'")}, sl.id, sl.area_id, x.tag, x.category, x.severity,
                  format(($4::jsonb -> x.category ->> (floor(r.t * jsonb_array_length($4::jsonb -> x.category)))::int), x.tag, (40 + floor(r.t * 60))::int),
                  x.occurred_at,
                  CASE WHEN r.l < 0.03 THEN sl.ends_at + interval '1 hour' + r.t * interval '10 hours'
                       ELSE least(x.occurred_at + r.t * interval '20 minutes', sl.ends_at) END,
                  ($5::jsonb ->> floor(r.a * jsonb_array_length($5::jsonb))::int)::uuid,
                  r.l < 0.03,
                  CASE WHEN r.l < 0.03 THEN 'Entered after shift from the handwritten round sheet' END,
                  r.l < 0.03 AND sl.status = 'signed'
           FROM generate_series($2::int, $9::int - 1) AS e
           JOIN shift_logs sl ON sl.id = ${orderedId('$7', `(e / ${ENTRIES_PER_LOG})`, "$1::text || ':log'")}
           CROSS JOIN LATERAL (SELECT random() AS c, random() AS s, random() AS t, random() AS l, random() AS a, random() AS q, e AS dep) r
           CROSS JOIN LATERAL (
             SELECT ${category} AS category, ${severity} AS severity,
                    coalesce($3::jsonb -> sl.area_id::text ->> floor(r.q * jsonb_array_length($3::jsonb -> sl.area_id::text))::int, 'GEN-000') AS tag,
                    sl.starts_at + r.t * (sl.ends_at - sl.starts_at) AS occurred_at
           ) x
           RETURNING *
         )
         INSERT INTO change_log (tenant_id, seq, entity, entity_id, op, row, scope)
         SELECT $1::uuid, $8::bigint + ((('x' || lpad(substr(replace(t.id::text, '-', ''), 1, 12), 16, '0'))::bit(64)::bigint) - $6::bigint) + 1,
                'log_entry', t.id::text, 'upsert', to_jsonb(t), jsonb_build_object('area_id', t.area_id, 'author_id', t.author_id)
         FROM added t`,
        [tenantId, from, json(Object.fromEntries(input.areas.map((area) => [area.id, area.tags]))), json(templates), authors, entryBaseMs, logBaseMs, entrySeqBase, to],
      );
    });
  const chunks: [number, number][] = [];
  for (let from = 0; from < input.entries; from += ENTRY_CHUNK) chunks.push([from, Math.min(from + ENTRY_CHUNK, input.entries)]);
  const parallelism = Math.max(1, input.parallelism ?? 4);
  for (let next = 0; next < chunks.length; next += parallelism) {
    await Promise.all(chunks.slice(next, next + parallelism).map(([from, to]) => writeChunk(from, to)));
  }

  // Phase 3: amendments (voiding some entries), comments, sign-offs, handovers, their changes.
  await db.transaction({ tenantId }, async (tx) => {
    const amended = await tx.query<{ n: number }>(
      `WITH added AS (
         INSERT INTO entry_amendments (tenant_id, id, entry_id, area_id, kind, body, fields, reason, author_id, created_at)
         SELECT $1::uuid, md5(e.id::text || ':amend')::uuid, e.id, e.area_id, k.kind,
                CASE k.kind WHEN 'void' THEN NULL WHEN 'correction' THEN 'Corrected reading: ' || e.body ELSE 'Follow-up: checked again at end of shift, stable' END,
                CASE k.kind WHEN 'correction' THEN jsonb_build_object('severity', 'low') ELSE '{}'::jsonb END,
                CASE k.kind WHEN 'void' THEN 'Entered on the wrong shift log' WHEN 'correction' THEN 'Wrong value transcribed' ELSE 'Additional information' END,
                e.author_id, e.recorded_at + interval '2 hours'
         FROM log_entries e
         CROSS JOIN LATERAL (SELECT CASE WHEN random() < 0.6 THEN 'correction' WHEN random() < 0.9 THEN 'addendum' ELSE 'void' END AS kind, e.id AS dep) k
         WHERE e.tenant_id = $1::uuid AND ${sampled('e.id', 2)}
         RETURNING 1
       ) SELECT count(*)::int AS n FROM added`,
      [tenantId],
    );
    counts.entry_amendments = amended[0].n;
    await tx.query(
      `UPDATE log_entries e SET state = 'voided', version = version + 1 FROM entry_amendments a
       WHERE a.tenant_id = $1 AND e.tenant_id = $1 AND a.entry_id = e.id AND a.kind = 'void'`,
      [tenantId],
    );
    // Comments on about a quarter of the logs.
    await tx.query(
      `INSERT INTO comments (tenant_id, id, shift_log_id, entry_id, area_id, body, author_id, created_at)
       SELECT $1::uuid, md5(sl.id::text || ':comment')::uuid, sl.id, NULL, sl.area_id,
              'Please keep an eye on the trend from last night.', sl.created_by, sl.ends_at - interval '30 minutes'
       FROM shift_logs sl WHERE sl.tenant_id = $1 AND ${sampled('sl.id', 25)}`,
      [tenantId],
    );
    // Signed logs carry a review sign-off, hashed over the log's identity and end.
    await tx.query(
      `INSERT INTO signoffs (tenant_id, id, shift_log_id, area_id, signer_id, printed_name, meaning, signed_at, auth_method, content_hash)
       SELECT $1::uuid, md5(sl.id::text || ':signoff')::uuid, sl.id, sl.area_id, (s.value ->> 'id')::uuid, s.value ->> 'name', 'reviewed',
              sl.ends_at + interval '3 hours', 'password_online', encode(sha256(convert_to(sl.id::text || sl.ends_at::text, 'UTF8')), 'hex')
       FROM shift_logs sl
       CROSS JOIN LATERAL (SELECT value FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY o(value, n)
                           WHERE n = 1 + (abs(hashtext(sl.id::text)) % jsonb_array_length($2::jsonb))) s
       WHERE sl.tenant_id = $1 AND sl.status = 'signed'`,
      [tenantId, json(input.signerIds)],
    );
    // A handover from each shift to the next one of the same area.
    await tx.query(
      `INSERT INTO handovers (tenant_id, id, area_id, from_shift_log_id, to_shift_log_id, open_items, outgoing_ack_by, outgoing_ack_at, incoming_ack_by, incoming_ack_at, created_by, created_at)
       SELECT $1::uuid, md5(cur.id::text || ':handover')::uuid, cur.area_id, cur.id, nxt.id,
              CASE WHEN random() < 0.3 THEN '["Follow up open work order", "Sample results pending from lab"]'::jsonb ELSE '[]'::jsonb END,
              cur.created_by, cur.ends_at, nxt.created_by, nxt.starts_at + interval '10 minutes', cur.created_by, cur.ends_at - interval '15 minutes'
       FROM generate_series(0, $2 - 1 - $3) AS g
       JOIN shift_logs cur ON cur.id = ${orderedId('$4', 'g', "$1::text || ':log'")}
       JOIN shift_logs nxt ON nxt.id = ${orderedId('$4', '(g + $3)', "$1::text || ':log'")}`,
      [tenantId, logCount, areaCount, logBaseMs],
    );
    await appendChanges(tx, tenantId, afterEntries, counts);
  });
  return counts;
}
