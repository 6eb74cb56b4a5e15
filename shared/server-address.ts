/**
 * What a person types as the server's address, completed with a scheme when they left it out:
 * https, except plain http for this machine (development and the demo server), the only place
 * the workstation allows it. The result is still checked as an address by the core.
 */
const loopbackHost = /^(localhost|127\.0\.0\.1|\[::1\])(?=$|[:/])/i;

export function withScheme(typed: string): string {
  const address = typed.trim();
  if (address === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(address)) return address;
  return `${loopbackHost.test(address) ? 'http' : 'https'}://${address}`;
}
