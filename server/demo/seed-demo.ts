import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defaultModuleFlags, type OrgRolePreset } from '../../shared/rbac';
import { createMember, createTenant } from '../admin/provisioning';
import { appendAudit, systemActor } from '../audit/audit-log';
import { hashPassword, passwordPolicyProblem, type ScryptParams } from '../auth/passwords';
import type { SecretBox } from '../crypto/secret-box';
import { newTotpSecret, totpEnrollmentUri } from '../crypto/totp';
import type { Clock } from '../clock';
import type { Database, Tx } from '../db/database';
import { getTenant } from '../store/tenants';
import { findUserByEmail, updateUser } from '../store/users';
import { DEMO_OPERATORS, DEMO_SECTIONS, DEMO_SITE } from './plant-layout';
import { generateShiftLogs } from './shift-log-generator';

/**
 * `--demo` (API.md): the "Northfield Plant" tenant with an admin, a contributor and a viewer,
 * whose passwords and TOTP secrets are printed and written to demo-credentials.json (0600) in
 * the data directory, plus a plant and generated shift logs. Seeded once: a later start finds
 * the tenant and reuses the credentials file (or issues new credentials if it is gone).
 */
export const DEMO_TENANT_ID = '6e6f7274-6866-4965-b64c-640000000001';
export const DEMO_TENANT_NAME = 'Northfield Plant';
export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json';
export const DEFAULT_DEMO_ENTRIES = 5000;
const DEMO_SEEDED_ACTION = 'demo.seeded';

export class DemoIncompleteError extends Error {
  constructor() {
    super('the demo tenant exists but its seeding did not finish; remove the data directory (or the database) and start again');
    this.name = 'DemoIncompleteError';
  }
}

const demoUsers: { email: string; displayName: string; role: OrgRolePreset }[] = [
  { email: 'admin@northfield.example', displayName: 'Alex Admin', role: 'admin' },
  { email: 'contributor@northfield.example', displayName: 'Casey Contributor', role: 'contributor' },
  { email: 'viewer@northfield.example', displayName: 'Vic Viewer', role: 'viewer' },
];

export const DemoCredentialsSchema = z.object({
  server: z.string(),
  tenantId: z.string(),
  users: z.array(z.object({ email: z.string(), password: z.string(), totpSecret: z.string(), role: z.string() })),
});
export type DemoCredentials = z.infer<typeof DemoCredentialsSchema>;

export interface DemoSeed {
  seeded: boolean;
  counts: Record<string, number>;
  /** Writes the credentials file for the URL the server listens on; returns what was written. */
  publish(serverUrl: string, dataDir: string | undefined): Promise<{ credentials: DemoCredentials; path: string | null }>;
}

function demoPassword(email: string): string {
  for (;;) {
    const candidate = `nf-${randomBytes(12).toString('base64url')}`;
    if (!passwordPolicyProblem(candidate, { email })) return candidate;
  }
}

function readCredentials(dataDir: string | undefined): DemoCredentials | null {
  if (!dataDir) return null;
  try {
    return DemoCredentialsSchema.parse(JSON.parse(readFileSync(join(dataDir, DEMO_CREDENTIALS_FILE), 'utf8')));
  } catch {
    return null;
  }
}

