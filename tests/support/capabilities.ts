import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/**
 * Real infrastructure a suite needs (a browser, a keychain, a PostgreSQL server). On a
 * developer machine a missing one skips that suite with the reason; under CI (CI=true) a
 * missing one is a failure: CI installs all of them, so absence there is a broken setup.
 */
export interface Capability {
  available: boolean;
  reason: string;
}

export const isCI = process.env.CI === 'true' || process.env.CI === '1';

function commandWorks(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export function chromiumCapability(): Capability {
  const path = process.env.PLANTDESK_CHROMIUM ?? '/usr/bin/chromium';
  return existsSync(path)
    ? { available: true, reason: '' }
    : { available: false, reason: `no Chromium at ${path} (apt-get install chromium)` };
}

/** Debian keeps initdb and pg_ctl off PATH, under /usr/lib/postgresql/<major>/bin. */
export function postgresBinDir(): string | null {
  if (commandWorks('initdb', ['--version']) && commandWorks('pg_ctl', ['--version'])) return '';
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const majors = readdirSync(base).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  for (const major of majors) {
    const dir = `${base}/${major}/bin`;
    if (existsSync(`${dir}/initdb`) && existsSync(`${dir}/pg_ctl`)) return dir;
  }
  return null;
}

export function postgresCapability(): Capability {
  return postgresBinDir() !== null
    ? { available: true, reason: '' }
    : { available: false, reason: 'no PostgreSQL server binaries (apt-get install postgresql)' };
}

export function secretServiceCapability(): Capability {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    return { available: false, reason: 'no D-Bus session with an unlocked keyring (run through npm test, which starts one)' };
  }
  return { available: true, reason: '' };
}

/**
 * Use as `describe.skipIf(skipUnless(cap))(...)`: returns true to skip outside CI, throws under CI.
 */
export function skipUnless(capability: Capability): boolean {
  if (capability.available) return false;
  if (isCI) throw new Error(`required under CI: ${capability.reason}`);
  console.warn(`skipped: ${capability.reason}`);
  return true;
}
