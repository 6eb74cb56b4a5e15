import { spawn } from 'node:child_process';

/**
 * The system browser for a single sign-on from the command line: the platform's opener where
 * there is a display, nothing where there is none (the address is printed instead). The address
 * is passed as one argument, never through a shell.
 */

/** False on a Linux or BSD machine without X11 or Wayland (a server, an SSH session), or when asked. */
export function canOpenBrowser(env: NodeJS.ProcessEnv, noBrowser: boolean, platform: NodeJS.Platform = process.platform): boolean {
  if (noBrowser) return false;
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** The opener's command line for an address, per platform. */
export function openerFor(url: string, platform: NodeJS.Platform = process.platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  // `start` is a cmd builtin that re-parses & and ^; the URL handler takes the address as is.
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

/** Starts the opener and does not wait for the browser; a missing opener leaves the printed address. */
export async function openInSystemBrowser(url: string): Promise<void> {
  const [command, args] = openerFor(url);
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}
