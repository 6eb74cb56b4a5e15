import { randomUUID } from 'node:crypto';
import { startServer, type RunningServer, type ServerOptions } from '../../server/app';
import { createMember, createTenant } from '../../server/admin/provisioning';
import { appendChange } from '../../server/feed/change-log';
import { getTenant, toSettingsRow } from '../../server/store/tenants';
import { hashPassword, type ScryptParams } from '../../server/auth/passwords';
import { totpCode } from '../../server/crypto/totp';
import { createManualClock, type ManualClock } from '../../server/clock';
import type { Database } from '../../server/db/database';
import { openDatabase } from '../../server/db/open';
import { defaultModuleFlags, type ModuleFlags, type OrgRolePreset } from '../../shared/rbac';
import { postgresCapability, skipUnless } from './capabilities';
import { startPostgresCluster, type PostgresCluster } from './postgres';

/**
 * A real server for tests: real HTTP on 127.0.0.1, a real database (PGlite in memory, or a
 * throwaway PostgreSQL cluster), a manual clock, and fixtures that create tenants and members
 * straight in the database (fast) and sign them in through the real API.
 */
export type Backend = 'pglite' | 'postgres';

/** Cheap scrypt for fixtures: tests sign in hundreds of times; the format is the production one. */
export const testScrypt: ScryptParams = { N: 2 ** 12, r: 8, p: 1, keyLength: 32 };

export interface TestUser {
  id: string;
  email: string;
  password: string;
  totpSecret: string;
  tenantId: string;
  role: OrgRolePreset | 'custom';
}

export interface TestTenant {
  id: string;
  name: string;
  admin: TestUser;
  /** site > sections > areas, ids by name. */
  areas: Record<string, string>;
}

/** A parsed response body: tests read it field by field and assert its shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted in each test, never trusted
export type Json = any;

export interface HttpResult {
  status: number;
  body: Json;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (malformed JSON, huge bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestServer {
  server: RunningServer;
  url: string;
  clock: ManualClock;
  db: Database;
  backend: Backend;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  createTenant(name?: string, settings?: Partial<Record<'lockout_threshold' | 'session_idle_minutes' | 'session_absolute_hours' | 'offline_grant_hours', number>>): Promise<TestTenant>;
  addMember(tenantId: string, role: OrgRolePreset | { customRoleId: string }, options?: { areas?: string[]; moduleFlags?: ModuleFlags; email?: string }): Promise<TestUser>;
  /** Password + TOTP through the API; returns the sign-in answer (token, grant...). */
  signIn(user: TestUser, options?: { deviceId?: string; tenantId?: string; ip?: string }): Promise<Json>;
  /** A TOTP code for the user that has not been used yet (moves the clock a step if needed). */
  freshCode(user: TestUser): Promise<string>;
  /**
   * What the person does with an enrolment link: opens it, enrols the authenticator secret it
   * shows and completes it with their own password. Returns the person as a TestUser (their
   * secret as the authenticator holds it) and the sign-in answer.
   */
  enrol(link: string, options?: { password?: string; deviceId?: string }): Promise<{ user: Omit<TestUser, 'tenantId' | 'role'>; signedIn: Json }>;
  stop(): Promise<void>;
}

