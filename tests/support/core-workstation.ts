import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCore, type Core, type CoreOptions } from '../../main/core/core';
import { dispatchCall } from '../../shared/dispatch';
import { PlantdeskError } from '../../shared/errors';
import { TEST_PASSWORD, type TestServer } from './server';

/** A scrypt cost within key-wrap's bounds that keeps sign-ins fast in tests. */
export const cheapKdf = { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } as const;

export type CoreCall = <T>(channel: string, request?: unknown) => Promise<T>;

/** Calls the core through the contract's dispatcher, as the IPC router does; errors are thrown typed. */
export function callerOf(core: Core): CoreCall {
  return async <T>(channel: string, request: unknown = {}): Promise<T> => {
    const result = await dispatchCall(channel, request, (checked, req) => core.call(checked, req));
    if (!result.ok) throw PlantdeskError.fromBody(result.error);
    return result.value as T;
  };
}

/**
 * A workstation in a fresh profile, signed in at `baseUrl` (the server or a proxy in front of
 * it) as a new admin of the tenant. The core is pushed onto `cores` for the caller to close.
 */
export async function signedInWorkstation(
  server: TestServer,
  tenantId: string,
  baseUrl: string,
  options: Partial<CoreOptions>,
  cores: Core[],
): Promise<CoreCall> {
  const core = createCore(
    { profileDir: mkdtempSync(path.join(tmpdir(), 'plantdesk-workstation-')), appVersion: 'test', ...options },
    { now: () => server.clock.now(), kdf: cheapKdf },
  );
  cores.push(core);
  const call = callerOf(core);
  const user = await server.addMember(tenantId, 'admin');
  await call('auth.signIn', { server: baseUrl, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) });
  return call;
}
