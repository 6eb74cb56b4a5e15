import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BOOTSTRAP_MEDIA_TYPE, type FrameHeader } from '../../shared/bootstrap-protocol';

/**
 * Snapshot answers made by hand (shared/bootstrap-protocol.ts), and a server on 127.0.0.1 that
 * serves them, can cut an answer after some bytes, and resumes from a frame: to test the
 * client's bootstrap against streams a real server would never send.
 */
export interface TableRows {
  table: string;
  columns: string[];
  rows: unknown[][];
  /** Rows marked recent (shown before the snapshot is complete): the first `recent` rows. */
  recent?: number;
}

const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

function frame(header: FrameHeader, payload: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), payload]);
}

export interface SnapshotStream {
  snapshotId: string;
  seq: number;
  /** The snapshot frame, then frames 1..n (index i holds frame i; index 0 the snapshot frame). */
  frames: Buffer[];
}

/**
 * `rewrite` changes a rows frame's JSON text before it is hashed: a payload the server itself
 * vouches for, whose content is wrong.
 */
export function snapshotStream(options: { tables: TableRows[]; seq: number; policyVersion?: number; rowsPerFrame?: number; snapshotId?: string; tamper?: (header: FrameHeader) => FrameHeader; rewrite?: (table: string, json: string) => string }): SnapshotStream {
  const snapshotId = options.snapshotId ?? 'snap-test-0001';
  const perFrame = options.rowsPerFrame ?? 100;
  const tamper = options.tamper ?? ((header) => header);
  const frames: Buffer[] = [];
  let no = 0;
  for (const table of options.tables) {
    const digests: string[] = [];
    for (let start = 0; start < table.rows.length; start += perFrame) {
      const chunk = table.rows.slice(start, start + perFrame);
      const payload = Buffer.from(options.rewrite ? options.rewrite(table.table, JSON.stringify(chunk)) : JSON.stringify(chunk));
      const digest = sha(payload);
      digests.push(digest);
      const recent = start + chunk.length <= (table.recent ?? 0);
      frames.push(frame(tamper({ kind: 'rows', no: ++no, table: table.table, count: chunk.length, bytes: payload.length, sha256: digest, ...(recent ? { recent } : {}) }), payload));
    }
    frames.push(frame(tamper({ kind: 'table-end', no: ++no, table: table.table, count: table.rows.length, sha256: sha(digests.join('\n')), bytes: 0 })));
  }
  frames.push(frame(tamper({ kind: 'end', no: ++no, seq: options.seq, bytes: 0 })));
  const snapshot = frame({
    kind: 'snapshot',
    snapshotId,
    seq: options.seq,
    policyVersion: options.policyVersion ?? 1,
    schemaVersion: 1,
    tables: options.tables.map((t) => ({ table: t.table, columns: t.columns, rows: t.rows.length })),
    frames: no,
    bytes: 0,
  });
  return { snapshotId, seq: options.seq, frames: [snapshot, ...frames] };
}

export interface SnapshotServer {
  url: string;
  /** Every request's query string, in order. */
  requests: URLSearchParams[];
  /** Cuts the next answer after this many bytes (the connection is destroyed). */
  cutNextAfter(bytes: number): void;
  /** The next answer (or the next answer to a resume) is this error instead. */
  failNext(status: number, code: string, options?: { onResume?: boolean }): void;
  close(): Promise<void>;
}

export async function startSnapshotServer(stream: SnapshotStream, options: { frameDelayMs?: number } = {}): Promise<SnapshotServer> {
  const requests: URLSearchParams[] = [];
  let cutAfter: number | null = null;
  let failure: { status: number; code: string; onResume: boolean } | null = null;
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push(url.searchParams);
    if (url.pathname !== '/v1/sync/bootstrap') {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'no' } }));
      return;
    }
    if (failure && (!failure.onResume || url.searchParams.has('from'))) {
      const { status, code } = failure;
      failure = null;
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code, message: code } }));
      return;
    }
    const from = Number(url.searchParams.get('from') ?? 1);
    const body = Buffer.concat([stream.frames[0], ...stream.frames.slice(from)]);
    response.writeHead(200, { 'content-type': BOOTSTRAP_MEDIA_TYPE });
    if (cutAfter !== null) {
      const limit = cutAfter;
      cutAfter = null;
      response.write(body.subarray(0, limit), () => setTimeout(() => response.socket?.destroy(), 20));
      return;
    }
    if (options.frameDelayMs) {
      // Frame by frame, slowly: a download that is still running when the test acts.
      const frames = [stream.frames[0], ...stream.frames.slice(from)];
      const next = (i: number) => {
        if (i === frames.length) return void response.end();
        if (response.destroyed) return;
        response.write(frames[i]);
        setTimeout(() => next(i + 1), options.frameDelayMs);
      };
      next(0);
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cutNextAfter: (bytes) => (cutAfter = bytes),
    failNext: (status, code, options = {}) => (failure = { status, code, onResume: options.onResume ?? false }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
