import { PlantdeskError } from '../../../shared/errors';

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The server address a person typed, checked: https only, except plain http to this machine
 * (development and the demo server). No credentials, query or fragment; the origin and an
 * optional path prefix are kept.
 */
export function parseServerUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new PlantdeskError('insecure_server_url', 'That is not a server address. Use the form https://plant.example.');
  }
  const loopback = loopbackHosts.has(url.hostname.toLowerCase());
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new PlantdeskError('insecure_server_url');
  if (url.username || url.password || url.search || url.hash) {
    throw new PlantdeskError('insecure_server_url', 'The server address must not contain a user name, password, query or fragment.');
  }
  return url;
}
