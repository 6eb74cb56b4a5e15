import { APP_ORIGIN } from './app-origin';

/** The parts of Electron's WebFrameMain the decision needs. */
export interface SenderFrame {
  url: string;
  /** null for the top frame of a window. */
  parent: unknown;
}

/**
 * Only the top frame of a page served from app://plantdesk may call the contract. A missing
 * frame (destroyed, or a navigation in flight) is refused too.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  if (!frame) return false;
  if (frame.parent !== null) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  return `${url.protocol}//${url.host}` === APP_ORIGIN && url.username === '' && url.password === '';
}
