import fc from 'fast-check';
import { insertShiftLog } from '../../integration/server/sync-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../../server/http/route';
import { databaseFingerprint, serverBackends, startTestServer, type TestServer, type TestTenant } from '../../support/server';

/**
 * Every endpoint, fed malformed input (wrong types, missing and unknown fields, huge strings,
 * unicode, NUL, lone surrogates, SQL metacharacters, broken JSON, odd path ids and queries):
 * never a 5xx, always a typed JSON error, and not a single row of the database changes.
 */
const sqlNasties = ["' OR '1'='1", "'; DROP TABLE users; --", '" OR ""="', '\\', '%', '_', '$1', '$$', '1; SELECT pg_sleep(5)', "') --", '/* */', '\u0000', '\ud800', 'NULL', 'null'];

const evilString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom(...sqlNasties),
  fc.constantFrom('😀'.repeat(300), '\u202e\u202dadmin', 'ａｄｍｉｎ', 'x'.repeat(5_000), 'é'.repeat(200), '<script>alert(1)</script>'),
  fc.nat({ max: 200_000 }).map((n) => 'a'.repeat(n)),
);

const evilValue: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  evilString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(evilString, { maxLength: 5 }),
  fc.dictionary(evilString, evilString, { maxKeys: 4 }),
);

const knownFields = [
  'email', 'password', 'deviceId', 'deviceName', 'tenantId', 'challengeId', 'code', 'displayName', 'role', 'areas', 'moduleFlags',
  'reason', 'status', 'offlineGrantHours', 'sessionIdleMinutes', 'sessionAbsoluteHours', 'lockoutThreshold', 'retentionDays', 'name', 'grants',
  'token', 'currentPassword', 'newPassword',
];

/** Objects shaped like real bodies (known field names) but with values of any kind. */
const bodyLike = fc.dictionary(fc.oneof(fc.constantFrom(...knownFields), evilString), evilValue, { maxKeys: 8 });

type Input = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string };
const bodyInput: fc.Arbitrary<Input> = fc.oneof(
  bodyLike.map((value) => ({ kind: 'json' as const, value })),
  evilValue.map((value) => ({ kind: 'json' as const, value })),
  fc.constantFrom('{', '{"a":', '[1,2', '{"email": "a" "b"}', 'nul', '\u0000', '{"__proto__": {"x": 1}}', '{"constructor": {"prototype": {"x": 1}}}').map((text) => ({ kind: 'raw' as const, text, contentType: 'application/json' })),
  evilString.map((text) => ({ kind: 'raw' as const, text, contentType: 'text/plain' })),
);

const pathSegment = fc.oneof(evilString.filter((s) => s.length > 0 && s.length < 2000), fc.uuid());
const queryInput = fc.dictionary(fc.oneof(fc.constantFrom('after', 'limit', 'from', 'to', 'actor', 'entity', 'status', 'userId', 'active'), evilString.filter((s) => s.length < 500)), evilString.filter((s) => s.length < 500), { maxKeys: 4 });

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`fuzzing every endpoint (${name})`, () => {
    let t: TestServer;
    let tenant: TestTenant;
    let token: string;
    const ids: Record<string, string> = {};
    let before: string;

    beforeAll(async () => {
      t = await startTestServer({ backend, server: { rateLimits: { perIp: { limit: 1_000_000, windowMs: 60_000 }, perUser: { limit: 1_000_000, windowMs: 60_000 } } } });
      tenant = await t.createTenant('Fuzz Works');
      const signed = await t.signIn(tenant.admin);
      token = signed.token;
      const member = await t.addMember(tenant.id, 'viewer');
      ids.tenantId = tenant.id;
      ids.userId = member.id;
      ids.sessionId = (await t.signIn(member)).grant.sessionId;
      ids.roleId = (await t.request('POST', `/v1/tenants/${tenant.id}/roles`, { token, body: { name: 'Fuzz role', grants: [] } })).body.id;
      ids.shiftLogId = (await insertShiftLog(t.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: t.clock.now(), status: 'submitted' })).id;
      before = await databaseFingerprint(t.db);
    });
    afterAll(() => t?.stop());

    const failures: string[] = [];
    const check = async (route: RouteInfo, path: string, input: Input | null) => {
      const options =
        input === null
          ? { token }
          : input.kind === 'json'
            ? { token, rawBody: JSON.stringify(input.value) ?? 'null' }
            : { token, rawBody: input.text, headers: { 'content-type': input.contentType } };
      const answer = await t.request(route.method, path, options);
      const typed = typeof answer.body?.error?.code === 'string' && typeof answer.body?.error?.message === 'string';
      if (answer.status >= 500 || answer.status < 400 || !typed) {
        failures.push(`${route.method} ${path.slice(0, 120)} ${JSON.stringify(input).slice(0, 200)} -> ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
      }
    };
    /** Every byte percent-encoded (encodeURIComponent refuses lone surrogates; the server must not). */
    const encodeSegment = (text: string) => [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
    const fillPath = (route: RouteInfo, overrides: Record<string, string> = {}) =>
      route.url.replace(/:(\w+)/g, (_, param: string) => encodeSegment(overrides[param] ?? ids[param]));

    it('never answers 5xx nor changes the database for malformed bodies', async () => {
      const routes = t.server.routes.filter((route) => route.schemas.body);
      expect(routes.length).toBeGreaterThanOrEqual(11);
      for (const route of routes) {
        const malformed = bodyInput.filter((input) => input.kind === 'raw' || !route.schemas.body!.safeParse(input.value).success);
        await fc.assert(fc.asyncProperty(malformed, async (input) => check(route, fillPath(route), input)), { numRuns: 40 });
      }
      expect(failures).toEqual([]);
      expect(await databaseFingerprint(t.db)).toBe(before);
    });

    it('never answers 5xx nor changes the database for odd path ids and query strings', async () => {
      // Logout has no input but the token; calling it would (rightly) change the database.
      const routes = t.server.routes.filter((route) => route.url !== '/v1/auth/logout');
      for (const route of routes) {
        const params = [...route.url.matchAll(/:(\w+)/g)].map((match) => match[1]);
        const odd = fc.record({
          path: fc.record(Object.fromEntries(params.map((param) => [param, pathSegment]))),
          query: queryInput,
        }).filter(({ path, query }) => {
          // Keep only inputs that are really malformed for this route.
          const pathOk = !route.schemas.params || route.schemas.params.safeParse({ ...path }).success;
          const queryOk = route.schemas.query ? route.schemas.query.safeParse(query).success : Object.keys(query).length === 0;
          return !(pathOk && queryOk) || params.length > 0;
        });
        await fc.assert(
          fc.asyncProperty(odd, async ({ path, query }) => {
            const search = new URLSearchParams(query as Record<string, string>).toString();
            const body = route.schemas.body ? { kind: 'json' as const, value: {} } : null;
            await check(route, `${fillPath(route, path as Record<string, string>)}${search ? `?${search}` : '?limit=-1'}`, body);
          }),
          { numRuns: 15 },
        );
      }
      expect(failures).toEqual([]);
      expect(await databaseFingerprint(t.db)).toBe(before);
    });
  });
}
