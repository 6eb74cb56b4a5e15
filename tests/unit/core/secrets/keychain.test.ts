import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeychainSecretStore } from '../../../../main/core/secrets/keychain';
import { secretPurposes, type SecretStore } from '../../../../main/core/secrets/secret-store';
import { secretServiceCapability, skipUnless } from '../../../support/capabilities';

/**
 * Against the real Secret Service (gnome-keyring in a D-Bus session; npm test starts one).
 * Each test uses its own user id, so parallel files never see each other's items.
 */
let made: SecretStore[] = [];
afterEach(async () => {
  for (const store of made) for (const purpose of await store.list()) await store.delete(purpose);
  made = [];
});

function store(server = 'https://plant.example'): SecretStore {
  const s = createKeychainSecretStore({ server, userId: `u-test-${process.pid}-${made.length}-${Date.now()}`, tenantId: 't-north', profile: '0123456789abcdef' });
  made.push(s);
  return s;
}

describe.skipIf(skipUnless(secretServiceCapability()))('keychain SecretStore (Secret Service)', () => {
  it('stores, reads back and deletes a secret, bytes exact', async () => {
    const s = store();
    const secret = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const purpose = secretPurposes.deviceSecret('t-north');
    await s.set(purpose, secret);
    expect(await s.get(purpose)).toEqual(secret);
    expect(await s.delete(purpose)).toBe(true);
    expect(await s.get(purpose)).toBeNull();
    expect(await s.delete(purpose)).toBe(false);
  });

  it('answers null for an item that was never stored', async () => {
    expect(await store().get(secretPurposes.sessionToken)).toBeNull();
  });

  it('replaces a secret on a second set', async () => {
    const s = store();
    await s.set(secretPurposes.sessionToken, Buffer.from('first'));
    await s.set(secretPurposes.sessionToken, Buffer.from('second'));
    expect((await s.get(secretPurposes.sessionToken))?.toString()).toBe('second');
  });

  it('keeps owners apart: another user or server sees nothing, and lists only its own', async () => {
    const alice = store();
    const other = store();
    const elsewhere = createKeychainSecretStore({ ...alice.owner, server: 'https://other.example' });
    made.push(elsewhere);
    await alice.set(secretPurposes.deviceSecret('t-north'), Buffer.from('a'.repeat(32)));
    await alice.set(secretPurposes.sessionToken, Buffer.from('token'));
    expect(await other.get(secretPurposes.deviceSecret('t-north'))).toBeNull();
    expect(await elsewhere.get(secretPurposes.sessionToken)).toBeNull();
    expect((await alice.list()).sort()).toEqual(['device-secret/t-north', 'session-token']);
    expect(await other.list()).toEqual([]);
  });

  it('refuses an empty secret', async () => {
    await expect(store().set(secretPurposes.sessionToken, Buffer.alloc(0))).rejects.toThrow(/empty/);
  });
});

describe.skipIf(skipUnless(secretServiceCapability()))('a locked keychain', () => {
  const binaries = ['dbus-run-session', 'gnome-keyring-daemon', 'gdbus'].every((b) => spawnSync('sh', ['-c', `command -v ${b}`]).status === 0);

  it.skipIf(!binaries)('is reported as KeychainUnavailable (locked), not waited on and not bypassed', () => {
    // A private session, so locking its collection cannot disturb the shared one.
    const dir = mkdtempSync(join(tmpdir(), 'plantdesk-locked-'));
    try {
      const probe = join(dir, 'probe.ts');
      const keychainModule = fileURLToPath(new URL('../../../../main/core/secrets/keychain.ts', import.meta.url));
      writeFileSync(
        probe,
        `import { createKeychainSecretStore } from ${JSON.stringify(keychainModule)};
const s = createKeychainSecretStore({ server: 'https://plant.example', userId: 'u-locked' }, { timeoutMs: 20000 });
(process.argv.includes('--store') ? s.set('session-token', Buffer.from('token')).then(() => null) : s.get('session-token')).then(
  (v) => console.log(JSON.stringify({ ok: true, value: v === null ? null : 'secret' })),
  (e) => console.log(JSON.stringify({ ok: false, code: e.code, details: e.details })),
);
`,
      );
      const script = [
        'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null',
        `node --import tsx ${probe} --store >/dev/null`, // an item, stored while unlocked
        "gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets --method org.freedesktop.Secret.Service.Lock \"['/org/freedesktop/secrets/collection/login']\" >/dev/null",
        `node --import tsx ${probe}`,
      ].join(' && ');
      const out = execFileSync('dbus-run-session', ['--', 'sh', '-c', script], {
        env: { ...process.env, HOME: dir, DISPLAY: '', WAYLAND_DISPLAY: '' },
        cwd: process.cwd(),
        timeout: 90_000,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const result = JSON.parse(out.trim().split('\n').pop() ?? '{}');
      // Reading the item now needs an unlock prompt that nobody can answer here.
      expect(result).toMatchObject({ ok: false, code: 'keychain_unavailable' });
      expect(['locked', 'timeout']).toContain(result.details.reason);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
