import { isIP } from 'node:net';

/**
 * The proxies whose X-Forwarded-For the server believes, by address: plain IPs, CIDRs
 * (`10.0.0.0/8`, `fd00::/8`) or proxy-addr's named ranges. The client address is then the
 * right-most hop that is not one of them, so a client that is not a listed proxy cannot move
 * its own address by sending the header. Never "everything": `true`, `1`, `*` or a /0 range
 * would let any client pick the address that sign-in throttling and rate limits count.
 */
export class TrustedProxyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustedProxyError';
  }
}

const namedRanges = new Set(['loopback', 'linklocal', 'uniquelocal']);

function checkEntry(entry: string): void {
  if (namedRanges.has(entry)) return;
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) throw new TrustedProxyError(`"${entry.slice(0, 60)}" is not an IP address, a CIDR range or one of ${[...namedRanges].join(', ')}`);
  if (slash === -1) return;
  const prefix = entry.slice(slash + 1);
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) < 1 || Number(prefix) > bits) {
    throw new TrustedProxyError(`"${entry.slice(0, 60)}" needs a prefix length from 1 to ${bits} (a /0 range would trust every address)`);
  }
}

/** Checks a list of trusted proxies; answers it trimmed, or throws TrustedProxyError. */
export function checkTrustedProxies(entries: readonly string[]): string[] {
  const trimmed = entries.map((entry) => entry.trim());
  for (const entry of trimmed) checkEntry(entry);
  return trimmed;
}

/** `PLANTDESK_TRUST_PROXY`: a comma-separated list; empty or unset trusts no proxy. */
export function parseTrustedProxies(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  if (/^(1|true|yes|on|\*)$/i.test(value.trim())) {
    throw new TrustedProxyError('PLANTDESK_TRUST_PROXY lists the proxies in front of the server by address (for example 10.0.0.5,10.1.0.0/16); trusting every address is refused');
  }
  const entries = value.split(',');
  if (entries.some((entry) => entry.trim() === '')) throw new TrustedProxyError('PLANTDESK_TRUST_PROXY has an empty entry between commas');
  return checkTrustedProxies(entries);
}