function writeCredentials(dataDir: string | undefined, credentials: DemoCredentials): string | null {
  if (!dataDir) return null;
  const path = join(dataDir, DEMO_CREDENTIALS_FILE);
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

async function insertPlant(tx: Tx, tenantId: string, now: Date) {
  const areas: { id: string; parent_id: string | null; kind: string; name: string; time_zone: string | null }[] = [];
  const equipment: { id: string; area_id: string; tag: string; description: string }[] = [];
  const siteId = randomUUID();
  areas.push({ id: siteId, parent_id: null, kind: 'site', name: DEMO_SITE.name, time_zone: DEMO_SITE.timeZone });
  const logAreas: { id: string; tags: string[] }[] = [];
  const sectionIds: Record<string, string> = {};
  let tagNumber = 100;
  for (const section of DEMO_SECTIONS) {
    const sectionId = randomUUID();
    sectionIds[section.name] = sectionId;
    areas.push({ id: sectionId, parent_id: siteId, kind: 'section', name: section.name, time_zone: null });
    for (const area of section.areas) {
      const areaId = randomUUID();
      areas.push({ id: areaId, parent_id: sectionId, kind: 'area', name: area.name, time_zone: null });
      const tags: string[] = [];
      for (const [unitIndex, unit] of area.units.entries()) {
        const unitId = randomUUID();
        areas.push({ id: unitId, parent_id: areaId, kind: 'unit', name: unit, time_zone: null });
        tagNumber += 100;
        for (const [prefixIndex, prefix] of area.tagPrefixes.entries()) {
          for (const suffix of ['A', 'B']) {
            const tag = `${prefix}-${tagNumber + prefixIndex * 10 + unitIndex}${suffix}`;
            tags.push(tag);
            equipment.push({ id: randomUUID(), area_id: unitId, tag, description: `${unit} ${prefix}` });
          }
        }
      }
      logAreas.push({ id: areaId, tags });
    }
  }
  // One statement per table (foreign keys are checked at the end of the statement, so the
  // tree's order within it does not matter).
  await tx.query(
    `INSERT INTO areas (tenant_id, id, parent_id, kind, name, time_zone, created_at)
     SELECT $1, a.id, a.parent_id, a.kind, a.name, a.time_zone, $3
     FROM jsonb_to_recordset($2::jsonb) AS a(id uuid, parent_id uuid, kind text, name text, time_zone text)`,
    [tenantId, JSON.stringify(areas), now],
  );
  await tx.query(
    `INSERT INTO equipment (tenant_id, id, area_id, tag, description, created_at)
     SELECT $1, e.id, e.area_id, e.tag, e.description, $3 FROM jsonb_to_recordset($2::jsonb) AS e(id uuid, area_id uuid, tag text, description text)`,
    [tenantId, JSON.stringify(equipment), now],
  );
  return { logAreas, sectionIds };
}

export interface DemoOptions {
  clock: Clock;
  entries?: number;
  scrypt: ScryptParams;
  secretBox: SecretBox;
}

export async function seedDemo(db: Database, options: DemoOptions): Promise<DemoSeed> {
  const now = options.clock.now();
  const tenantId = DEMO_TENANT_ID;
  const state = await db.transaction({ tenantId }, async (tx) => {
    if (!(await getTenant(tx, tenantId))) return 'absent';
    const finished = await tx.query('SELECT 1 FROM audit_events WHERE tenant_id = $1 AND action = $2', [tenantId, DEMO_SEEDED_ACTION]);
    return finished.length > 0 ? 'seeded' : 'unfinished';
  });
  if (state === 'unfinished') throw new DemoIncompleteError();
  const exists = state === 'seeded';

  if (exists) {
    return {
      seeded: false,
      counts: {},
      async publish(serverUrl, dataDir) {
        const previous = readCredentials(dataDir);
        const credentials = previous ?? (await reissueCredentials(db, options, now));
        credentials.server = serverUrl;
        return { credentials, path: writeCredentials(dataDir, credentials) };
      },
    };
  }

  const users = await Promise.all(
    demoUsers.map(async (user) => {
      const password = demoPassword(user.email);
      return { ...user, password, passwordHash: await hashPassword(password, options.scrypt) };
    }),
  );
  await createTenant(db, { id: tenantId, name: DEMO_TENANT_NAME, region: 'us', now });
  const plant = await db.transaction({ tenantId }, async (tx) => {
    const { logAreas, sectionIds } = await insertPlant(tx, tenantId, now);
    const created = [];
    for (const user of users) {
      const areas = user.role === 'contributor' ? [sectionIds.Utilities, sectionIds.Process] : [];
      const member = await createMember(
        tx,
        tenantId,
        { email: user.email, displayName: user.displayName, passwordHash: user.passwordHash, role: user.role, areas, moduleFlags: defaultModuleFlags(user.role), now },
        options.secretBox,
      );
      created.push({ ...user, id: member.user.id, totpSecret: member.totpSecret });
    }
    const operatorIds: string[] = [];
    for (const [index, name] of DEMO_OPERATORS.entries()) {
      // Operators write entries but have no password: they cannot sign in.
      const id = randomUUID();
      await tx.query(
        `INSERT INTO users (id, home_tenant_id, email, display_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
        [id, tenantId, `operator${String(index + 1).padStart(2, '0')}@northfield.example`, name, now],
      );
      await tx.query(
        `INSERT INTO memberships (tenant_id, user_id, org_role, areas, module_flags, created_at, updated_at) VALUES ($1, $2, 'contributor', $3::jsonb, $4::jsonb, $5, $5)`,
        [tenantId, id, JSON.stringify(logAreas.map((area) => area.id)), JSON.stringify(defaultModuleFlags('contributor')), now],
      );
      operatorIds.push(id);
    }
    return { logAreas, created, operatorIds };
  });
  const admin = plant.created.find((user) => user.role === 'admin')!;
  const contributor = plant.created.find((user) => user.role === 'contributor')!;
  const counts = await generateShiftLogs(db, {
    tenantId,
    entries: Math.max(0, options.entries ?? DEFAULT_DEMO_ENTRIES),
    now,
    timeZone: DEMO_SITE.timeZone,
    areas: plant.logAreas,
    authorIds: [...plant.operatorIds, contributor.id],
    signerIds: [{ id: admin.id, name: admin.displayName }],
  });
  // Written last: its presence is what tells a later start that seeding finished.
  await db.transaction({ tenantId }, (tx) =>
    appendAudit(tx, tenantId, systemActor, { action: DEMO_SEEDED_ACTION, entity: 'tenant', entityId: tenantId, diff: { rows: { before: null, after: counts } } }, now),
  );
  const result = { created: plant.created, counts };

  return {
    seeded: true,
    counts: result.counts,
    async publish(serverUrl, dataDir) {
      const credentials: DemoCredentials = {
        server: serverUrl,
        tenantId,
        users: result.created.map((user) => ({ email: user.email, password: user.password, totpSecret: user.totpSecret, role: user.role })),
      };
      return { credentials, path: writeCredentials(dataDir, credentials) };
    },
  };
}

/** The tenant exists but its credentials file is gone: give the demo users new ones. */
async function reissueCredentials(db: Database, options: DemoOptions, now: Date): Promise<DemoCredentials> {
  const users = [];
  for (const user of demoUsers) {
    const password = demoPassword(user.email);
    const passwordHash = await hashPassword(password, options.scrypt);
    const totpSecret = newTotpSecret();
    await db.transaction({ tenantId: DEMO_TENANT_ID, loginEmail: user.email }, async (tx) => {
      const record = await findUserByEmail(tx, user.email);
      if (!record) return;
      await updateUser(tx, record.id, { password_hash: passwordHash, totp_secret: options.secretBox.seal(totpSecret, record.id), totp_last_step: null, locked_at: null }, now);
      await appendAudit(tx, DEMO_TENANT_ID, systemActor, { action: 'user.password_reset', entity: 'user', entityId: record.id, reason: 'demo credentials reissued' }, now);
    });
    users.push({ email: user.email, password, totpSecret, role: user.role });
  }
  return { server: '', tenantId: DEMO_TENANT_ID, users };
}

export function demoEnrollmentUri(email: string, totpSecret: string): string {
  return totpEnrollmentUri(totpSecret, email);
}
