import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../clock';
import type { Database } from '../../db/database';
import { apiError } from '../../errors';
import { feedFilterFor, readScopeFor, type FeedFilter, type ReadScope } from '../visibility';
import type { Ability } from '../../../shared/rbac';
import { buildSnapshot, defaultBuildOptions, type BuildOptions, type SnapshotPlan } from './build-snapshot';
import { SealedFrameFile } from './sealed-frame-file';

/**
 * First-sync snapshots, kept per tenant and read scope for a while (SYNC.md "First sync").
 *
 * - A snapshot's frames are written to a sealed file as they are produced; every answer (the
 *   first, a second workstation's, a resume) reads them from there, so the database transaction
 *   lasts as long as the reading of the rows, never as long as a slow client, and memory holds
 *   a frame or two per answer.
 * - The key is the tenant plus a hash of exactly what decides visibility (the entities read in
 *   full, by area, by owner; the areas and the owner where they matter). Equal keys read equal
 *   rows, so a colleague with the same scope gets the same frames; anyone else never does.
 *   (The membership's policy version is per person; the scope hash is what it stands for.)
 * - Stale: after the TTL, or once a person of the tenant was erased after the snapshot (erasure
 *   scrubs rows already published; a kept snapshot must not bring a name back). The erasure
 *   check is one indexed look at the trail, so it also holds across server instances.
 * - Concurrent requests of one scope share one build; builds per tenant are capped.
 */
export interface BootstrapSettings {
  /** Minutes a snapshot is served after it was taken. */
  ttlMinutes: number;
  /** Builds running at once per tenant (a scope already being built is joined instead). */
  maxBuildsPerTenant: number;
  /** Bytes of sealed frames kept on disk; the oldest unread snapshots are dropped beyond it. */
  maxCacheBytes: number;
  /** Where the sealed frame files go (owner-only). */
  directory: string;
  build?: BuildOptions;
}

export const defaultBootstrapSettings = { ttlMinutes: 15, maxBuildsPerTenant: 1, maxCacheBytes: 4 * 1024 ** 3 } satisfies Partial<BootstrapSettings>;

const SWEEP_INTERVAL_MS = 60_000;
/** Seconds a caller refused for a busy tenant waits before asking again. */
const BUSY_RETRY_SECONDS = 5;

export class Snapshot {
  plan: SnapshotPlan | null = null;
  state: 'building' | 'complete' | 'failed' = 'building';
  readers = 0;
  dropped = false;
  /** Why the build failed, for the answers waiting on it. */
  failure: unknown = null;
  private waiters: (() => void)[] = [];

  constructor(
    readonly id: string,
    readonly tenantId: string,
    readonly scopeKey: string,
    readonly takenAt: number,
    readonly expiresAt: number,
    readonly file: SealedFrameFile,
  ) {}

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Until the plan is known (or the build failed). */
  async planned(): Promise<SnapshotPlan> {
    while (!this.plan && this.state === 'building') await this.changed();
    if (!this.plan) throw this.failure ?? apiError('bootstrap_gone');
    return this.plan;
  }
}

/** The key of a read scope: only what decides which rows it reads. */
export function scopeKeyOf(tenantId: string, scope: ReadScope): string {
  const sorted = (list: readonly string[]) => [...list].sort();
  const owned = Object.values(scope.byOwner).some((list) => list.length > 0);
  const decisive = {
    tenantId,
    all: sorted(scope.all),
    byArea: sorted(scope.byArea),
    byOwner: Object.fromEntries(Object.entries(scope.byOwner).map(([key, list]) => [key, sorted(list)])),
    areas: scope.byArea.length > 0 ? sorted(scope.areas) : [],
    owner: owned ? scope.userId : null,
  };
  return createHash('sha256').update(JSON.stringify(decisive)).digest('base64url');
}

