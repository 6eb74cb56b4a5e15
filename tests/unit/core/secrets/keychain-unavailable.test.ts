import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeychainUnavailable } from '../../../../main/core/secrets/errors';
import { childProcessKeychainRunner, createKeychainSecretStore, defaultKeychainLauncher } from '../../../../main/core/secrets/keychain';
import { secretPurposes } from '../../../../main/core/secrets/secret-store';

/**
 * The keychain can be missing, broken or stuck. Every case must end in KeychainUnavailable with
 * the person-facing message, never in a hang and never in a secret kept somewhere else. These
 * run without any keychain (Linux: the Secret Service over D-Bus is what is made unreachable).
 */
const owner = { server: 'https://plant.example', userId: 'u-alice', tenantId: 't-north', profile: '0123456789abcdef' };

function storeWithBus(address: string | undefined, timeoutMs: number) {
  const launcher = defaultKeychainLauncher();
  const env = { ...launcher.env };
  if (address === undefined) delete env.DBUS_SESSION_BUS_ADDRESS;
  else env.DBUS_SESSION_BUS_ADDRESS = address;
  return createKeychainSecretStore(owner, { timeoutMs, runner: childProcessKeychainRunner({ ...launcher, env }) });
}

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

describe.skipIf(process.platform !== 'linux')('keychain unavailable (Linux Secret Service)', () => {
  it('no D-Bus session: fails by itself, well before its deadline, with the human message', async () => {
    const store = storeWithBus(undefined, 60_000);
    const error = await store.get(secretPurposes.deviceSecret('t-north')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeychainUnavailable);
    expect(error).toMatchObject({ code: 'keychain_unavailable', details: { reason: 'unreachable' } });
    expect((error as Error).message).toMatch(/Unlock or start your keychain/);
  });

  it('a bus address that leads nowhere: every operation fails the same way', async () => {
    const store = storeWithBus('unix:path=/nonexistent/plantdesk-test-bus', 60_000);
    const purpose = secretPurposes.sessionToken;
    for (const attempt of [() => store.get(purpose), () => store.set(purpose, Buffer.from('token')), () => store.delete(purpose), () => store.list()]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'keychain_unavailable', details: { reason: 'unreachable' } });
    }
  });

  it('a bus that accepts and never answers: the call is killed at its deadline and reported as a timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plantdesk-bus-'));
    const closed: Promise<void>[] = [];
    const server: Server = createServer((socket: Socket) => {
      closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
      socket.resume(); // read (and drop) what the client says, so its hang-up is seen
    });
    cleanups.push(() => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const path = join(dir, 'bus');
    await new Promise<void>((resolve) => server.listen(path, resolve));

    const store = storeWithBus(`unix:path=${path}`, 1_500);
    const error = await store.get(secretPurposes.deviceSecret('t-north')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeychainUnavailable);
    expect(error).toMatchObject({ details: { reason: 'timeout' } });
    // The helper did reach the stuck bus, and its connection is gone: the process was killed.
    expect(closed.length).toBeGreaterThan(0);
    await Promise.all(closed);
  });

  it('a helper that cannot start at all is reported as unavailable too', async () => {
    const store = createKeychainSecretStore(owner, {
      timeoutMs: 60_000,
      runner: childProcessKeychainRunner({ command: '/nonexistent/node', args: [], env: {} }),
    });
    await expect(store.get(secretPurposes.sessionToken)).rejects.toMatchObject({ code: 'keychain_unavailable', details: { reason: 'helper_failed' } });
  });
});
