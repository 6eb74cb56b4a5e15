import { afterAll, beforeAll } from 'vitest';
import type { Core } from '../../main/core/core';
import { startCuttingProxy, type CuttingProxy } from './cutting-proxy';
import { startTestServer, type TestServer, type TestTenant } from './server';

/** A test file's server (PGlite) with one tenant, a cutting proxy in front of it, and the cores its tests start. */
export interface ProxiedServer {
  server: TestServer;
  tenant: TestTenant;
  proxy: CuttingProxy;
  /** Cores the tests start (signedInWorkstation adds them); closed after the file. */
  cores: Core[];
}

/**
 * Starts a ProxiedServer before the file's tests and stops it after them (registers its own
 * beforeAll and afterAll). Its fields are set once that beforeAll ran: read them in tests and hooks.
 */
export function proxiedServerForFile(): ProxiedServer {
  const world: Partial<ProxiedServer> & { cores: Core[] } = { cores: [] };
  beforeAll(async () => {
    world.server = await startTestServer({ backend: 'pglite', clockStart: new Date() });
    world.tenant = await world.server.createTenant('Northfield Plant');
    world.proxy = await startCuttingProxy(Number(new URL(world.server.url).port));
  });
  afterAll(async () => {
    for (const core of world.cores) await core.close();
    await world.proxy?.close();
    await world.server?.stop();
  });
  return world as ProxiedServer;
}
