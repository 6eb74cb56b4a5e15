import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { Transform } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { ServerClient } from '../main/core/net/server-client';
import { ensurePrivateDir, fsyncDir } from '../main/core/store/files';
import { openStoreDatabase, type SqliteDatabase } from '../main/core/store/open';
import { cipherPragmas, rawKeyLiteral, type PageCipher } from '../main/core/store/page-cipher';
import { bootstrapCache, type BootstrapProgress, type BootstrapTarget } from '../main/core/sync/bootstrap/bootstrap';
import { readFrames } from '../main/core/sync/bootstrap/frame-reader';
import { tableDigest } from '../main/core/sync/bootstrap/table-digest';
import { normalizeLocation, vaultPaths } from '../main/core/vault/location';
import { UnlockedVault } from '../main/core/vault/vault';
import { BOOTSTRAP_MEDIA_TYPE, type FrameHeader, type SnapshotFrame } from '../shared/bootstrap-protocol';
import { SYNC_SCHEMA_VERSION } from '../shared/sync-protocol';

/**
 * The parts of the sync bench that measure a first sync away from the server: a snapshot
 * answer recorded to a file, served back from 127.0.0.1, and built by the client's bootstrap
 * into an encrypted or a plain cache; the re-key of a complete plain store (the page-level
 * limit); and the same log-entry rows re-framed for Plantdesk and for PowerSync's anchor.
 */

/** Downloads one snapshot answer as it comes, to `file`. */
export async function recordBootstrap(options: { server: string; token: string; tenantId: string; file: string }): Promise<{ bytes: number; seconds: number }> {
  const client = new ServerClient({ baseUrl: options.server, timeoutMs: 600_000 });
  const started = performance.now();
  try {
    const body = await client.stream({ path: '/sync/bootstrap', query: { tenant: options.tenantId, schemaVersion: SYNC_SCHEMA_VERSION }, token: options.token, mediaType: BOOTSTRAP_MEDIA_TYPE });
    const out = createWriteStream(options.file);
    let bytes = 0;
    for await (const chunk of body) {
      bytes += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    return { bytes, seconds: (performance.now() - started) / 1000 };
  } finally {
    client.close();
  }
}

/** Serves a recorded answer to every bootstrap request (no resume: the bench never cuts). */
export async function serveRecording(file: string, options: { bytesPerSecond?: number } = {}): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': BOOTSTRAP_MEDIA_TYPE });
    const body = createReadStream(file);
    if (options.bytesPerSecond) body.pipe(paced(options.bytesPerSecond)).pipe(response);
    else body.pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Passes bytes on no faster than a link of this many bytes a second would carry them. */
function paced(bytesPerSecond: number): Transform {
  const started = performance.now();
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      const due = started + (sent / bytesPerSecond) * 1000;
      setTimeout(() => done(null, chunk), Math.max(0, due - performance.now()));
    },
  });
}

/** A fresh encrypted cache (a random key, no keychain: the bench's own). */
export function encryptedTarget(dir: string): UnlockedVault {
  const location = normalizeLocation({ profileDir: dir, server: 'http://127.0.0.1:1', userId: randomUUID(), tenantId: randomUUID() });
  const paths = vaultPaths(location);
  ensurePrivateDir(paths.dir);
  const key = randomBytes(32);
  return new UnlockedVault(location, paths, openStoreDatabase({ path: paths.database, cipher: { kind: 'encrypted', dataKey: key } }), key);
}

/** The same cache unencrypted, for the encrypted/plain ratio of the bulk path (bench data only). */
export function plainTarget(dir: string): BootstrapTarget & { close(): void } {
  const paths = vaultPaths(normalizeLocation({ profileDir: dir, server: 'http://127.0.0.1:1', userId: randomUUID(), tenantId: randomUUID() }));
  ensurePrivateDir(paths.dir);
  let db: SqliteDatabase = openStoreDatabase({ path: paths.database, cipher: { kind: 'none' } });
  const open = (path: string, options: { pageSize?: number } = {}) => openStoreDatabase({ path, cipher: { kind: 'none' }, backgroundCheckpoints: false, pageSize: options.pageSize });
  return {
    get db() {
      return db;
    },
    paths,
    openWithCacheKey: open,
    keyForThread: () => null,
    replaceWith(stagingPath, carryOver) {
      db.prepare('ATTACH DATABASE ? AS fresh').run(stagingPath);
      try {
        carryOver(db);
      } finally {
        db.exec('DETACH DATABASE fresh');
      }
      db.close();
      // As the vault swaps: a rename, so the plain side pays no copy the encrypted one does not.
      for (const sidecar of paths.sidecars) rmSync(sidecar, { force: true });
      renameSync(stagingPath, paths.database);
      fsyncDir(paths.dir);
      db = openStoreDatabase({ path: paths.database, cipher: { kind: 'none' } });
    },
    close: () => db.close(),
  };
}

export interface ClientOnlyRun {
  rows: number;
  seconds: number;
  /** Seconds from the start until each phase began. */
  phases: Partial<Record<BootstrapProgress['phase'], number>>;
}

