import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PullResponseSchema, SYNC_SCHEMA_VERSION, type Change } from '../../../shared/sync-protocol';
import { uuidv7 } from '../../../shared/uuid7';
import { decodeBootstrap, type DecodedBootstrap } from '../../support/bootstrap-stream';
import { ownerRows, serverBackends, startTestServer, type TestTenant, type TestUser } from '../../support/server';
import { entryArgs, insertHandover, insertShiftLog, signOffArgs, TestClient } from './sync-fixtures';

/**
 * GET /v1/sync/bootstrap: one consistent snapshot of exactly what a pull from seq 0 would leave
 * in the caller's cache, as checksummed frames; resumable byte for byte; kept per tenant and read
 * scope for colleagues, never for anyone else; gone after an erasure or its TTL.
 */
const TABLE_ORDER = ['tenant', 'user', 'role', 'membership', 'area', 'equipment', 'session', 'shift_log', 'log_entry', 'entry_amendment', 'comment', 'signoff', 'handover', 'audit_event'];

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`sync bootstrap (${name})`, () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let tenant: TestTenant;
    let adminToken: string;
    let admin: TestClient;
    /** Runs inside the build's transaction once its seq is read (the test's seam). */
    let duringBuild: (() => Promise<void>) | null = null;
    const now = () => server.clock.now();

    const bootstrap = async (token: string, query: string) => {
      const response = await fetch(`${server.url}/v1/sync/bootstrap?${query}`, { headers: { authorization: `Bearer ${token}` } });
      const body = Buffer.from(await response.arrayBuffer());
      return { status: response.status, headers: response.headers, body, json: () => JSON.parse(body.toString('utf8')) };
    };
    const snapshotOf = async (token: string, tenantId = tenant.id): Promise<DecodedBootstrap> => {
      const answer = await bootstrap(token, `tenant=${tenantId}&schemaVersion=${SYNC_SCHEMA_VERSION}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain('application/x-plantdesk-bootstrap');
      return decodeBootstrap(answer.body);
    };
    /** The cache a pull from seq 0 leaves: table -> id -> row. */
    const pulledState = async (token: string, tenantId = tenant.id) => {
      const state = new Map<string, Map<string, Record<string, unknown>>>();
      let since = 0;
      for (;;) {
        const page = await server.request('GET', `/v1/sync/pull?tenant=${tenantId}&since=${since}&limit=1000`, { token });
        expect(page.status).toBe(200);
        const body = PullResponseSchema.parse(page.body);
        for (const change of body.changes as Change[]) {
          const table = state.get(change.entity) ?? new Map<string, Record<string, unknown>>();
          state.set(change.entity, table);
          if (change.op === 'delete') table.delete(change.entityId);
          else table.set(change.entityId, change.row as Record<string, unknown>);
        }
        since = body.cursor;
        if (!body.hasMore) return { state, cursor: body.cursor };
      }
    };
    /** The snapshot as the same map; a column pull left out is null (the cache's default applies). */
    const expectSameAsPull = async (token: string) => {
      const decoded = await snapshotOf(token);
      const { state, cursor } = await pulledState(token);
      expect(decoded.end?.seq).toBe(decoded.snapshot.seq);
      expect(decoded.snapshot.seq).toBe(cursor);
      expect(decoded.snapshot.tables.map((table) => table.table)).toEqual(TABLE_ORDER);
      for (const table of TABLE_ORDER) {
        const columns = decoded.snapshot.tables.find((entry) => entry.table === table)!.columns;
        const pulled = [...(state.get(table)?.values() ?? [])].map((row) => {
          for (const key of Object.keys(row)) expect(columns, `${table}.${key}`).toContain(key);
          return Object.fromEntries(columns.map((column) => [column, row[column] ?? null]));
        });
        const sent = decoded.tables.get(table) ?? [];
        const byId = (rows: Record<string, unknown>[]) => [...rows].sort((a, b) => String(a.id).localeCompare(String(b.id)));
        expect(byId(sent), table).toEqual(byId(pulled));
      }
      return decoded;
    };

    beforeAll(async () => {
      server = await startTestServer({
        backend,
        server: {
          rateLimits: { perIp: { limit: 100_000, windowMs: 60_000 }, perUser: { limit: 100_000, windowMs: 60_000 } },
          bootstrap: {
            snapshotsPerUser: { limit: 1000, windowMs: 60_000 },
            maxBuildsPerTenant: 4,
            // Small frames: every table spans several.
            build: { rowsPerFrame: 2, maxFrameBytes: 4 * 1024 * 1024, afterSnapshotTaken: () => duringBuild?.() ?? Promise.resolve() },
          },
        },
      });
      tenant = await server.createTenant('Bootstrap Works');
      adminToken = (await server.signIn(tenant.admin)).token;
      admin = new TestClient(server, adminToken);
      for (const area of ['boilers', 'tanks'] as const) {
        const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas[area], createdBy: tenant.admin.id, now: now(), status: 'reviewed' });
        for (let index = 0; index < 3; index += 1) await admin.apply('logEntry.create', entryArgs(log));
        const entry = entryArgs(log);
        await admin.apply('logEntry.create', entry);
        await admin.apply('logEntry.amend', { id: uuidv7(), entryId: entry.id, kind: 'correction', body: 'Pressure 4.2 bar', fieldsChanged: { severity: 'low' }, reason: 'Misread' });
        // A void changes the entry again: the snapshot holds its last version only.
        await admin.apply('logEntry.amend', { id: uuidv7(), entryId: entry.id, kind: 'void', body: null, fieldsChanged: null, reason: 'Wrong log' });
        await admin.apply('comment.create', { id: uuidv7(), shiftLogId: log.id, entryId: null, body: 'Quiet "shift" \\ ünïcode ✓' });
        await admin.apply('shiftLog.signOff', await signOffArgs(server.db, tenant.id, log));
        const handoverId = await insertHandover(server.db, tenant.id, { from: log, createdBy: tenant.admin.id, now: now() });
        await admin.apply('handover.acknowledge', { handoverId, side: 'outgoing' });
      }
      const viewer = await server.addMember(tenant.id, 'viewer');
      await server.request('PATCH', `/v1/tenants/${tenant.id}/users/${viewer.id}`, { token: adminToken, body: { displayName: 'Renamed Viewer' } });
      await server.request('PATCH', `/v1/tenants/${tenant.id}/settings`, { token: adminToken, body: { retentionDays: 400 } });
    });
    afterAll(async () => server?.stop());

    it('equals the state a pull from seq 0 leaves, for an admin', async () => {
      const decoded = await expectSameAsPull(adminToken);
      expect(decoded.tables.get('log_entry')!.length).toBe(8);
      expect(decoded.tables.get('log_entry')!.filter((row) => row.state === 'voided').length).toBe(2);
      expect(decoded.tables.get('audit_event')!.length).toBeGreaterThan(10);
    });

    it('equals the state a pull from seq 0 leaves, for an area-scoped reader whose role reads some rows by owner', async () => {
      const role = await server.request('POST', `/v1/tenants/${tenant.id}/roles`, {
        token: adminToken,
        body: {
          name: `Boilers reader ${randomUUID()}`,
          grants: [
            ...['shift_log', 'comment', 'signoff', 'handover'].map((entity) => ({ action: 'read', access: 'area', entity })),
            { action: 'read', access: 'own', entity: 'log_entry' },
            { action: 'create', access: 'area', entity: 'log_entry' },
          ],
        },
      });
      expect(role.status).toBe(201);
      const member: TestUser = await server.addMember(tenant.id, { customRoleId: role.body.id }, { areas: [tenant.areas.boilers] });
      const client = new TestClient(server, (await server.signIn(member)).token);
      const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: now() });
      expect((await client.apply('logEntry.create', entryArgs(log))).status).toBe('applied');
      const decoded = await expectSameAsPull(client.token);
      expect(decoded.tables.get('log_entry')!.map((row) => row.author_id)).toEqual([member.id]);
      expect(decoded.tables.get('shift_log')!.every((row) => row.area_id === tenant.areas.boilers)).toBe(true);
      expect(decoded.tables.get('shift_log')!.length).toBeGreaterThan(0);
      // Tables it can have no rows in still close with a table-end.
      expect(decoded.frames.filter((frame) => frame.header.kind === 'table-end').map((frame) => (frame.header as { table: string }).table)).toEqual(TABLE_ORDER);
    });

    it("sends each area's newest week first, in frames marked recent, then the rest", async () => {
      const other = await server.createTenant(`Recent first ${randomUUID()}`);
      const token = (await server.signIn(other.admin)).token;
      const client = new TestClient(server, token);
      // Days before now: the boilers' newest is today, the tanks' six weeks ago.
      const days = { boilers: [0, 1, 5, 6, 8, 12], tanks: [40, 42, 46, 48, 50] };
      const recent = new Set<string>();
      for (const area of ['boilers', 'tanks'] as const) {
        const log = await insertShiftLog(server.db, other.id, { areaId: other.areas[area], createdBy: other.admin.id, now: now() });
        for (const day of days[area]) {
          const entry = entryArgs(log);
          expect((await client.apply('logEntry.create', entry)).status).toBe('applied');
          await ownerRows(server.db, 'UPDATE log_entries SET occurred_at = $1 WHERE tenant_id = $2 AND id = $3', [new Date(now().getTime() - day * 86_400_000 - 3_600_000), other.id, entry.id]);
          if (day - days[area][0] < 7) recent.add(entry.id);
        }
      }
      const decoded = await snapshotOf(token, other.id);
      const entryFrames = decoded.frames.filter((frame) => frame.header.kind === 'rows' && frame.header.table === 'log_entry').map((frame) => frame.header as { count: number; recent?: boolean });
      const firstRest = entryFrames.findIndex((frame) => !frame.recent);
      expect(firstRest).toBeGreaterThan(0);
      expect(entryFrames.slice(firstRest).every((frame) => !frame.recent)).toBe(true);
      const recentCount = entryFrames.slice(0, firstRest).reduce((sum, frame) => sum + frame.count, 0);
      const sent = decoded.tables.get('log_entry')!.map((row) => String(row.id));
      expect(new Set(sent.slice(0, recentCount))).toEqual(recent);
      expect(sent).toHaveLength(11);
      // Each part oldest first: the workstation numbers entries in the order it stores them.
      const times = decoded.tables.get('log_entry')!.map((row) => Date.parse(String(row.occurred_at)));
      const ascending = (list: number[]) => list.every((time, i) => i === 0 || list[i - 1] <= time);
      expect(ascending(times.slice(0, recentCount))).toBe(true);
      expect(ascending(times.slice(recentCount))).toBe(true);
      // The tables that name things are shown at once; the trail is not needed first.
      expect(decoded.frames.filter((frame) => frame.header.kind === 'rows' && frame.header.table === 'area').every((frame) => (frame.header as { recent?: boolean }).recent)).toBe(true);
      expect(decoded.frames.some((frame) => frame.header.kind === 'rows' && frame.header.table === 'audit_event' && (frame.header as { recent?: boolean }).recent)).toBe(false);
    });

    it("never holds another tenant's rows, and another tenant's snapshot answers 404", async () => {
      const other = await server.createTenant('Elsewhere Bootstrap');
      const otherAdmin = new TestClient(server, (await server.signIn(other.admin)).token);
      const log = await insertShiftLog(server.db, other.id, { areaId: other.areas.boilers, createdBy: other.admin.id, now: now() });
      await otherAdmin.apply('logEntry.create', entryArgs(log, { body: 'Secret of Elsewhere' }));
      const mine = await bootstrap(adminToken, `tenant=${tenant.id}`);
      expect(mine.status).toBe(200);
      const text = mine.body.toString('utf8');
      for (const foreign of [other.id, other.admin.id, log.id, 'Secret of Elsewhere', 'Elsewhere Bootstrap']) expect(text).not.toContain(foreign);
      expect((await bootstrap(adminToken, `tenant=${other.id}`)).status).toBe(404);
    });

    it('resumes from frame n with the same bytes as the first answer', async () => {
      const first = await snapshotOf(adminToken);
      expect(first.frames.length).toBeGreaterThan(10);
      expect(first.snapshot.frames === null || first.snapshot.frames === first.frames.length).toBe(true);
      const from = Math.floor(first.frames.length / 2);
      const resumed = await bootstrap(adminToken, `tenant=${tenant.id}&snapshot=${first.snapshot.snapshotId}&from=${from}`);
      expect(resumed.status).toBe(200);
      const decoded = decodeBootstrap(resumed.body, { from });
      expect(decoded.snapshot).toMatchObject({ snapshotId: first.snapshot.snapshotId, seq: first.snapshot.seq, tables: first.snapshot.tables, frames: first.frames.length });
      expect(Buffer.concat(decoded.frames.map((frame) => frame.raw)).equals(Buffer.concat(first.frames.slice(from - 1).map((frame) => frame.raw)))).toBe(true);
      const beyond = await bootstrap(adminToken, `tenant=${tenant.id}&snapshot=${first.snapshot.snapshotId}&from=${first.frames.length + 1}`);
      expect(beyond.status).toBe(400);
      expect(beyond.json().error.code).toBe('invalid_request');
    });

    it('answers bootstrap_gone for an unknown snapshot and for a snapshot of another scope or tenant', async () => {
      const unknown = await bootstrap(adminToken, `tenant=${tenant.id}&snapshot=${'x'.repeat(22)}&from=1`);
      expect(unknown.status).toBe(409);
      expect(unknown.json().error.code).toBe('bootstrap_gone');
      const adminSnapshot = await snapshotOf(adminToken);
      const viewer = await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.tanks] });
      const viewerToken = (await server.signIn(viewer)).token;
      const otherScope = await bootstrap(viewerToken, `tenant=${tenant.id}&snapshot=${adminSnapshot.snapshot.snapshotId}&from=1`);
      expect(otherScope.status).toBe(409);
      expect(otherScope.json().error.code).toBe('bootstrap_gone');
      const other = await server.createTenant('Other Scope Works');
      const otherToken = (await server.signIn(other.admin)).token;
      const otherTenant = await bootstrap(otherToken, `tenant=${other.id}&snapshot=${adminSnapshot.snapshot.snapshotId}&from=1`);
      expect(otherTenant.json().error.code).toBe('bootstrap_gone');
    });

    it("serves a second workstation of the same scope from the kept frames, without building again, then pull brings what came after", async () => {
      const first = await snapshotOf(adminToken);
      const builds = server.server.snapshots.buildsStarted;
      const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.tanks, createdBy: tenant.admin.id, now: now() });
      const later = entryArgs(log);
      await admin.apply('logEntry.create', later);
      const secondToken = (await server.signIn(tenant.admin, { deviceId: randomUUID() })).token;
      const second = await snapshotOf(secondToken);
      expect(server.server.snapshots.buildsStarted).toBe(builds);
      expect(second.snapshot.snapshotId).toBe(first.snapshot.snapshotId);
      expect(second.snapshot.seq).toBe(first.snapshot.seq);
      expect(second.tables.get('log_entry')!.some((row) => row.id === later.id)).toBe(false);
      const after = await server.request('GET', `/v1/sync/pull?tenant=${tenant.id}&since=${second.snapshot.seq}`, { token: secondToken });
      expect(after.body.changes.map((change: Change) => change.entityId)).toContain(later.id);
    });

    it('shares one build between two requests of the same scope that arrive together', async () => {
      const together = await server.createTenant('Together Works');
      const [first, second] = [(await server.signIn(together.admin)).token, (await server.signIn(together.admin, { deviceId: randomUUID() })).token];
      const builds = server.server.snapshots.buildsStarted;
      const [a, b] = await Promise.all([snapshotOf(first, together.id), snapshotOf(second, together.id)]);
      expect(server.server.snapshots.buildsStarted).toBe(builds + 1);
      expect(a.snapshot.snapshotId).toBe(b.snapshot.snapshotId);
      expect(Buffer.concat(a.frames.map((frame) => frame.raw)).equals(Buffer.concat(b.frames.map((frame) => frame.raw)))).toBe(true);
    });

    it('builds afresh once a person was erased: a kept snapshot never brings an erased name back', async () => {
      const erasing = await server.createTenant('Erasure Works');
      const token = (await server.signIn(erasing.admin)).token;
      const person = await server.addMember(erasing.id, 'viewer');
      const renamed = await server.request('PATCH', `/v1/tenants/${erasing.id}/users/${person.id}`, { token, body: { displayName: 'Erin Erasable' } });
      expect(renamed.status).toBe(200);
      const before = await snapshotOf(token, erasing.id);
      const builds = server.server.snapshots.buildsStarted;
      expect(before.tables.get('user')!.some((row) => row.display_name === 'Erin Erasable')).toBe(true);
      const erased = await server.request('POST', `/v1/tenants/${erasing.id}/users/${person.id}/erase`, { token, body: { reason: 'Request under GDPR art. 17' } });
      expect(erased.status).toBe(200);
      const resumed = await bootstrap(token, `tenant=${erasing.id}&snapshot=${before.snapshot.snapshotId}&from=1`);
      expect(resumed.json().error.code).toBe('bootstrap_gone');
      const after = await snapshotOf(token, erasing.id);
      expect(server.server.snapshots.buildsStarted).toBe(builds + 1);
      expect(after.snapshot.snapshotId).not.toBe(before.snapshot.snapshotId);
      expect(JSON.stringify([...after.tables.values()])).not.toContain('Erin Erasable');
    });

    it.skipIf(backend === 'pglite')('leaves out a write committed while the snapshot is read, and its seq excludes it', async () => {
      // PGlite runs one transaction at a time, so nothing can commit during a build there.
      const log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: now() });
      const during = entryArgs(log);
      // Another scope (a fresh member): a new build, not a kept snapshot.
      const reader = await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] });
      const readerToken = (await server.signIn(reader)).token;
      duringBuild = async () => {
        duringBuild = null;
        expect((await admin.apply('logEntry.create', during)).status).toBe('applied');
      };
      const decoded = await snapshotOf(readerToken);
      const head = await server.request('GET', '/v1/sync/head', { token: readerToken });
      expect(head.body.seq).toBeGreaterThan(decoded.snapshot.seq);
      expect(decoded.tables.get('log_entry')!.some((row) => row.id === during.id)).toBe(false);
      const after = await server.request('GET', `/v1/sync/pull?tenant=${tenant.id}&since=${decoded.snapshot.seq}`, { token: readerToken });
      expect(after.body.changes.map((change: Change) => change.entityId)).toContain(during.id);
    });

    it('answers 409 reset for another schema version and 400 for bad parameters', async () => {
      const mismatch = await bootstrap(adminToken, `tenant=${tenant.id}&schemaVersion=${SYNC_SCHEMA_VERSION + 1}`);
      expect(mismatch.status).toBe(409);
      expect(mismatch.json().error.code).toBe('reset');
      for (const query of [`tenant=${tenant.id}&from=2`, `tenant=${tenant.id}&snapshot=abcdefgh12`, `tenant=${tenant.id}&snapshot=bad*chars!!&from=1`, `tenant=${tenant.id}&snapshot=abcdefgh12&from=0`, `tenant=${tenant.id}&extra=1`, 'schemaVersion=1', `tenant=${tenant.id}&schemaVersion=one`]) {
        const answer = await bootstrap(adminToken, query);
        expect(answer.status, query).toBe(400);
        expect(answer.json().error.code, query).toBe('invalid_request');
      }
      expect((await bootstrap('not-a-token', `tenant=${tenant.id}`)).status).toBe(401);
    });
    it('forgets a snapshot after its TTL and deletes its file', async () => {
      const first = await snapshotOf(adminToken);
      server.clock.advance(16 * 60_000);
      const token = (await server.signIn(tenant.admin)).token;
      const resumed = await bootstrap(token, `tenant=${tenant.id}&snapshot=${first.snapshot.snapshotId}&from=1`);
      expect(resumed.status).toBe(409);
      expect(resumed.json().error.code).toBe('bootstrap_gone');
      const fresh = await snapshotOf(token);
      expect(fresh.snapshot.snapshotId).not.toBe(first.snapshot.snapshotId);
      expect((await server.server.snapshots.filesOnDisk()).some((file) => file.startsWith(first.snapshot.snapshotId))).toBe(false);
    });
  });

  describe.skipIf(skip)(`sync bootstrap limits (${name})`, () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let tenant: TestTenant;
    let release: (() => void) | null = null;
    let gate: Promise<void> | null = null;

    beforeAll(async () => {
      server = await startTestServer({
        backend,
        server: {
          bootstrap: {
            snapshotsPerUser: { limit: 2, windowMs: 600_000 },
            resumesPerUser: { limit: 3, windowMs: 600_000 },
            maxBuildsPerTenant: 1,
            build: { rowsPerFrame: 1000, maxFrameBytes: 1024 * 1024, afterSnapshotTaken: () => gate ?? Promise.resolve() },
          },
        },
      });
      tenant = await server.createTenant('Limited Works');
    });
    afterAll(async () => server?.stop());

    const bootstrap = (token: string, query: string) => fetch(`${server.url}/v1/sync/bootstrap?${query}`, { headers: { authorization: `Bearer ${token}` } });

    it('limits snapshots per person, and resumes separately', async () => {
      const token = (await server.signIn(tenant.admin)).token;
      const first = await bootstrap(token, `tenant=${tenant.id}`);
      const snapshotId = decodeBootstrap(Buffer.from(await first.arrayBuffer())).snapshot.snapshotId;
      expect((await bootstrap(token, `tenant=${tenant.id}`)).status).toBe(200);
      const refused = await bootstrap(token, `tenant=${tenant.id}`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await refused.json()) as { error: { code: string; details: { retryAfter: number } } }).error).toMatchObject({ code: 'rate_limited', details: { retryAfter: expect.any(Number) } });
      for (let index = 0; index < 3; index += 1) expect((await bootstrap(token, `tenant=${tenant.id}&snapshot=${snapshotId}&from=1`)).status).toBe(200);
      expect((await bootstrap(token, `tenant=${tenant.id}&snapshot=${snapshotId}&from=1`)).status).toBe(429);
    });

    it.skipIf(backend === 'pglite')('builds one snapshot per tenant at a time; the same scope joins it, another scope waits', async () => {
      // PGlite serialises transactions: a second sign-in would wait for the held build itself.
      // Scopes no earlier test built (an admin's would be served from the kept snapshot). A
      // contributor reads the same rows whatever their areas; the custom role reads by area.
      const adminToken = (await server.signIn(tenant.admin)).token;
      const role = await server.request('POST', `/v1/tenants/${tenant.id}/roles`, {
        token: adminToken,
        body: { name: 'Tanks reader', grants: [{ action: 'read', access: 'area', entity: 'log_entry' }] },
      });
      const one = await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.boilers] });
      const two = await server.addMember(tenant.id, { customRoleId: role.body.id }, { areas: [tenant.areas.tanks] });
      const three = await server.addMember(tenant.id, 'contributor', { areas: [tenant.areas.tanks] });
      const [oneToken, twoToken, threeToken] = [(await server.signIn(one)).token, (await server.signIn(two)).token, (await server.signIn(three)).token];
      gate = new Promise((resolve) => (release = resolve));
      const builds = server.server.snapshots.buildsStarted;
      const building = bootstrap(oneToken, `tenant=${tenant.id}`);
      while (server.server.snapshots.buildsStarted === builds) await new Promise((resolve) => setTimeout(resolve, 20));
      const busy = await bootstrap(twoToken, `tenant=${tenant.id}`);
      expect(busy.status).toBe(429);
      expect(((await busy.json()) as { error: { details: { retryAfter: number } } }).error.details.retryAfter).toBeGreaterThan(0);
      const joining = bootstrap(threeToken, `tenant=${tenant.id}`);
      gate = null;
      release!();
      const built = decodeBootstrap(Buffer.from(await (await building).arrayBuffer()));
      const joined = decodeBootstrap(Buffer.from(await (await joining).arrayBuffer()));
      expect(built.end?.seq).toBe(built.snapshot.seq);
      expect(joined.snapshot.snapshotId).toBe(built.snapshot.snapshotId);
      expect(Buffer.concat(joined.frames.map((frame) => frame.raw)).equals(Buffer.concat(built.frames.map((frame) => frame.raw)))).toBe(true);
      expect(server.server.snapshots.buildsStarted).toBe(builds + 1);
      expect((await bootstrap(twoToken, `tenant=${tenant.id}`)).status).toBe(200);
    });
  });
  describe.skipIf(skip)(`sync bootstrap disk budget (${name})`, () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    beforeAll(async () => {
      // A budget below one snapshot: only the snapshot being read may stay.
      server = await startTestServer({ backend, server: { bootstrap: { maxCacheBytes: 1 } } });
    });
    afterAll(async () => server?.stop());

    it('drops the oldest unread snapshot once the kept frames pass the disk budget', async () => {
      const [one, two] = [await server.createTenant('Budget One'), await server.createTenant('Budget Two')];
      const oneToken = (await server.signIn(one.admin)).token;
      const twoToken = (await server.signIn(two.admin)).token;
      const get = async (token: string, query: string) => {
        const response = await fetch(`${server.url}/v1/sync/bootstrap?${query}`, { headers: { authorization: `Bearer ${token}` } });
        return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
      };
      const first = decodeBootstrap((await get(oneToken, `tenant=${one.id}`)).body);
      expect((await server.server.snapshots.filesOnDisk()).length).toBe(1);
      expect((await get(twoToken, `tenant=${two.id}`)).status).toBe(200);
      const resumed = await get(oneToken, `tenant=${one.id}&snapshot=${first.snapshot.snapshotId}&from=1`);
      expect(resumed.status).toBe(409);
      expect(JSON.parse(resumed.body.toString('utf8')).error.code).toBe('bootstrap_gone');
      expect((await server.server.snapshots.filesOnDisk()).length).toBe(1);
    });
  });
}
