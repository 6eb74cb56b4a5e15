import { ServerClient } from './server-client';

/**
 * Builds the client for one server address. Every part of the core that talks to the server
 * (sign-in, sync, the head watch, admin calls, signing tickets) gets its client here, so each
 * carries the same trusted CAs and names the same app version.
 */
export type ServerClientFor = (baseUrl: string, overrides?: { timeoutMs?: number }) => ServerClient;

export function serverClientFactory(options: { ca?: string; appVersion: string }): ServerClientFor {
  const userAgent = `Plantdesk/${options.appVersion}`;
  return (baseUrl, overrides = {}) => new ServerClient({ baseUrl, ca: options.ca, userAgent, timeoutMs: overrides.timeoutMs });
}
