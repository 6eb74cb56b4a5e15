import { useSyncExternalStore } from 'react';

/**
 * Routing lives in the URL hash (`#/shift-logs?severity=high&q=pump`), so a view with its
 * filters can be reopened, bookmarked or pasted, and app:// needs no server-side routes.
 */
export const screens = ['shift-logs', 'people', 'audit', 'exports', 'settings', 'sync'] as const;
export type Screen = (typeof screens)[number];

export interface Route {
  screen: Screen;
  /** The record opened on the screen (`#/shift-logs/<id>`), if any. */
  id: string | null;
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  const [first, second] = path.split('/');
  const screen = (screens as readonly string[]).includes(first) ? (first as Screen) : 'shift-logs';
  return { screen, id: second ? decodeURIComponent(second) : null, query: new URLSearchParams(search) };
}

export function hrefFor(screen: Screen, id?: string | null, query?: URLSearchParams | Record<string, string>): string {
  const params = query instanceof URLSearchParams ? query : new URLSearchParams(query ?? {});
  const search = params.toString();
  return `#/${screen}${id ? `/${encodeURIComponent(id)}` : ''}${search ? `?${search}` : ''}`;
}

export function navigate(screen: Screen, id?: string | null, query?: URLSearchParams | Record<string, string>, options: { replace?: boolean } = {}): void {
  const href = hrefFor(screen, id, query);
  if (options.replace) {
    history.replaceState(null, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = href;
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

let cachedHash: string | null = null;
let cachedRoute: Route = parseHash('');

/** The current route; re-renders on hash changes. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  if (hash !== cachedHash) {
    cachedHash = hash;
    cachedRoute = parseHash(hash);
  }
  return cachedRoute;
}