let counter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}-${Date.now().toString(36)}-${(counter += 1)}@example.test`;

export const TEST_PASSWORD = 'correct-horse-Plant-42';

/**
 * TOTP codes the server has not seen used: the server refuses a code of a step already used by
 * that user, so when one was, the (manual) clock moves one 30 s step instead of the test waiting.
 */
export function freshCodes(clock: ManualClock): (userKey: string, totpSecret: string) => Promise<string> {
  const lastStep = new Map<string, number>();
  return (userKey, totpSecret) => {
    let step = Math.floor(clock.now().getTime() / 30_000);
    if ((lastStep.get(userKey) ?? -1) >= step) {
      clock.advance(30_000);
      step += 1;
    }
    lastStep.set(userKey, step);
    return totpCode(totpSecret, clock.now());
  };
}

export async function startTestServer(
  options: { backend: Backend; cluster?: PostgresCluster; server?: Partial<ServerOptions>; clockStart?: Date } = { backend: 'pglite' },
): Promise<TestServer & { cluster: PostgresCluster | null; databaseUrl: string | null }> {
  const clock = createManualClock(options.clockStart);
  let cluster: PostgresCluster | null = null;
  let databaseUrl: string | null = null;
  let db: Database;
  if (options.backend === 'postgres') {
    cluster = options.cluster ?? (await startPostgresCluster());
    databaseUrl = await cluster.createDatabase(`plantdesk_${randomUUID().replaceAll('-', '').slice(0, 12)}`);
    db = await openDatabase({ kind: 'postgres', connectionString: databaseUrl, maxConnections: 20 });
  } else {
    db = await openDatabase({ kind: 'pglite' });
  }
  // The test process is the (loopback) proxy: tests play clients at different IPs through X-Forwarded-For.
  const server = await startServer({ port: 0, db, clock, scrypt: testScrypt, logger: false, trustProxy: ['loopback'], ...options.server });
  const codeFor = freshCodes(clock);
  const passwordHash = await hashPassword(TEST_PASSWORD, testScrypt);

  const request = async (method: string, path: string, requestOptions: RequestOptions = {}): Promise<HttpResult> => {
    const headers: Record<string, string> = { ...requestOptions.headers };
    if (requestOptions.token) headers.authorization = `Bearer ${requestOptions.token}`;
    let body: string | undefined;
    if (requestOptions.rawBody !== undefined) body = requestOptions.rawBody;
    else if (requestOptions.body !== undefined) body = JSON.stringify(requestOptions.body);
    if (body !== undefined && !Object.keys(headers).some((key) => key.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    const response = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };

  const addMember: TestServer['addMember'] = async (tenantId, role, memberOptions = {}) => {
    const email = memberOptions.email ?? uniqueEmail(typeof role === 'string' ? role : 'custom');
    const created = await db.transaction({ tenantId }, (tx) =>
      createMember(tx, tenantId, {
        email,
        displayName: `Test ${typeof role === 'string' ? role : 'custom'}`,
        passwordHash,
        role,
        areas: memberOptions.areas,
        moduleFlags: memberOptions.moduleFlags ?? (typeof role === 'string' ? defaultModuleFlags(role) : undefined),
        now: clock.now(),
      }, server.signer.secretBox),
    );
    return { id: created.user.id, email, password: TEST_PASSWORD, totpSecret: created.totpSecret, tenantId, role: typeof role === 'string' ? role : 'custom' };
  };

  const freshCode = (user: TestUser) => codeFor(user.id, user.totpSecret);

  const enrol: TestServer['enrol'] = async (link, enrolOptions = {}) => {
    const token = enrolmentToken(link);
    const opened = await request('POST', '/v1/auth/enrolment', { body: { token } });
    if (opened.status !== 200) throw new Error(`enrolment failed: ${opened.status} ${JSON.stringify(opened.body)}`);
    const password = enrolOptions.password ?? TEST_PASSWORD;
    const totpSecret: string = opened.body.totp.secret;
    const completed = await request('POST', '/v1/auth/enrolment/complete', {
      body: { token, password, code: await totpCode(totpSecret, clock.now()), deviceId: enrolOptions.deviceId ?? 'test-device', deviceName: 'Test workstation' },
    });
    if (completed.status !== 200) throw new Error(`enrolment completion failed: ${completed.status} ${JSON.stringify(completed.body)}`);
    const id: string = completed.body.user.id;
    // The code just used is spent: later sign-ins of this person need the next step's.
    await codeFor(id, totpSecret);
    return { user: { id, email: opened.body.email, password, totpSecret }, signedIn: completed.body };
  };

  const testServer: TestServer = {
    server,
    url: server.url,
    clock,
    db,
    backend: options.backend,
    request,
    addMember,
    freshCode,
    enrol,
    async createTenant(name = `Tenant ${(counter += 1)}`, settings = {}) {
      const id = await createTenant(db, { name, now: clock.now() });
      const areas: Record<string, string> = {};
      await db.transaction({ tenantId: id }, async (tx) => {
        const add = async (key: string, parent: string | null, kind: string) => {
          areas[key] = randomUUID();
          await tx.query('INSERT INTO areas (tenant_id, id, parent_id, kind, name, time_zone, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
            id,
            areas[key],
            parent && areas[parent],
            kind,
            key,
            kind === 'site' ? 'Europe/Berlin' : null,
            clock.now(),
          ]);
        };
        await add('site', null, 'site');
        await add('north', 'site', 'section');
        await add('south', 'site', 'section');
        await add('boilers', 'north', 'area');
        await add('tanks', 'south', 'area');
        for (const [column, value] of Object.entries(settings)) {
          await tx.query(`UPDATE tenants SET ${column} = $2 WHERE id = $1`, [id, value]);
        }
        // Published as the settings route does, so workstations apply them from their first sync.
        if (Object.keys(settings).length > 0) {
          await appendChange(tx, id, { entity: 'tenant_settings', entityId: id, op: 'upsert', row: toSettingsRow((await getTenant(tx, id))!), scope: {} });
        }
      });
      const admin = await addMember(id, 'admin');
      return { id, name, admin, areas };
    },
    async signIn(user, signInOptions = {}) {
      const headers = signInOptions.ip ? { 'x-forwarded-for': signInOptions.ip } : undefined;
      const login = await request('POST', '/v1/auth/login', {
        headers,
        body: { email: user.email, password: user.password, deviceId: signInOptions.deviceId ?? 'test-device', deviceName: 'Test workstation', ...(signInOptions.tenantId ? { tenantId: signInOptions.tenantId } : {}) },
      });
      if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
      const totp = await request('POST', '/v1/auth/totp', { headers, body: { challengeId: login.body.challengeId, code: await freshCode(user) } });
      if (totp.status !== 200) throw new Error(`totp failed: ${totp.status} ${JSON.stringify(totp.body)}`);
      return totp.body;
    },
    async stop() {
      await server.close();
      await db.close();
      if (cluster && !options.cluster) cluster.stop();
    },
  };
  return Object.assign(testServer, { cluster, databaseUrl });
}

/** The token of an enrolment link (`<server>/enrol#<token>`). */
export function enrolmentToken(link: string): string {
  const token = new URL(link).hash.slice(1);
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw new Error(`not an enrolment link: ${link}`);
  return token;
}

