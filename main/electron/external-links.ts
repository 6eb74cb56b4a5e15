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
