import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/core';
import type { ProfileNotice } from '../../../shared/contract';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { callerOf, cheapKdf, type CoreCall } from '../../support/core-workstation';
import { runCli } from '../../support/processes';
import { startTestServer, TEST_PASSWORD, type TestServer, type TestTenant } from '../../support/server';

// A damaged file in the profile never stops the start: it is moved aside with its bytes kept,
// the core answers, the damage is reported in words, and the encrypted caches are untouched.

const cores: Core[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh profile holding a stand-in for an encrypted cache, whose bytes must not change. */
function profileWithCache(): { dir: string; cacheFile: string; cacheBytes: Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'plantdesk-damaged-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'vaults'), { mode: 0o700 });
  const cacheFile = path.join(dir, 'vaults', 'cache.db');
  const cacheBytes = randomBytes(4096);
  writeFileSync(cacheFile, cacheBytes);
  return { dir, cacheFile, cacheBytes };
}

function startCore(dir: string): CoreCall {
  const core = createCore({ profileDir: dir, appVersion: 'test' }, { kdf: cheapKdf });
  cores.push(core);
  return callerOf(core);
}

/** The one file set aside beside `file`, as `NAME.damaged-TIME`. */
function keptCopyOf(file: string): string {
  const kept = readdirSync(path.dirname(file)).filter((name) => name.startsWith(`${path.basename(file)}.damaged-`));
  expect(kept).toHaveLength(1);
  return path.join(path.dirname(file), kept[0]!);
}

const pinNameOf = (server: string) => `${createHash('sha256').update(server).digest('hex').slice(0, 32)}.json`;

const damages: { name: string; bytes: Buffer }[] = [
  { name: 'empty', bytes: Buffer.alloc(0) },
  { name: 'truncated', bytes: Buffer.from('{"accounts":[{"server":"https://plant.exa') },
  { name: 'the wrong shape', bytes: Buffer.from('{"accounts":"everyone","lastUsed":"yesterday"}') },
  { name: 'not text at all', bytes: Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b]) },
];

describe('a damaged accounts.json', () => {
  for (const damage of damages) {
    it(`(${damage.name}) is set aside with its bytes, the core starts, and the notice says the list was set aside`, async () => {
      const { dir, cacheFile, cacheBytes } = profileWithCache();
      const file = path.join(dir, 'accounts.json');
      writeFileSync(file, damage.bytes);
      const call = startCore(dir);

      expect(await call('session.status')).toMatchObject({ state: 'signed_out' });
      expect(await call('session.accounts')).toEqual([]);
      const kept = keptCopyOf(file);
      expect(readFileSync(kept)).toEqual(damage.bytes);
      const notices = await call<ProfileNotice[]>('app.notices');
      expect(notices).toEqual([expect.objectContaining({ code: 'accounts_set_aside', keptAs: kept })]);
      expect(notices[0]!.message).toBe(
        `The list of accounts on this workstation was damaged and was set aside (kept as ${kept}). Sign in again to use your local copy; nothing in it was lost.`,
      );
      expect(readFileSync(cacheFile)).toEqual(cacheBytes);
    });
  }

  it('(a folder where the file should be) is set aside with its contents', async () => {
    const { dir, cacheFile, cacheBytes } = profileWithCache();
    const file = path.join(dir, 'accounts.json');
    mkdirSync(file);
    writeFileSync(path.join(file, 'inside'), 'kept');
    const call = startCore(dir);
    expect(await call('session.status')).toMatchObject({ state: 'signed_out' });
    expect(await call('session.accounts')).toEqual([]);
    const kept = keptCopyOf(file);
    expect(statSync(kept).isDirectory()).toBe(true);
    expect(readFileSync(path.join(kept, 'inside'), 'utf8')).toBe('kept');
    expect(await call('app.notices')).toEqual([expect.objectContaining({ code: 'accounts_set_aside', keptAs: kept })]);
    expect(readFileSync(cacheFile)).toEqual(cacheBytes);
  });
});

describe('plantdesk status on a profile with a damaged accounts.json', () => {
  it('answers (not signed in, exit code 3) and prints the notice in words', async () => {
    const { dir, cacheFile, cacheBytes } = profileWithCache();
    const file = path.join(dir, 'accounts.json');
    writeFileSync(file, '{"accounts":[');
    const result = await runCli(['status', '--profile', dir]);
    expect(result.code).toBe(3);
    const kept = keptCopyOf(file);
    expect(result.stdout).toContain('Not signed in on this workstation.');
    expect(result.stdout).toContain(`Notice:   The list of accounts on this workstation was damaged and was set aside (kept as ${kept}).`);
    expect(readFileSync(cacheFile)).toEqual(cacheBytes);
  });
});