/** Rows of a table as the superuser sees them (outside RLS), for assertions on the database. */
export async function ownerRows(db: Database, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  return db.ownerTransaction((tx) => tx.query(sql, params));
}

/** A fingerprint of every customer table: changes if any row anywhere changes. */
export async function databaseFingerprint(db: Database): Promise<string> {
  const tables = await ownerRows(
    db,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const parts: string[] = [];
  for (const { table_name: table } of tables) {
    const [row] = await ownerRows(db, `SELECT count(*)::int AS n, coalesce(md5(string_agg(md5(t::text), ',' ORDER BY md5(t::text))), '') AS h FROM "${String(table)}" t`);
    parts.push(`${String(table)}:${row.n}:${row.h}`);
  }
  return parts.join('\n');
}

/** Each server suite runs against both engines; PostgreSQL only where its binaries exist (always under CI). */
export function serverBackends(): { name: string; backend: Backend; skip: boolean }[] {
  return [
    { name: 'PGlite', backend: 'pglite', skip: false },
    { name: 'PostgreSQL', backend: 'postgres', skip: skipUnless(postgresCapability()) },
  ];
}

/** A body each write endpoint accepts, so that only authorization can stop the call. */
export function validBodyFor(method: string, url: string): unknown {
  if (method === 'GET' || method === 'DELETE') return undefined;
  if (url.endsWith('/users')) return { email: uniqueEmail('body'), displayName: 'Body Builder', role: 'viewer' };
  if (url.endsWith('/users/:userId')) return { displayName: 'Renamed Person' };
  if (url.endsWith('/erase')) return { reason: 'test' };
  if (url.endsWith('/reset')) return { reason: 'lost phone' };
  if (url.endsWith('/settings')) return { retentionDays: 400 };
  if (url.endsWith('/roles')) return { name: `Role ${uniqueEmail()}`, grants: [] };
  if (url.endsWith('/roles/:roleId')) return { name: `Renamed ${uniqueEmail()}` };
  if (url.endsWith('/signing-tickets')) return { meaning: 'approved', contentHash: 'a'.repeat(64), password: 'not-the-password' };
  return {};
}