/** The client's bootstrap from a recorded answer into `target`, timed. */
export async function clientOnlyBootstrap(recordingUrl: string, target: BootstrapTarget, onProgress?: (progress: BootstrapProgress) => void, options: { searchIndexBeside?: boolean } = {}): Promise<ClientOnlyRun> {
  const client = new ServerClient({ baseUrl: recordingUrl, timeoutMs: 600_000 });
  const phases: ClientOnlyRun['phases'] = {};
  const started = performance.now();
  try {
    const result = await bootstrapCache({
      vault: target,
      client,
      token: 'bench',
      tenantId: 'bench',
      now: () => new Date(),
      searchIndexBeside: options.searchIndexBeside,
      onProgress: (progress) => {
        phases[progress.phase] ??= (performance.now() - started) / 1000;
        onProgress?.(progress);
      },
    });
    if (!result) throw new Error('the recording was not served as a snapshot');
    return { rows: result.rows, seconds: (performance.now() - started) / 1000, phases };
  } finally {
    client.close();
  }
}

/**
 * Reads every page of a finished cache once through SQLite's pager with a small page cache, so
 * each page of an encrypted cache is decrypted and its HMAC checked once. Encrypted less plain
 * is the cipher's cost of one pass over the finished store: the least an encrypted build can
 * add to a plain one, since it writes every page at least once and encrypting a page costs at
 * least what decrypting it does (the same HMAC, plus a fresh IV and a serial CBC chain).
 * Best of two reads, both from the OS's file cache.
 */
export function readEveryPageSeconds(target: Pick<BootstrapTarget, 'db' | 'openWithCacheKey'>): { seconds: number; pages: number } {
  const db = target.openWithCacheKey(target.db.name);
  try {
    db.pragma('cache_size = -2048');
    let best = { seconds: Infinity, pages: 0 };
    for (let round = 0; round < 2; round += 1) {
      const started = performance.now();
      const { pages } = db.prepare('SELECT count(*) AS pages FROM dbstat').get() as { pages: number };
      const seconds = (performance.now() - started) / 1000;
      if (seconds < best.seconds) best = { seconds, pages };
    }
    return best;
  } finally {
    db.close();
  }
}

/**
 * The limit: a complete plain store re-keyed into a page cipher, i.e. every page of the finished
 * store encrypted and written once. Runs on a copy; returns seconds. The kernel is made to write
 * back what is dirty first (the copy, and the builds and re-keys before it): a re-key that
 * shares the disk with a gigabyte of earlier writes took 8.7-11.2 s where one on its own took
 * 5.9-8.1, and a slower limit would flatter the first sync's ratio to it.
 */
export function rekeyLimitSeconds(plainStore: string, scratchDir: string, cipher: PageCipher): { seconds: number; bytes: number } {
  const copy = join(scratchDir, 'rekey.db');
  copyFileSync(plainStore, copy);
  if (process.platform !== 'win32') execFileSync('sync');
  const db = new Database(copy);
  try {
    db.pragma('journal_mode = DELETE');
    const bytes = (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
    for (const pragma of cipherPragmas(cipher)) db.pragma(pragma);
    const started = performance.now();
    db.rekey(rawKeyLiteral(randomBytes(32)));
    return { seconds: (performance.now() - started) / 1000, bytes };
  } finally {
    db.close();
    rmSync(copy, { force: true });
  }
}

/**
 * The log-entry rows of a recording, twice: as a snapshot answer of that table alone (for
 * Plantdesk's client) and as the PowerSync anchor's input (a header line, then one JSON array
 * of row arrays per line). Same rows, same values, same order.
 */
export async function logEntryRecordings(recording: string, snapshotOut: string, anchorOut: string): Promise<{ rows: number; columns: string[] }> {
  const snapshotFile = createWriteStream(snapshotOut);
  const anchorFile = createWriteStream(anchorOut);
  const write = (out: NodeJS.WritableStream, data: string | Buffer) => new Promise<void>((resolve) => (out.write(data) ? resolve() : out.once('drain', () => resolve())));
  let snapshot: SnapshotFrame | null = null;
  let columns: string[] = [];
  let no = 0;
  let rows = 0;
  const digests: string[] = [];
  const header = (h: FrameHeader) => `${JSON.stringify(h)}\n`;
  for await (const { header: h, payload } of readFrames(createReadStream(recording) as unknown as AsyncIterable<Buffer>)) {
    if (h.kind === 'snapshot') {
      snapshot = h;
      const table = h.tables.find((t) => t.table === 'log_entry');
      if (!table) throw new Error('the recording holds no log entries');
      columns = table.columns;
      await write(snapshotFile, header({ ...h, tables: [table], frames: null }));
      await write(anchorFile, `${JSON.stringify({ table: 'log_entry', columns, rows: table.rows })}\n`);
      continue;
    }
    if (h.kind !== 'rows' || h.table !== 'log_entry') continue;
    await write(snapshotFile, Buffer.concat([Buffer.from(header({ ...h, no: ++no, recent: undefined })), payload]));
    await write(anchorFile, Buffer.concat([payload, Buffer.from('\n')]));
    digests.push(h.sha256);
    rows += h.count;
  }
  if (!snapshot) throw new Error('the recording is empty');
  await write(snapshotFile, header({ kind: 'table-end', no: ++no, table: 'log_entry', count: rows, sha256: tableDigest(digests), bytes: 0 }));
  await write(snapshotFile, header({ kind: 'end', no: no + 1, seq: snapshot.seq, bytes: 0 }));
  await Promise.all([snapshotFile, anchorFile].map((out) => new Promise<void>((resolve) => out.end(() => resolve()))));
  return { rows, columns };
}