describe('other damaged profile files', () => {
  it('a truncated device.json is set aside at start and reported', async () => {
    const { dir, cacheFile, cacheBytes } = profileWithCache();
    const file = path.join(dir, 'device.json');
    const bytes = Buffer.from('{"deviceId":"6f1c');
    writeFileSync(file, bytes);
    const call = startCore(dir);
    expect(await call('session.status')).toMatchObject({ state: 'signed_out' });
    expect(await call('session.accounts')).toEqual([]);
    const kept = keptCopyOf(file);
    expect(readFileSync(kept)).toEqual(bytes);
    const notices = await call<ProfileNotice[]>('app.notices');
    expect(notices).toEqual([expect.objectContaining({ code: 'device_set_aside', keptAs: kept })]);
    expect(notices[0]!.message).toContain("This workstation's device identity was damaged and was set aside");
    expect(readFileSync(cacheFile)).toEqual(cacheBytes);
  });

  it('a damaged server-key pin is set aside at start and reported, never read as a pin', async () => {
    const { dir, cacheFile, cacheBytes } = profileWithCache();
    mkdirSync(path.join(dir, 'servers'), { mode: 0o700 });
    const file = path.join(dir, 'servers', pinNameOf('https://plant.example'));
    const bytes = Buffer.from('{"server":"https://plant.example","key":{"alg":"Ed25519","keyId":"k1","publicKey":"AAAA');
    writeFileSync(file, bytes);
    const call = startCore(dir);
    expect(await call('session.status')).toMatchObject({ state: 'signed_out' });
    expect(await call('session.accounts')).toEqual([]);
    const kept = keptCopyOf(file);
    expect(readFileSync(kept)).toEqual(bytes);
    const notices = await call<ProfileNotice[]>('app.notices');
    expect(notices).toEqual([expect.objectContaining({ code: 'server_pin_set_aside', keptAs: kept })]);
    expect(notices[0]!.message).toContain('The next online sign-in to that server trusts the key it presents and says so');
    expect(readFileSync(cacheFile)).toEqual(cacheBytes);
  });

  it('a wipe log with a torn last line is set aside whole and reported', async () => {
    const { dir, cacheFile, cacheBytes } = profileWithCache();
    const file = path.join(dir, 'wipe-log.jsonl');
    const bytes = Buffer.from('{"at":"2026-11-01T00:00:00.000Z","server":"https://plant.example","tenantId":"t1","reason":"requested"}\n{"at":"2026-11-0');
    writeFileSync(file, bytes);
    const call = startCore(dir);
    expect(await call('session.status')).toMatchObject({ state: 'signed_out' });
    expect(await call('session.accounts')).toEqual([]);
    const kept = keptCopyOf(file);
    expect(readFileSync(kept)).toEqual(bytes);
    expect(await call('app.notices')).toEqual([expect.objectContaining({ code: 'wipe_log_set_aside', keptAs: kept })]);
    expect(readFileSync(cacheFile)).toEqual(cacheBytes);
  });

  it('sound files are left where they are and nothing is reported', async () => {
    const { dir } = profileWithCache();
    writeFileSync(path.join(dir, 'accounts.json'), JSON.stringify({ accounts: [], lastUsed: null }));
    const call = startCore(dir);
    expect(await call('app.notices')).toEqual([]);
    expect(readdirSync(dir).filter((name) => name.includes('.damaged-'))).toEqual([]);
  });
});

describe.skipIf(skipUnless(secretServiceCapability()))('a damaged server-key pin of a signed-in workstation', () => {
  let server: TestServer;
  let tenant: TestTenant;

  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    tenant = await server.createTenant('Northfield Plant');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses offline unlock with server_key_set_aside, and the next sign-in says the key was trusted anew, with its fingerprint', async () => {
    const { dir, cacheFile, cacheBytes } = profileWithCache();
    const coreAt = () => {
      const core = createCore({ profileDir: dir, appVersion: 'test' }, { now: () => server.clock.now(), kdf: cheapKdf });
      cores.push(core);
      return { core, call: callerOf(core) };
    };
    const user = await server.addMember(tenant.id, 'admin');
    const first = coreAt();
    await first.call('auth.signIn', { server: server.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });
    await first.core.close();

    const file = path.join(dir, 'servers', pinNameOf(server.url));
    const bytes = readFileSync(file).subarray(0, 40);
    writeFileSync(file, bytes);
    const second = coreAt();
    expect(await second.call('session.status')).toMatchObject({ state: 'locked' });
    expect(readFileSync(keptCopyOf(file))).toEqual(bytes);
    await expect(second.call('auth.unlock', { password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'server_key_set_aside' });

    await second.call('auth.signIn', { server: server.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });
    const notices = await second.call<ProfileNotice[]>('app.notices');
    const trusted = notices.find((notice) => notice.code === 'server_key_trusted_anew');
    expect(trusted).toMatchObject({ server: server.url, keyId: expect.any(String), keyFingerprint: expect.stringMatching(/^([0-9a-f]{2}:){31}[0-9a-f]{2}$/) });
    expect(trusted!.message).toContain(`this sign-in trusted the key the server presents now (key ${trusted!.keyId}, fingerprint ${trusted!.keyFingerprint})`);
    expect(readFileSync(cacheFile)).toEqual(cacheBytes);
  });
});
