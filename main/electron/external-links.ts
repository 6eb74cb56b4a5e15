/** Hosts a person may be sent to in their own browser (help and release notes). */
export const externalLinkAllowList: readonly string[] = ['plantdesk.example', 'docs.plantdesk.example'];

/** True only for https URLs on an allow-listed host, without credentials or an odd port. */
export function isAllowedExternalUrl(candidate: string, allowList: readonly string[] = externalLinkAllowList): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  if (url.port !== '') return false;
  return allowList.includes(url.hostname.toLowerCase());
}

/**
 * A single sign-on page: the tenant's identity provider, which no fixed list can name, so the
 * rule is the one the server holds issuers to: https, or http on this machine; no credentials.
 * The core builds the address from the provider's discovery document.
 */
export function isSignInPageUrl(candidate: string): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname));
}

/** Opens a single sign-on page in the person's own browser (RFC 8252: never an embedded window). */
export async function openSignInPage(openExternal: (url: string) => Promise<void>, candidate: string): Promise<boolean> {
  if (!isSignInPageUrl(candidate)) return false;
  await openExternal(new URL(candidate).toString());
  return true;
}

/** The one way the app opens a link outside itself. */
export async function openExternalSafely(
  openExternal: (url: string) => Promise<void>,
  candidate: string,
  allowList: readonly string[] = externalLinkAllowList,
): Promise<boolean> {
  if (!isAllowedExternalUrl(candidate, allowList)) return false;
  await openExternal(new URL(candidate).toString());
  return true;
}
