import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels } from '../../../shared/contract';
import { startTestServer, type TestServer } from '../../support/server';

// docs/API.md is the project's own reference: every HTTP route the server registers and every
// contract call has its line there, and the document names nothing that no longer exists.
const apiDoc = readFileSync(new URL('../../../docs/API.md', import.meta.url), 'utf8');
const documentedRoutes = new Set([...apiDoc.matchAll(/`(GET|POST|PATCH|PUT|DELETE) (\/[^`\s?]*)`/g)].map((m) => `${m[1]} ${m[2]}`));
const documentedCalls = new Set([...apiDoc.matchAll(/^\| `([a-zA-Z]+\.[a-zA-Z]+)` \|/gm)].map((m) => m[1]));

describe('docs/API.md', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ backend: 'pglite' });
  });
  afterAll(() => server?.stop());

  it('documents every route the server registers, and no other', () => {
    const registered = new Set(server.server.routes.map((route) => `${route.method} ${route.url}`));
    expect([...registered].filter((route) => !documentedRoutes.has(route)).sort()).toEqual([]);
    expect([...documentedRoutes].filter((route) => !registered.has(route)).sort()).toEqual([]);
  });

  it('documents every call of the contract, and no other', () => {
    expect(channels.filter((channel) => !documentedCalls.has(channel)).sort()).toEqual([]);
    expect([...documentedCalls].filter((call) => !(channels as string[]).includes(call)).sort()).toEqual([]);
  });
});
