import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutationNames, mutationSpecs, type MutationName } from '../../../shared/mutations';
import { MutationResultSchema, PushRequestSchema } from '../../../shared/sync-protocol';
import { ownerRows, serverBackends, startTestServer, type TestTenant } from '../../support/server';
import { entryArgs, insertShiftLog, signOffArgs, type ShiftLogFixture } from '../../integration/server/sync-fixtures';

/**
 * Push fed malformed input: broken envelopes answer a typed 4xx; well-formed envelopes whose
 * mutations carry bad args answer 200 with every mutation rejected as invalid (or 400 for the
 * whole request when it holds text no database can store). Never a 5xx, and
 * no shift data, change-log row or audit event appears.
 */
const evilString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom("' OR '1'='1", "'; DROP TABLE log_entries; --", '\u0000', '\ud800', '$1', 'x'.repeat(30_000), '2026-13-45T25:61:00Z', '00000000-0000-0000-0000-000000000000'),
);
const evilValue: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  evilString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(evilString, { maxLength: 3 }),
  fc.dictionary(evilString, evilString, { maxKeys: 3 }),
);

/** The tables a mutation could change (client_mutations records refusals by design; sessions are touched). */
const effectTables = ['log_entries', 'entry_amendments', 'comments', 'signoffs', 'shift_logs', 'handovers', 'change_log', 'audit_events'];

for (const { name, backend, skip } of serverBackends()) {
  describe.skipIf(skip)(`fuzzing sync push (${name})`, () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    let tenant: TestTenant;
    let token: string;
    let grantId: string;
    let log: ShiftLogFixture;
    const effects = async () => {
      const parts: string[] = [];
      for (const table of effectTables) {
        const [row] = await ownerRows(server.db, `SELECT count(*)::int AS n, coalesce(md5(string_agg(md5(t::text), ',' ORDER BY md5(t::text))), '') AS h FROM ${table} t`);
        parts.push(`${table}:${String(row.n)}:${String(row.h)}`);
      }
      return parts.join('\n');
    };

    beforeAll(async () => {
      server = await startTestServer({ backend, server: { rateLimits: { perIp: { limit: 1_000_000, windowMs: 60_000 }, perUser: { limit: 1_000_000, windowMs: 60_000 } } } });
      tenant = await server.createTenant('Fuzz Sync');
      const signed = await server.signIn(tenant.admin);
      token = signed.token;
      grantId = signed.grant.grantId;
      log = await insertShiftLog(server.db, tenant.id, { areaId: tenant.areas.boilers, createdBy: tenant.admin.id, now: server.clock.now(), status: 'submitted' });
    });
    afterAll(async () => server?.stop());

    it('answers a typed 4xx to malformed envelopes and changes nothing', async () => {
      const before = await effects();
      const envelope = fc.oneof(
        evilValue,
        fc.record({ clientId: fc.oneof(fc.uuid(), evilString), schemaVersion: evilValue, mutations: fc.oneof(evilValue, fc.array(evilValue, { maxLength: 3 })) }, { requiredKeys: [] }),
      );
      await fc.assert(
        fc.asyncProperty(envelope.filter((body) => !PushRequestSchema.safeParse(body).success), async (body) => {
          const answer = await server.request('POST', '/v1/sync/push', { token, rawBody: JSON.stringify(body) ?? 'null' });
          expect(answer.status).toBeGreaterThanOrEqual(400);
          expect(answer.status).toBeLessThan(500);
          expect(typeof answer.body.error.code).toBe('string');
        }),
        { numRuns: 60 },
      );
      expect(await effects()).toBe(before);
    });

    it('rejects as invalid schema-valid times no logbook can mean (year 0, year 9999), changing nothing', async () => {
      const before = await effects();
      const mutations = ['0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999+14:00'].map((occurredAt, index) => ({
        id: randomUUID(), seq: index + 1, name: 'logEntry.create', args: entryArgs(log, { occurredAt }), baseVersion: null, clientTime: new Date().toISOString(), grantId,
      }));
      const answer = await server.request('POST', '/v1/sync/push', { token, body: { clientId: randomUUID(), schemaVersion: 1, mutations } });
      expect(answer.status).toBe(200);
      for (const result of answer.body.results) expect(result).toMatchObject({ status: 'rejected', reason: 'invalid' });
      expect(await effects()).toBe(before);
    });

    it('rejects as invalid every mutation whose args do not match its schema, never a 5xx, and changes nothing', async () => {
      const before = await effects();
      const templates: Record<MutationName, Record<string, unknown>> = {
        'logEntry.create': entryArgs(log),
        'logEntry.amend': { id: randomUUID(), entryId: randomUUID(), kind: 'correction', body: 'x', fieldsChanged: null, reason: 'r' },
        'comment.create': { id: randomUUID(), shiftLogId: log.id, entryId: null, body: 'c' },
        'shiftLog.submit': { shiftLogId: log.id },
        'shiftLog.signOff': await signOffArgs(server.db, tenant.id, log),
        'shiftLog.reopen': { shiftLogId: log.id, reason: 'r' },
        'handover.acknowledge': { handoverId: randomUUID(), side: 'incoming' },
        'audit.local': { action: 'lock', at: new Date().toISOString(), details: { reason: 'manual' } },
      };
      // A valid template with one field replaced, removed or added, or anything at all.
      const badArgs = fc.constantFrom(...mutationNames).chain((mutation) =>
        fc
          .oneof(
            fc.record({ key: fc.constantFrom(...Object.keys(templates[mutation]), 'extra'), value: evilValue }).map(({ key, value }) => ({ ...templates[mutation], [key]: value })),
            fc.constantFrom(...Object.keys(templates[mutation])).map((key) => Object.fromEntries(Object.entries(templates[mutation]).filter(([k]) => k !== key))),
            evilValue,
          )
          .filter((args) => !mutationSpecs[mutation].args.safeParse(args).success)
          .map((args) => ({ mutation, args })),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(badArgs, { minLength: 1, maxLength: 4 }), fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }), async (items, baseVersion) => {
          // A fresh workstation per run, so a shrunk counterexample replays from seq 1.
          const clientId = randomUUID();
          const mutations = items.map(({ mutation, args }, index) => ({ id: randomUUID(), seq: index + 1, name: mutation, args, baseVersion, clientTime: new Date().toISOString(), grantId }));
          const answer = await server.request('POST', '/v1/sync/push', { token, body: { clientId, schemaVersion: 1, mutations } });
          // Text no database can store (NUL, lone surrogates) is refused for the whole request.
          if (answer.status === 400) return void expect(answer.body.error.code).toBe('invalid_request');
          expect(answer.status).toBe(200);
          expect(answer.body.gap).toBeNull();
          for (const result of answer.body.results) expect(MutationResultSchema.parse(result)).toMatchObject({ status: 'rejected', reason: 'invalid' });
        }),
        { numRuns: 60 },
      );
      expect(await effects()).toBe(before);
    });
  });
}