export class SnapshotCache {
  private readonly byId = new Map<string, Snapshot>();
  private readonly key = randomBytes(32);
  private readonly instanceDirectory: string;
  private readonly ttlMs: number;
  private sweeper: NodeJS.Timeout | null = null;
  /** Test seam: builds started (a second workstation's request must not start one). */
  buildsStarted = 0;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly settings: BootstrapSettings,
  ) {
    this.ttlMs = settings.ttlMinutes * 60_000;
    this.instanceDirectory = join(settings.directory, randomBytes(9).toString('base64url'));
  }

  /**
   * Creates this instance's owner-only directory. Directories other instances left and have not
   * touched for two TTLs are deleted: their key died with them, their files mean nothing.
   */
  async start(): Promise<void> {
    await mkdir(this.settings.directory, { recursive: true, mode: 0o700 });
    const oldest = Date.now() - 2 * this.ttlMs;
    for (const name of await readdir(this.settings.directory)) {
      const path = join(this.settings.directory, name);
      const info = await stat(path).catch(() => null);
      if (info && info.mtimeMs < oldest) await rm(path, { recursive: true, force: true });
    }
    await mkdir(this.instanceDirectory, { mode: 0o700 });
    // A file that cannot be removed now is tried again at the next sweep.
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const snapshot of [...this.byId.values()]) await this.drop(snapshot, { force: true });
    await rm(this.instanceDirectory, { recursive: true, force: true });
    this.key.fill(0);
  }

  /** A snapshot for a first sync of this caller: a fresh one of the same scope, or a new build. */
  async acquire(tenantId: string, ability: Ability, options: { buildOptions?: BuildOptions } = {}): Promise<Snapshot> {
    const scope = readScopeFor(ability);
    const scopeKey = scopeKeyOf(tenantId, scope);
    await this.sweep();
    for (;;) {
      // From here to registering a new build nothing is awaited: two requests of one scope
      // arriving together share one build, and the tenant's cap counts every build.
      const now = this.clock.now().getTime();
      const candidates = [...this.byId.values()].filter((snapshot) => snapshot.tenantId === tenantId && snapshot.scopeKey === scopeKey && snapshot.state !== 'failed' && snapshot.expiresAt > now);
      const newest = candidates.sort((a, b) => b.takenAt - a.takenAt)[0];
      if (!newest) break;
      if (await this.isCurrent(newest)) return newest;
    }
    const running = [...this.byId.values()].filter((snapshot) => snapshot.tenantId === tenantId && snapshot.state === 'building').length;
    if (running >= this.settings.maxBuildsPerTenant) throw apiError('rate_limited', { retryAfter: BUSY_RETRY_SECONDS });
    return this.startBuild(tenantId, scope, feedFilterFor(ability), scopeKey, options.buildOptions ?? this.settings.build ?? defaultBuildOptions);
  }

  /** The snapshot a cut answer was reading, if it is still kept, current and of this caller's scope. */
  async resume(snapshotId: string, tenantId: string, ability: Ability): Promise<Snapshot> {
    const snapshot = this.byId.get(snapshotId);
    const scopeKey = scopeKeyOf(tenantId, readScopeFor(ability));
    if (!snapshot || snapshot.tenantId !== tenantId || snapshot.scopeKey !== scopeKey || snapshot.state === 'failed') throw apiError('bootstrap_gone');
    if (snapshot.expiresAt <= this.clock.now().getTime() || !(await this.isCurrent(snapshot))) throw apiError('bootstrap_gone');
    return snapshot;
  }

  /**
   * The frames of an answer: `from` on (1 for a new answer), read from the sealed file as the
   * build writes them. The caller writes the snapshot frame first (it names the caller's policy).
   */
  async *frames(snapshot: Snapshot, from: number): AsyncGenerator<Buffer> {
    snapshot.readers += 1;
    const scratch = { buffer: Buffer.alloc(0) };
    try {
      for (let no = from; ; no += 1) {
        while (snapshot.file.frames < no && snapshot.state === 'building') await snapshot.changed();
        if (snapshot.dropped) throw new Error('the snapshot was dropped while it was read');
        if (snapshot.file.frames >= no) yield await snapshot.file.read(no, scratch);
        else if (snapshot.state === 'complete') return;
        else throw new Error('the snapshot build failed');
      }
    } finally {
      snapshot.readers -= 1;
      const kept = this.byId.get(snapshot.id) === snapshot;
      if (snapshot.readers === 0 && (!kept || snapshot.state === 'failed' || snapshot.expiresAt <= this.clock.now().getTime())) await this.drop(snapshot);
    }
  }

  /** Drops expired snapshots nobody reads, then the oldest unread ones while over the disk budget. */
  async sweep(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const snapshot of [...this.byId.values()]) if (snapshot.expiresAt <= now && snapshot.readers === 0 && snapshot.state !== 'building') await this.drop(snapshot);
    let bytes = [...this.byId.values()].reduce((sum, snapshot) => sum + snapshot.file.bytes, 0);
    const idle = [...this.byId.values()].filter((snapshot) => snapshot.readers === 0 && snapshot.state === 'complete').sort((a, b) => a.takenAt - b.takenAt);
    for (const snapshot of idle) {
      if (bytes <= this.settings.maxCacheBytes) break;
      bytes -= snapshot.file.bytes;
      await this.drop(snapshot);
    }
  }

  private startBuild(tenantId: string, scope: ReadScope, filter: FeedFilter, scopeKey: string, buildOptions: BuildOptions): Snapshot {
    const id = randomBytes(16).toString('base64url');
    const file = new SealedFrameFile(join(this.instanceDirectory, `${id}.frames`), id, this.key);
    const now = this.clock.now().getTime();
    const snapshot = new Snapshot(id, tenantId, scopeKey, now, now + this.ttlMs, file);
    this.byId.set(id, snapshot);
    this.buildsStarted += 1;
    void buildSnapshot(
      this.db,
      { tenantId, scope, filter },
      {
        plan: async (plan) => {
          snapshot.plan = plan;
          snapshot.notify();
        },
        frame: async (frame) => {
          if (snapshot.dropped) throw new Error('the snapshot was dropped while it was built');
          await file.append(frame);
          snapshot.notify();
        },
      },
      buildOptions,
    ).then(
      () => {
        snapshot.state = 'complete';
        snapshot.notify();
      },
      async (error: unknown) => {
        // The readers are cut (their resume answers bootstrap_gone and they start again).
        snapshot.state = 'failed';
        snapshot.failure = error;
        snapshot.notify();
        if (snapshot.readers === 0) await this.drop(snapshot).catch(() => undefined);
      },
    );
    return snapshot;
  }

  /** False once a person of the tenant was erased after the snapshot was taken. */
  private async isCurrent(snapshot: Snapshot): Promise<boolean> {
    const plan = await snapshot.planned();
    const [row] = await this.db.transaction({ tenantId: snapshot.tenantId }, (tx) =>
      tx.query<{ erased: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM audit_events WHERE tenant_id = $1 AND entity = 'user' AND seq > $2 AND action = 'user.erased') AS erased`,
        [snapshot.tenantId, plan.auditSeq],
      ),
    );
    if (!row.erased) return true;
    // Every snapshot of the tenant taken before that erasure is stale too.
    // Answers still reading them are cut: their resume starts over with a fresh snapshot.
    for (const other of [...this.byId.values()]) if (other.tenantId === snapshot.tenantId && other.plan && other.plan.auditSeq <= plan.auditSeq) await this.drop(other, { force: true });
    await this.drop(snapshot, { force: true });
    return false;
  }

  private async drop(snapshot: Snapshot, options: { force?: boolean } = {}): Promise<void> {
    this.byId.delete(snapshot.id);
    if (snapshot.readers > 0 && !options.force) return;
    snapshot.dropped = true;
    snapshot.notify();
    await snapshot.file.remove();
  }

  /** Sealed frame files on disk now (tests, operators). */
  async filesOnDisk(): Promise<string[]> {
    return (await readdir(this.instanceDirectory)).filter((name) => name.endsWith('.frames'));
  }
}
