import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/**
 * A recorded first sync as JSON lines: line 1 is the header, each further line a JSON array of
 * rows, each row an array of values in the header's column order (strings, numbers, null).
 */
export interface RecordingHeader {
  table: string;
  columns: string[];
  rows: number;
}

export type RowValue = string | number | null;
export type Row = RowValue[];

export async function readRecording(path: string): Promise<{ header: RecordingHeader; batches: AsyncGenerator<Row[]> }> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error(`${path} is empty: expected a header line`);
  const header = parseHeader(first.value, path);
  async function* batches(): AsyncGenerator<Row[]> {
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      if (next.value.trim() === '') continue;
      const batch: unknown = JSON.parse(next.value);
      if (!Array.isArray(batch)) throw new Error(`${path}: a line after the header is not a JSON array of rows`);
      for (const row of batch as unknown[]) {
        if (!Array.isArray(row) || row.length !== header.columns.length) {
          throw new Error(`${path}: a row does not have the header's ${header.columns.length} columns`);
        }
      }
      yield batch as Row[];
    }
  }
  return { header, batches: batches() };
}

function parseHeader(line: string, path: string): RecordingHeader {
  const header = JSON.parse(line) as Partial<RecordingHeader>;
  if (typeof header.table !== 'string' || !Array.isArray(header.columns) || !Number.isInteger(header.rows)) {
    throw new Error(`${path}: the header must be {"table", "columns", "rows"}`);
  }
  if (!header.columns.includes('id')) throw new Error(`${path}: PowerSync needs an "id" column`);
  return header as RecordingHeader;
}

export const sampleColumns = [
  'id', 'shift_log_id', 'area_id', 'equipment_tag', 'category', 'severity', 'body',
  'occurred_at', 'recorded_at', 'author_id', 'late', 'late_reason', 'state', 'version',
];

// The value sets the workstation's CHECK constraints allow, so a sample loads there too.
const categories = ['operations', 'safety', 'maintenance', 'quality', 'environmental', 'other'];
const severities = ['info', 'low', 'medium', 'high', 'critical'];
const states = ['active', 'active', 'active', 'voided'];
const phrases = [
  'Pump discharge pressure drifted above the upper limit during the load change',
  'operator reset the local alarm and logged the reading from the field gauge',
  'vibration on the drive end bearing is higher than last shift',
  'lubrication done per route card, no leaks seen at the seal',
  'temperature trend stable after the cooling water valve was opened two turns',
  'handed over to the next crew with the isolation still in place',
  'strainer differential pressure checked and within range',
  'maintenance ticket raised for the noisy fan on the motor cooler',
];

/** Deterministic for a given n, so two runs of a trial apply the same bytes. */
function sampleRow(i: number, ids: string[]): Row {
  const at = Date.UTC(2026, 0, 1) + i * 37_000;
  const pick = <T>(list: T[], salt: number): T => list[(i * 7 + salt * 13 + (i >> 5)) % list.length];
  let body = '';
  for (let k = 0; body.length < 120 + (i % 80); k++) body += `${body ? '; ' : ''}${pick(phrases, k)}`;
  const late = i % 11 === 0 ? 1 : 0;
  return [
    ids[i % ids.length].slice(0, 24) + String(i).padStart(12, '0'),
    ids[(i >> 6) % ids.length],
    ids[i % 17],
    i % 3 === 0 ? null : `P-${100 + (i % 400)}${'ABC'[i % 3]}`,
    pick(categories, 1),
    pick(severities, 2),
    body.slice(0, 200),
    new Date(at).toISOString(),
    new Date(at + (late ? 3_600_000 : 60_000)).toISOString(),
    ids[(i >> 3) % 29],
    late,
    late ? 'radio outage, entered after the round' : null,
    pick(states, 3),
    1 + (i % 4),
  ];
}

function sampleUuid(seed: number): string {
  const hex = createHash('sha256').update(`sample-${seed}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A recording of n rows shaped like the workstation's log entries, in batches of 1,000 rows. */
export async function writeSampleRecording(path: string, n: number): Promise<void> {
  const ids = Array.from({ length: 257 }, (_, k) => sampleUuid(k));
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${JSON.stringify({ table: 'log_entry', columns: sampleColumns, rows: n } satisfies RecordingHeader)}\n`);
  for (let start = 0; start < n; start += 1000) {
    const batch: Row[] = [];
    for (let i = start; i < Math.min(n, start + 1000); i++) batch.push(sampleRow(i, ids));
    await write(`${JSON.stringify(batch)}\n`);
  }
  out.end();
  await once(out, 'finish');
}
