import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core/core';
import { dispatchCall } from '../../../shared/dispatch';
import { secretServiceCapability, skipUnless } from '../../support/capabilities';
import { runCli } from '../../support/processes';
import { startTestServer, TEST_PASSWORD } from '../../support/server';

// A workstation signed in four days ago (a 72-hour grant), now offline: the real binary
// refuses to open the cache and exits 4, as API.md says.
describe.skipIf(skipUnless(secretServiceCapability()))('the CLI offline past the grant', () => {
  it('exits 4 with a message that says to sign in online', async () => {
    const fourDaysAgo = new Date(Date.now() - 4 * 24 * 3_600_000);
    const server = await startTestServer({ backend: 'pglite', clockStart: fourDaysAgo });
    const profile = mkdtempSync(path.join(tmpdir(), 'plantdesk-cli-expired-'));
    try {
      const tenant = await server.createTenant('Northfield Plant', { offline_grant_hours: 72 });
      const user = await server.addMember(tenant.id, 'viewer');
      const core = createCore({ profileDir: profile, appVersion: 'test' }, { now: () => server.clock.now(), kdf: { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } });
      const signedIn = await dispatchCall('auth.signIn', { server: server.url, email: user.email, password: TEST_PASSWORD, totpCode: await server.freshCode(user) }, (c, r) => core.call(c, r));
      expect(signedIn.ok).toBe(true);
      await core.close();
    } finally {
      await server.stop();
    }
    const result = await runCli(['status', '--password-stdin', '--profile', profile], { stdin: TEST_PASSWORD });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('worked offline longer than your organisation allows');
  });
});
